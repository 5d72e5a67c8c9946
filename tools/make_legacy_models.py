#!/usr/bin/python3
"""Builds one small trained CNN and exports it at old and new opsets, for QuantScope's legacy-ONNX tests.

The network (LegacyCnn below): Conv+BN+ReLU6 -> MaxPool -> strided Conv+BN+ReLU6 -> nearest Upsample x2 ->
strided Conv+BN+ReLU -> Flatten -> Linear (Gemm). Trained for two epochs on the demo calibration pool
(resources/demo, 5,000 Fashion-MNIST training images), seeded and single-threaded, then exported with BatchNorm
kept (TrainingMode.PRESERVE on the eval model, as the other scripts do) three times:

  legacy_cnn_opset13.onnx  opset 13 (Clip bounds and Resize scales are inputs)
  legacy_cnn_opset9.onnx   opset 9, keep_initializers_as_inputs=True, stamped IR version 3: every initializer is
                           also a graph input, ReLU6 is Clip with min/max attributes, the upsampling is Upsample-9
                           (scales as an input), as the ONNX Model Zoo's classic files are
  legacy_cnn_opset7.onnx   the opset-9 file rewritten to opset 7 with the onnx helper API (torch 1.13 cannot export
                           nearest upsampling by a scale factor below opset 9): Upsample-7 (scales as an attribute),
                           BatchNormalization-7 (spatial=1 written out), Clip-6, and an inference-mode Dropout-7
                           (ratio attribute) before the Gemm, as old exporters wrote it; the other ops (Conv, MaxPool,
                           Relu, Flatten, Gemm) mean the same at opset 7

Two untrained models with inputs QuantScope cannot feed, built with the onnx helper API (seeded weights), for `info`:

  multi_input.onnx         opset 13, two data inputs a [N, 4] and b [N, 4] -> Add -> Gemm -> Relu -> y [N, 3]
  rank1_input.onnx         opset 13, one input x [784] without a batch dimension -> MatMul -> Add -> logits [10]
  dropout_mask_opset7.onnx opset 7, IR 3: input [N, 1, 28, 28] -> Flatten -> Gemm -> Dropout-7 whose float mask is a
                           graph output (ONNX Runtime runs it; opset 10 made the mask bool, so it cannot be converted)
  relu_opset6.onnx         opset 6: a single Relu, older than QuantScope (and ONNX Runtime) reads

The script checks each file with onnx.checker and prints its IR version, opset, op types and whether every
initializer is listed as a graph input. Written to src/test/resources/models/legacy/.

Run:  /usr/bin/python3 tools/make_legacy_models.py   (about a minute on 2 cores)
Needs python3-torch, python3-onnx, python3-numpy (Debian 12).
"""
import gzip
import json
import os

import numpy as np
import onnx
import onnx.numpy_helper
import torch
import torch.nn as nn
from onnx import helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMO = os.path.join(ROOT, "resources", "demo")
OUT = os.path.join(ROOT, "src", "test", "resources", "models", "legacy")


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def conv_bn(cin, cout, stride, act):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), act)


class LegacyCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = conv_bn(1, 8, 1, nn.ReLU6())
        self.pool = nn.MaxPool2d(2)
        self.down = conv_bn(8, 16, 2, nn.ReLU6())
        self.mix = conv_bn(16, 16, 2, nn.ReLU())
        self.fc = nn.Linear(16 * 7 * 7, 10)

    def forward(self, x):
        x = self.down(self.pool(self.stem(x)))                      # [N, 16, 7, 7]
        x = nn.functional.interpolate(x, scale_factor=2.0, mode="nearest")  # [N, 16, 14, 14]
        x = self.mix(x)                                              # [N, 16, 7, 7]
        return self.fc(torch.flatten(x, 1))


def export(model, path, opset, initializers_as_inputs):
    torch.onnx.export(model, torch.zeros(1, 1, 28, 28), path, opset_version=opset,
                      training=torch.onnx.TrainingMode.PRESERVE, input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}}, do_constant_folding=True,
                      keep_initializers_as_inputs=initializers_as_inputs)
    return onnx.load(path)


