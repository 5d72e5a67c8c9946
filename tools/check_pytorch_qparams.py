#!/usr/bin/env python3
"""Prints torch.ao.quantization observer scale/zero_point for fixed arrays.

The output lines are pasted as golden values into
src/test/java/org/quantscope/core/quant/PyTorchQParamsGoldenTest.java (ScaleConvention.PYTORCH).
Format: bits,signed,symmetric,min,max,scale,zero_point (scale printed as float32 repr with 9 significant digits).
Run: python3 tools/check_pytorch_qparams.py
"""
import torch
from torch.ao.quantization.observer import MinMaxObserver

ARRAYS = [
    [-1.0, 0.5, 3.0],
    [-3.0, 1.5],
    [0.1, 0.7, 2.3],
    [-0.37, 0.011, 1.234567],
    [-1e-6, 1e-6],
    [-2.0, -0.5],
]

# (bits, signed, symmetric, quant_min, quant_max); 8-bit cases use torch's default range (no customisation)
CONFIGS = [
    (8, True, True, None, None),
    (8, True, False, None, None),
    (8, False, True, None, None),
    (8, False, False, None, None),
    (4, True, True, -8, 7),
    (4, False, False, 0, 15),
    (4, False, True, 0, 15),
    (2, True, False, -2, 1),
]

print(f"# torch {torch.__version__}")
for bits, signed, symmetric, qmin, qmax in CONFIGS:
    for values in ARRAYS:
        kwargs = dict(dtype=torch.qint8 if signed else torch.quint8,
                      qscheme=torch.per_tensor_symmetric if symmetric else torch.per_tensor_affine)
        if qmin is not None:
            kwargs.update(quant_min=qmin, quant_max=qmax)
        obs = MinMaxObserver(**kwargs)
        x = torch.tensor(values, dtype=torch.float32)
        obs(x)
        scale, zp = obs.calculate_qparams()
        print(f'"{bits}, {str(signed).lower()}, {str(symmetric).lower()}, {x.min().item()!r}f, {x.max().item()!r}f, '
              f'{scale.item():.9e}, {zp.item()}",')
