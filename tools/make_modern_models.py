#!/usr/bin/python3
"""Builds torchvision models with modern blocks, small enough to commit, for QuantScope's correctness tests (issue 13).

  mobilenetv2.onnx        torchvision mobilenet_v2(width_mult=0.5): inverted residuals, depthwise convolutions,
                          BatchNorm kept, ReLU6 exported as Clip(0, 6), residual Adds
  mobilenetv3_small.onnx  torchvision mobilenet_v3_small(width_mult=0.5): HardSwish (HardSigmoid + Mul at opset 13),
                          squeeze-and-excitation (GlobalAveragePool, two 1x1 convolutions, HardSigmoid, Mul)
  efficientnet_small.onnx torchvision EfficientNet with the B0 configuration at width 0.25 and depth 0.25: SiLU
                          (Sigmoid + Mul), SE blocks with SiLU and Sigmoid, stochastic depth (identity in eval)

The architectures are torchvision's own classes; only the first convolution takes one channel instead of three
(the data are 28x28 grey Fashion-MNIST images) and the classifier has 10 classes. Each model is trained briefly
(seeded, deterministic, 2 threads) on the demo calibration pool (resources/demo, 5,000 training images) and exported
like the demo models: opset 13, BatchNormalization kept (TrainingMode.PRESERVE), dynamic batch. Written to
src/test/resources/models/modern/. Prints FP32 accuracy on the first 2,000 demo test images and, for ReLU6 models,
how often the clip at 6 is active (the exactness of cross-layer equalization across ReLU6 only matters then).

Run:  /usr/bin/python3 tools/make_modern_models.py [--only mobilenetv2]   (a few minutes on 2 cores)
Needs python3-torch, python3-torchvision, python3-onnx, python3-numpy (Debian 12).
"""
import gzip
import json
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
import torchvision
from torchvision.models.efficientnet import EfficientNet, _efficientnet_conf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMO = os.path.join(ROOT, "resources", "demo")
OUT = os.path.join(ROOT, "src", "test", "resources", "models", "modern")


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def grey_stem(model):
    """Replaces the first 3-channel convolution of torchvision's feature extractor by a 1-channel one."""
    old = model.features[0][0]
    model.features[0][0] = nn.Conv2d(1, old.out_channels, old.kernel_size, old.stride, old.padding,
                                     bias=old.bias is not None)
    return model


def mobilenetv2():
    return grey_stem(torchvision.models.mobilenet_v2(num_classes=10, width_mult=0.5))


def mobilenetv3_small():
    return grey_stem(torchvision.models.mobilenet_v3_small(num_classes=10, width_mult=0.5))


def efficientnet_small():
    setting, last = _efficientnet_conf("efficientnet_b0", width_mult=0.25, depth_mult=0.25)
    return grey_stem(EfficientNet(setting, dropout=0.2, num_classes=10, last_channel=last))


# name -> (builder, training epochs)
MODELS = {"mobilenetv2": (mobilenetv2, 6), "mobilenetv3_small": (mobilenetv3_small, 3),
          "efficientnet_small": (efficientnet_small, 3)}


def load(split, ds):
    pix = read_idx(os.path.join(DEMO, "fmnist-%s-images-idx3-ubyte.gz" % split))
    y = torch.from_numpy(read_idx(os.path.join(DEMO, "fmnist-%s-labels-idx1-ubyte.gz" % split)).astype(np.int64))
    x = torch.from_numpy(((pix.astype(np.float64) * ds["scale"] - ds["mean"][0]) / ds["std"][0])
                         .astype(np.float32)).unsqueeze(1)
    return x, y


def wide_relu6_init(model, gamma):
    """Starts every BatchNorm that feeds a ReLU6 with scale `gamma` instead of 1. Briefly trained from the usual
    init, a ReLU6 network never reaches the clip at 6 (pre-activations stay within a few units); a pretrained
    ImageNet MobileNet reaches it often. A wider start makes the clip active, so that replacing ReLU6 by ReLU
    changes the function, as it does on real pretrained models."""
    seq = [m for m in model.modules() if isinstance(m, nn.Sequential)]
    for s in seq:
        mods = list(s.children())
        for a, b in zip(mods, mods[1:]):
            if isinstance(a, nn.BatchNorm2d) and isinstance(b, nn.ReLU6):
                nn.init.constant_(a.weight, gamma)


def recalibrate_bn(model, x):
    """Re-estimates every BatchNorm's running statistics as the plain average over the training data (torchvision's
    MobileNetV3 and EfficientNet use momentum 0.01, far from converged after a short training)."""
    for m in model.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            m.reset_running_stats()
            m.momentum = None
    model.train()
    with torch.no_grad():
        for s in range(0, x.shape[0], 250):
            model(x[s:s + 250])


def clip_activity(model, x):
    """Fraction of ReLU6 inputs above 6, over all ReLU6 modules, on x."""
    counts = [0, 0]

    def hook(_, inputs):  # before the module: torchvision's ReLU6 works in place
        t = inputs[0]
        counts[0] += int((t > 6).sum())
        counts[1] += t.numel()

    handles = [m.register_forward_pre_hook(hook) for m in model.modules() if isinstance(m, nn.ReLU6)]
    with torch.no_grad():
        model(x)
    for h in handles:
        h.remove()
    return counts[0] / max(counts[1], 1), len(handles)


def main():
    only = sys.argv[sys.argv.index("--only") + 1].split(",") if "--only" in sys.argv else list(MODELS)
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)
    ds = json.load(open(os.path.join(DEMO, "dataset.json")))
    x, y = load("calib", ds)
    xt, yt = load("test", ds)
    xt, yt = xt[:2000], yt[:2000]
    os.makedirs(OUT, exist_ok=True)
    for i, (name, (make, epochs)) in enumerate(MODELS.items()):
        if name not in only:
            continue
        torch.manual_seed(300 + i)
        model = make()
        wide_relu6_init(model, 3.0)
        opt = torch.optim.Adam(model.parameters(), lr=3e-3)
        g = torch.Generator().manual_seed(11)
        for epoch in range(epochs):
            model.train()
            perm = torch.randperm(x.shape[0], generator=g)
            for s in range(0, x.shape[0], 100):
                idx = perm[s:s + 100]
                opt.zero_grad()
                nn.functional.cross_entropy(model(x[idx]), y[idx]).backward()
                opt.step()
        recalibrate_bn(model, x)
        model.eval()
        with torch.no_grad():
            acc = float((model(xt).argmax(1) == yt).float().mean()) * 100
        path = os.path.join(OUT, name + ".onnx")
        torch.onnx.export(model, torch.zeros(1, 1, 28, 28), path, opset_version=13,
                          training=torch.onnx.TrainingMode.PRESERVE, input_names=["input"],
                          output_names=["logits"], dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}},
                          do_constant_folding=True)
        m = onnx.load(path)
        onnx.checker.check_model(m)
        ops = sorted({n.op_type for n in m.graph.node})
        active, relu6 = clip_activity(model, xt[:500])
        print("%-18s %8d bytes  FP32 %.2f %% on 2,000 test images  ReLU6 modules %d, inputs above 6: %.3f %%\n"
              "                   ops: %s" % (name, os.path.getsize(path), acc, relu6, active * 100, " ".join(ops)),
              flush=True)


if __name__ == "__main__":
    main()