def stamp_ir3(m):
    """IR version 3, as the classic Model Zoo files (torch stamps its own IR version whatever the opset)."""
    m.ir_version = 3
    return m


def to_opset7(m9):
    """The opset-9 model at opset 7: Upsample scales from their Constant into an attribute, BN spatial=1 written."""
    m = onnx.ModelProto()
    m.CopyFrom(m9)
    g = m.graph
    consts = {n.output[0]: n for n in g.node if n.op_type == "Constant"}
    nodes = []
    for n in g.node:
        if n.op_type == "Upsample":
            scales = onnx.numpy_helper.to_array(consts[n.input[1]].attribute[0].t).astype(float).tolist()
            mode = helper.get_attribute_value(n.attribute[0]).decode()
            n = helper.make_node("Upsample", [n.input[0]], list(n.output), name=n.name, mode=mode, scales=scales)
        elif n.op_type == "BatchNormalization":
            n.attribute.append(helper.make_attribute("spatial", 1))
        nodes.append(n)
    used = {i for n in nodes for i in n.input}
    nodes = [n for n in nodes if not (n.op_type == "Constant" and n.output[0] not in used)]
    del g.node[:]
    g.node.extend(nodes)
    m.opset_import[0].version = 7
    return add_dropout_before_gemm(m)


def add_dropout_before_gemm(m):
    """Dropout-7 with a ratio attribute in front of the Gemm: identity in inference, as old exporters wrote it."""
    g = m.graph
    gemm = next(n for n in g.node if n.op_type == "Gemm")
    src = gemm.input[0]
    gemm.input[0] = src + "_dropped"
    drop = helper.make_node("Dropout", [src], [src + "_dropped"], name="dropout_before_fc", ratio=0.25)
    nodes = list(g.node)
    nodes.insert(nodes.index(gemm), drop)
    del g.node[:]
    g.node.extend(nodes)
    return m


def structure_models():
    rng = np.random.default_rng(1310)
    f32 = onnx.TensorProto.FLOAT
    w = onnx.numpy_helper.from_array(rng.standard_normal((3, 4)).astype(np.float32), "W")
    g = helper.make_graph(
        [helper.make_node("Add", ["a", "b"], ["ab"], name="add"),
         helper.make_node("Gemm", ["ab", "W"], ["h"], name="fc", transB=1),
         helper.make_node("Relu", ["h"], ["y"], name="relu")],
        "multi_input",
        [helper.make_tensor_value_info("a", f32, ["N", 4]), helper.make_tensor_value_info("b", f32, ["N", 4])],
        [helper.make_tensor_value_info("y", f32, ["N", 3])], [w])
    multi = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="make_legacy_models")
    multi.ir_version = 7
    w = onnx.numpy_helper.from_array((rng.standard_normal((784, 10)) * 0.05).astype(np.float32), "W")
    b = onnx.numpy_helper.from_array(rng.standard_normal(10).astype(np.float32), "B")
    g = helper.make_graph(
        [helper.make_node("MatMul", ["x", "W"], ["xw"], name="fc"),
         helper.make_node("Add", ["xw", "B"], ["logits"], name="bias")],
        "rank1_input", [helper.make_tensor_value_info("x", f32, [784])],
        [helper.make_tensor_value_info("logits", f32, [10])], [w, b])
    rank1 = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="make_legacy_models")
    rank1.ir_version = 7
    w = onnx.numpy_helper.from_array((rng.standard_normal((10, 784)) * 0.05).astype(np.float32), "W")
    b = onnx.numpy_helper.from_array(rng.standard_normal(10).astype(np.float32), "B")
    g = helper.make_graph(
        [helper.make_node("Flatten", ["input"], ["flat"], name="flatten"),
         helper.make_node("Gemm", ["flat", "W", "B"], ["fc_out"], name="fc", transB=1),
         helper.make_node("Dropout", ["fc_out"], ["logits", "mask"], name="drop", ratio=0.5)],
        "dropout_mask", [helper.make_tensor_value_info("input", f32, ["N", 1, 28, 28]),
                         helper.make_tensor_value_info("W", f32, [10, 784]),
                         helper.make_tensor_value_info("B", f32, [10])],
        [helper.make_tensor_value_info("logits", f32, ["N", 10]),
         helper.make_tensor_value_info("mask", f32, ["N", 10])],
        [w, b])
    mask = helper.make_model(g, opset_imports=[helper.make_opsetid("", 7)], producer_name="make_legacy_models")
    mask.ir_version = 3
    g = helper.make_graph([helper.make_node("Relu", ["x"], ["y"], name="relu")], "relu6",
                          [helper.make_tensor_value_info("x", f32, ["N", 4])],
                          [helper.make_tensor_value_info("y", f32, ["N", 4])])
    old = helper.make_model(g, opset_imports=[helper.make_opsetid("", 6)], producer_name="make_legacy_models")
    old.ir_version = 3
    return {"multi_input.onnx": multi, "rank1_input.onnx": rank1, "dropout_mask_opset7.onnx": mask,
            "relu_opset6.onnx": old}


