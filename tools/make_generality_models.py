#!/usr/bin/python3
"""Builds small PyTorch models of shapes the demo models lack, for QuantScope's generality tests.

  mlp_bn.onnx         Flatten -> Linear -> BatchNorm1d -> ReLU -> Dropout -> Linear (Gemm + BN1d folding)
  concat_cnn.onnx     Conv+BN+ReLU6 -> MaxPool -> two branches (1x1 and 3x3 Conv+BN+ReLU) -> Concat ->
                      strided Conv+BN+ReLU -> AvgPool -> Linear
  tied_resnet.onnx    stem Conv+BN+ReLU, a residual block (Conv+BN+ReLU, Conv+BN, Add, ReLU) whose second
                      convolution reuses the first one's module (tied weights), nn.Identity, global average pool
  linear3d.onnx       nn.Linear applied to the rows of the image (MatMul + bias Add on a 3-D tensor) -> ReLU ->
                      Flatten -> Linear

Each model is trained for two epochs on the demo calibration pool (resources/demo, 5,000 Fashion-MNIST training
images), seeded and single-threaded, and exported like the demo models (opset 13, BatchNormalization kept with
TrainingMode.PRESERVE, dynamic batch). Written to src/test/resources/models/generality/. Then the independent
PyTorch fake-quant reference (tools/torch_fakequant_reference.py) is run on each, writing
tools/reference/torch-fakequant-<model>.json, which GeneralityFidelityTest compares QuantScope with.

Run:  /usr/bin/python3 tools/make_generality_models.py [--only mlp_bn,linear3d]   (a few minutes on 2 cores)
Needs python3-torch, python3-onnx, python3-numpy (Debian 12).
"""
import gzip
import json
import os
import subprocess
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMO = os.path.join(ROOT, "resources", "demo")
OUT = os.path.join(ROOT, "src", "test", "resources", "models", "generality")


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


class MlpBn(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 48)
        self.bn = nn.BatchNorm1d(48)
        self.drop = nn.Dropout(0.1)
        self.fc2 = nn.Linear(48, 10)

    def forward(self, x):
        return self.fc2(self.drop(torch.relu(self.bn(self.fc1(torch.flatten(x, 1))))))


def conv_bn(cin, cout, k, stride=1, act="relu"):
    layers = [nn.Conv2d(cin, cout, k, stride, k // 2, bias=False), nn.BatchNorm2d(cout)]
    layers.append(nn.ReLU6() if act == "relu6" else nn.ReLU())
    return nn.Sequential(*layers)


class ConcatCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = conv_bn(1, 8, 3, act="relu6")
        self.pool = nn.MaxPool2d(2)
        self.a = conv_bn(8, 8, 1)
        self.b = conv_bn(8, 8, 3)
        self.mix = conv_bn(16, 16, 3, stride=2)
        self.avg = nn.AvgPool2d(7)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.pool(self.stem(x))
        x = torch.cat([self.a(x), self.b(x)], 1)
        x = self.avg(self.mix(x))
        return self.fc(torch.flatten(x, 1))


class TiedResnet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = conv_bn(1, 12, 3)
        self.conv = nn.Conv2d(12, 12, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(12)
        self.bn2 = nn.BatchNorm2d(12)
        self.keep = nn.Identity()
        self.head = nn.Linear(12, 10)

    def forward(self, x):
        x = nn.functional.max_pool2d(self.stem(x), 2)
        y = torch.relu(self.bn1(self.conv(x)))
        y = self.bn2(self.conv(y))  # the same convolution again: tied weights
        x = torch.relu(self.keep(x) + y)
        return self.head(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))


class Linear3d(nn.Module):
    def __init__(self):
        super().__init__()
        self.rows = nn.Linear(28, 16)
        self.fc = nn.Linear(28 * 16, 10)

    def forward(self, x):
        x = torch.relu(self.rows(x.reshape(-1, 28, 28)))
        return self.fc(torch.flatten(x, 1))


MODELS = {"mlp_bn": MlpBn, "concat_cnn": ConcatCnn, "tied_resnet": TiedResnet, "linear3d": Linear3d}


def main():
    only = sys.argv[sys.argv.index("--only") + 1].split(",") if "--only" in sys.argv else list(MODELS)
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)
    ds = json.load(open(os.path.join(DEMO, "dataset.json")))
    pix = read_idx(os.path.join(DEMO, "fmnist-calib-images-idx3-ubyte.gz"))
    y = torch.from_numpy(read_idx(os.path.join(DEMO, "fmnist-calib-labels-idx1-ubyte.gz")).astype(np.int64))
    x = torch.from_numpy(((pix.astype(np.float64) * ds["scale"] - ds["mean"][0]) / ds["std"][0])
                         .astype(np.float32)).unsqueeze(1)
    os.makedirs(OUT, exist_ok=True)
    paths = []
    for i, (name, cls) in enumerate(MODELS.items()):
        if name not in only:
            continue
        torch.manual_seed(100 + i)
        model = cls()
        opt = torch.optim.Adam(model.parameters(), lr=3e-3)
        g = torch.Generator().manual_seed(7)
        for epoch in range(2):
            model.train()
            perm = torch.randperm(x.shape[0], generator=g)
            for s in range(0, x.shape[0], 100):
                idx = perm[s:s + 100]
                opt.zero_grad()
                nn.functional.cross_entropy(model(x[idx]), y[idx]).backward()
                opt.step()
        model.eval()
        path = os.path.join(OUT, name + ".onnx")
        torch.onnx.export(model, torch.zeros(1, 1, 28, 28), path, opset_version=13,
                          training=torch.onnx.TrainingMode.PRESERVE, input_names=["input"],
                          output_names=["logits"], dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}},
                          do_constant_folding=True)
        m = onnx.load(path)
        onnx.checker.check_model(m)
        ops = sorted({n.op_type for n in m.graph.node})
        print("%-12s %7d bytes  ops: %s" % (name, os.path.getsize(path), " ".join(ops)), flush=True)
        paths.append(path)
    cmd = [sys.executable, os.path.join(ROOT, "tools", "torch_fakequant_reference.py")]
    for p in paths:
        cmd += ["--model", p, "--out", os.path.join(ROOT, "tools", "reference", "torch-fakequant-%s.json"
                                                     % os.path.splitext(os.path.basename(p))[0])]
    subprocess.run(cmd, check=True)


if __name__ == "__main__":
    main()
