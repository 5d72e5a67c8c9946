#!/usr/bin/python3
"""Builds a small CNN with an ImageNet-size input for QuantScope's memory-budget tests (issue 14).

  src/test/resources/models/large/cnn224.onnx  3x224x224 input, 1,000 classes, about 170 KB: a stride-1 stem
      (Conv 3->48 + BN + ReLU6, whose output alone takes 9.6 MB per sample), a stride-2 convolution, a
      depthwise-separable block with a residual Add, a second stride-2 convolution, global average pooling and a
      Linear layer. A few samples of captured tensors exceed a small memory budget, as ResNet-50's do at real size,
      while the file stays tiny.

Random weights (seeded), BatchNorm statistics re-estimated on random inputs; exported like the other test models:
opset 13, BatchNormalization kept (TrainingMode.PRESERVE), dynamic batch.

Run:  /usr/bin/python3 tools/make_large_input_model.py   (a few seconds). Needs python3-torch, python3-onnx.
"""
import os

import onnx
import torch
import torch.nn as nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "src", "test", "resources", "models", "large")


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dw = nn.Sequential(nn.Conv2d(c, c, 3, 1, 1, groups=c, bias=False), nn.BatchNorm2d(c), nn.ReLU6())
        self.pw = nn.Sequential(nn.Conv2d(c, c, 1, bias=False), nn.BatchNorm2d(c))

    def forward(self, x):
        return x + self.pw(self.dw(x))


def main():
    torch.manual_seed(14)
    model = nn.Sequential(
        nn.Conv2d(3, 48, 3, 1, 1, bias=False), nn.BatchNorm2d(48), nn.ReLU6(),
        nn.Conv2d(48, 16, 3, 2, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU6(),
        Block(16),
        nn.Conv2d(16, 32, 3, 2, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 1000))
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.momentum = None
    model.train()
    with torch.no_grad():
        model(torch.randn(64, 3, 224, 224))
    model.eval()
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "cnn224.onnx")
    torch.onnx.export(model, torch.zeros(1, 3, 224, 224), path, opset_version=13,
                      training=torch.onnx.TrainingMode.PRESERVE, input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}}, do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path))
    print("%s: %d bytes" % (path, os.path.getsize(path)))


if __name__ == "__main__":
    main()