def describe(name, m, path):
    onnx.checker.check_model(m)
    inits = {t.name for t in m.graph.initializer}
    listed = {i.name for i in m.graph.input}
    ops = sorted({n.op_type for n in m.graph.node})
    print("%-24s %6d bytes  IR %d  opset %d  initializers as inputs: %s  ops: %s"
          % (name, os.path.getsize(path), m.ir_version, m.opset_import[0].version,
             "-" if not inits else "all" if inits <= listed else "none" if not inits & listed else "some", " ".join(ops)), flush=True)
    for n in m.graph.node:
        if n.op_type in ("Clip", "Upsample", "Resize", "BatchNormalization", "Dropout"):
            attrs = {a.name: helper.get_attribute_value(a) for a in n.attribute}
            print("    %-18s inputs %d  attributes %s" % (n.op_type, len(n.input), attrs))
            break


def main():
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    ds = json.load(open(os.path.join(DEMO, "dataset.json")))
    pix = read_idx(os.path.join(DEMO, "fmnist-calib-images-idx3-ubyte.gz"))
    y = torch.from_numpy(read_idx(os.path.join(DEMO, "fmnist-calib-labels-idx1-ubyte.gz")).astype(np.int64))
    x = torch.from_numpy(((pix.astype(np.float64) * ds["scale"] - ds["mean"][0]) / ds["std"][0])
                         .astype(np.float32)).unsqueeze(1)
    torch.manual_seed(1309)
    model = LegacyCnn()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    g = torch.Generator().manual_seed(9)
    for epoch in range(2):
        model.train()
        perm = torch.randperm(x.shape[0], generator=g)
        for s in range(0, x.shape[0], 100):
            idx = perm[s:s + 100]
            opt.zero_grad()
            nn.functional.cross_entropy(model(x[idx]), y[idx]).backward()
            opt.step()
    model.eval()
    with torch.no_grad():
        acc = (model(x).argmax(1) == y).float().mean().item()
    print("accuracy on the calibration pool it was trained on: %.4f" % acc)
    os.makedirs(OUT, exist_ok=True)

    path = os.path.join(OUT, "legacy_cnn_opset13.onnx")
    describe("legacy_cnn_opset13.onnx", export(model, path, 13, False), path)

    path = os.path.join(OUT, "legacy_cnn_opset9.onnx")
    m9 = stamp_ir3(export(model, path, 9, True))
    onnx.save(m9, path)
    describe("legacy_cnn_opset9.onnx", m9, path)

    path = os.path.join(OUT, "legacy_cnn_opset7.onnx")
    m7 = to_opset7(m9)
    onnx.save(m7, path)
    describe("legacy_cnn_opset7.onnx", m7, path)

    for name, m in structure_models().items():
        path = os.path.join(OUT, name)
        onnx.save(m, path)
        describe(name, m, path)


if __name__ == "__main__":
    main()
