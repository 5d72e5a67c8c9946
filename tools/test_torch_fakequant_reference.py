#!/usr/bin/env python3
"""Self-test of tools/torch_fakequant_reference.py's ONNX interpreter on the ops the demo models do
not use: exports a small PyTorch model (grouped conv, asymmetric Pad, MaxPool, AveragePool, Concat,
residual Add, Conv without BN, Linear + BatchNorm1d, MatMul, Reshape, ReLU6/ReLU) to ONNX in a
temporary folder, then checks the folded and unfolded interpreters against PyTorch and prints the
quantizer placement. Run: /usr/bin/python3 tools/test_torch_fakequant_reference.py"""
import os
import sys
import tempfile

import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_fakequant_reference as R  # noqa: E402


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 8, 3, padding=1, bias=False)
        self.b1 = nn.BatchNorm2d(8)
        self.c2 = nn.Conv2d(8, 8, 3, padding=0, groups=2)
        self.b2 = nn.BatchNorm2d(8)
        self.c3 = nn.Conv2d(8, 8, 1)
        self.c4 = nn.Conv2d(16, 12, 3, stride=2, padding=1)
        self.b4 = nn.BatchNorm2d(12)
        self.fc1 = nn.Linear(12 * 4 * 4, 20)
        self.bn5 = nn.BatchNorm1d(20)
        self.w = nn.Parameter(torch.randn(20, 10) * 0.1)


class Net2(Net):
    def forward(self, x):
        x = F.relu6(self.b1(self.c1(x)))
        y = F.pad(x, (0, 2, 1, 1))
        y = F.relu(self.b2(self.c2(y)))
        z = self.c3(x)
        x = torch.cat([y + z, F.max_pool2d(x, 3, 1, 1)], 1)
        x = F.avg_pool2d(x, 2)                                # 14
        x = F.relu(self.b4(self.c4(x)))                       # 7
        x = F.avg_pool2d(x, 3, 2, 1, count_include_pad=False)  # 4, padded
        x = x.reshape(-1, 12 * 4 * 4)                          # Reshape
        x = F.relu(self.bn5(self.fc1(x)))                     # Gemm + BN1d + Relu
        return x @ self.w                                      # MatMul


OPSET = 10  # attribute-style Pad and Clip (torch 1.13's opset-13 Pad export needs shape ops)


def main():
    torch.manual_seed(0)
    m = Net2().eval()
    with torch.no_grad():  # non-trivial BN statistics, one channel with running_var ~ 0
        for bn in (m.b1, m.b2, m.b4, m.bn5):
            bn.running_mean.uniform_(-0.5, 0.5)
            bn.running_var.uniform_(0.5, 2.0)
            bn.weight.uniform_(0.5, 1.5)
            bn.bias.uniform_(-0.2, 0.2)
        m.b2.running_var[3] = 1e-30
    x = torch.randn(16, 1, 28, 28)
    with torch.no_grad():
        ref = m(x)
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "t.onnx")
        torch.onnx.export(m, x, p, input_names=["input"], output_names=["out"], opset_version=OPSET,
                          training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=True)
        model = onnx.load(p)
    ops = sorted({n.op_type for n in model.graph.node})
    print("ops:", ", ".join(ops))
    ok = True
    for fold in (False, True):
        g = R.TorchGraph(model, fold_bn=fold)
        with torch.no_grad():
            out = g.forward({"input": x})[0]
        diff = float((out - ref).abs().max())
        rel = diff / float(ref.abs().max())
        print("fold_bn=%s: %d nodes, max |diff| vs PyTorch %.3g (relative %.3g)" % (fold, len(g.nodes), diff, rel))
        ok &= rel < 1e-5
    w, a = R.TorchGraph(model).placement()
    print("weights:", [n for n, _ in w])
    print("activations:", a)
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
