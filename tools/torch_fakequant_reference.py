#!/usr/bin/env python3
"""Independent reference for QuantScope: PyTorch's own fake quantization of an ONNX CNN.

Runs with Debian's interpreter and packages (python3-torch, python3-onnx, python3-numpy), no
onnxruntime:

    /usr/bin/python3 tools/torch_fakequant_reference.py            # both demo models
    /usr/bin/python3 tools/torch_fakequant_reference.py --model resources/demo/resnet-fmnist.onnx \
        --out tools/reference/torch-fakequant-resnet-fmnist.json --calib-size 256

What it does (details and results: docs/torch-reference.md)

1. Loads the ONNX file and interprets its graph with torch.nn.functional ops in float32, NCHW.
   Constant and Identity nodes are resolved at load time (Identity = alias). Every
   BatchNormalization whose input is produced by a Conv/Gemm/MatMul (weight = initializer), and used
   by nothing else, is folded into it (white paper eq. 10-12, with the node's epsilon, in float64,
   stored as float32):  W' = W * gamma / sqrt(var + eps) per output channel,
                        b' = (b - mean) * gamma / sqrt(var + eps) + beta.
   A channel with running_var ~ 0 is folded like any other (scale gamma/sqrt(eps)), never skipped.
   The folded FP32 graph is checked against the unfolded graph (and, on a few images, against the
   float64 numpy evaluator tools/onnx_numpy_ref.py); the max |logit difference| is printed and stored.

2. Quantizer placement (the same rules QuantScope implements):
   - weights: one quantizer per Conv / Gemm / MatMul weight, AFTER BN folding, keyed by the
     initializer name of the node's weight input; biases stay float. Per-channel axis = output
     channel (axis 0 of Conv weights and of Gemm weights with transB=1; the interpreter stores
     Gemm(transB=0) and MatMul weights transposed to [out, in], so their per-channel scales are also
     per output column of the ONNX tensor).
   - activations, keyed by the ONNX tensor name they quantize (Identity aliases resolved to the
     producing tensor's name):
       * every model input;
       * the output of each layer group = Conv/Gemm/MatMul + its directly following
         BatchNormalization + its directly following activation (Relu, Clip, Sigmoid, HardSigmoid,
         HardSwish, ...), or the gated activation t * HardSigmoid(t) (alpha 1/6, beta 1/2: HardSwish
         before opset 14) / t * Sigmoid(t) (SiLU): quantized AFTER the activation; with no activation
         after the BN, or after the linear op. "Directly following" means the tensor has exactly one
         consumer and is not a model output;
       * outputs of Add and Concat, and of a Mul of two activations (squeeze-and-excitation);
       * outputs of MaxPool, AveragePool, GlobalAveragePool;
       * every model output;
       * completion (QuantScope's decision 0020): every data input of a layer not covered by a
         quantizer above (through Flatten, Reshape, Transpose, MaxPool, Relu, zero Pad, ...).
     A tensor is quantized once even when several rules name it. Flatten, Reshape, Identity and Pad
     get no quantizer of their own (nor does a Relu/Clip that does not close a layer group, e.g. the
     Relu after a residual Add: it sees the Add's quantized values, which stay on the grid).
   - weight observers: W8 MinMaxObserver(dtype=qint8, qscheme=per_tensor_symmetric) or
     PerChannelMinMaxObserver(ch_axis=0, dtype=qint8, qscheme=per_channel_symmetric), quant range
     -128..127; W4 the same observers with quant_min=-8, quant_max=7. PyTorch's convention:
     scale = max(|min|, |max|) / ((quant_max - quant_min) / 2), i.e. amax/127.5 resp. amax/7.5,
     zero_point 0, scale clamped below at float32 eps.
   - activation observers (A8): MinMaxObserver(dtype=quint8, qscheme=per_tensor_affine,
     reduce_range=False), range 0..255: scale = (max(max,0) - min(min,0)) / 255,
     zero_point = clamp(0 - round(min(min,0) / scale), 0, 255).
   - every quantizer is a torch.ao.quantization.FakeQuantize, so the forward pass uses
     torch.fake_quantize_per_tensor_affine / per_channel_affine:
     (clamp(nearbyint(x * (1/scale)) + zp, qmin, qmax) - zp) * scale, float32, ties to even, with
     x multiplied by the float32 reciprocal of the scale (not divided by the scale).

3. Calibration = torch.ao's post-training default: observers only, fake quantization DISABLED
   everywhere, i.e. the activation observers see the FP32 (BN-folded) model's activations; the first
   N images (default 256) of the calibration pool, indices 0..N-1 of the pool file. Then observers
   are frozen, fake quantization is enabled and the 10,000 test images are evaluated (batch 500).

Preprocessing: x = (pixel * scale - mean) / std from dataset.json, computed in float64 and fed as
float32 (what the demo generator and QuantScope's SampleNormalizer do).
"""
import argparse
import gzip
import hashlib
import json
import math
import os
import platform
import sys
import time

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper
from torch.ao.quantization import FakeQuantize, MinMaxObserver, PerChannelMinMaxObserver

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMO = os.path.join(ROOT, "resources", "demo")
DEFAULT_MODELS = ["mobilenet-fmnist.onnx", "resnet-fmnist.onnx"]

# name, weight bits (None = FP32), per-channel weights
CONFIGS = [
    ("FP32", None, False),
    ("W8A8 per-tensor", 8, False),
    ("W8A8 per-channel", 8, True),
    ("W4A8 per-tensor", 4, False),
    ("W4A8 per-channel", 4, True),
]
WEIGHT_RANGE = {8: (-128, 127), 4: (-8, 7)}
LINEAR_OPS = ("Conv", "Gemm", "MatMul")
# activations that join a layer group when they directly follow it (QuantScope's LayerGrouper)
ACTIVATION_OPS = ("Relu", "Clip", "HardSwish", "LeakyRelu", "Sigmoid", "HardSigmoid", "Tanh", "Elu", "Selu",
                  "Softplus", "PRelu", "Gelu", "Mish")
QUANTIZED_OUTPUT_OPS = ("Add", "Concat", "MaxPool", "AveragePool", "GlobalAveragePool")
# ops whose output holds only values of their input (or 0): quantizing after them with the grid before them is the
# identity, so the quantizer before covers their output (decision 0020; QuantScope's GridPreserving)
GRID_PRESERVING_OPS = ("Flatten", "Reshape", "Squeeze", "Unsqueeze", "Transpose", "MaxPool", "GlobalMaxPool",
                       "Dropout", "Relu", "Slice", "Split", "Gather", "GatherElements", "Expand", "Tile",
                       "DepthToSpace", "SpaceToDepth", "ReduceMax", "ReduceMin")


# ============================================================================ ONNX graph -> torch
def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _str(v):
    return v.decode() if isinstance(v, bytes) else v


class Node:
    def __init__(self, op, inputs, outputs, attrs, name):
        self.op, self.inputs, self.outputs, self.attrs, self.name = op, inputs, outputs, attrs, name
        self.weight = None       # linear ops: float32 weight ([out, in] for Gemm/MatMul)
        self.bias = None
        self.weight_name = None  # ONNX initializer name of the weight input
        self.folded_bn = None    # name of the folded BatchNormalization node


class TorchGraph:
    """Interprets an ONNX graph with torch.nn.functional ops (float32). fold_bn folds BN into the
    preceding linear op. Quantizers are supplied to forward() as dicts keyed by tensor name."""

    def __init__(self, model, fold_bn=True):
        g = model.graph
        self.consts = {}
        for init in g.initializer:
            self.consts[init.name] = torch.from_numpy(np.array(numpy_helper.to_array(init)))
        self.alias = {}
        self.inputs = [i.name for i in g.input if i.name not in self.consts]
        self.nodes = []
        for n in g.node:
            a = _attrs(n)
            ins = [self._resolve(i) if i else "" for i in n.input]
            if n.op_type == "Constant":
                if "value" in a:
                    v = numpy_helper.to_array(a["value"])
                elif "value_float" in a:
                    v = np.array(a["value_float"], dtype=np.float32)
                elif "value_floats" in a:
                    v = np.array(a["value_floats"], dtype=np.float32)
                elif "value_int" in a:
                    v = np.array(a["value_int"], dtype=np.int64)
                elif "value_ints" in a:
                    v = np.array(a["value_ints"], dtype=np.int64)
                else:
                    raise NotImplementedError("Constant %s: unsupported value attribute" % n.name)
                self.consts[n.output[0]] = torch.from_numpy(np.array(v))
            elif n.op_type == "Identity":
                if ins[0] in self.consts:
                    self.consts[n.output[0]] = self.consts[ins[0]]
                else:
                    self.alias[n.output[0]] = ins[0]
            else:
                self.nodes.append(Node(n.op_type, ins, list(n.output), a, n.name))
        self.outputs = [self._resolve(o.name) for o in g.output]
        self._prepare_linear()
        if fold_bn:
            self._fold_bn()
        self._name_weight_quantizers()
        self.consumers = self._consumers()

    def _resolve(self, name):
        while name in self.alias:
            name = self.alias[name]
        return name

    def _consumers(self):
        c = {}
        for n in self.nodes:
            for i in n.inputs:
                if i:
                    c.setdefault(i, []).append(n)
        return c

    def _prepare_linear(self):
        for n in self.nodes:
            if n.op == "Conv":
                n.weight_name = n.inputs[1]
                n.weight = self.consts[n.inputs[1]].float()
                n.bias = self.consts[n.inputs[2]].float() if len(n.inputs) > 2 and n.inputs[2] else None
            elif n.op == "Gemm" and n.inputs[1] in self.consts:
                if n.attrs.get("transA", 0):
                    raise NotImplementedError("Gemm %s: transA=1" % n.name)
                w = self.consts[n.inputs[1]].float()
                w = w if n.attrs.get("transB", 0) else w.t()
                alpha, beta = float(n.attrs.get("alpha", 1.0)), float(n.attrs.get("beta", 1.0))
                if alpha != 1.0:
                    w = w * alpha
                n.weight_name, n.weight = n.inputs[1], w.contiguous()
                if len(n.inputs) > 2 and n.inputs[2]:
                    c = self.consts[n.inputs[2]].float() * beta
                    n.bias = c.reshape(-1).expand(w.shape[0]).contiguous() if c.numel() in (1, w.shape[0]) else None
                    if n.bias is None:
                        raise NotImplementedError("Gemm %s: bias shape %s" % (n.name, tuple(c.shape)))
            elif n.op == "MatMul" and n.inputs[1] in self.consts and self.consts[n.inputs[1]].dim() == 2:
                n.weight_name = n.inputs[1]
                n.weight = self.consts[n.inputs[1]].float().t().contiguous()
        self._absorb_matmul_bias()

    def _absorb_matmul_bias(self):
        """nn.Linear on a tensor of rank > 2 exports as MatMul + Add(bias): make the Add the layer's bias, so the
        layer group is MatMul + bias (+ BN + activation) as for Gemm, and its output is quantized once."""
        consumers = self._consumers()
        drop = set()
        for n in self.nodes:
            if n.op != "MatMul" or n.weight is None or n.outputs[0] in self.outputs:
                continue
            cons = consumers.get(n.outputs[0], [])
            if len(cons) != 1 or cons[0].op != "Add":
                continue
            add = cons[0]
            other = add.inputs[1] if add.inputs[0] == n.outputs[0] else add.inputs[0]
            if other in self.consts and self.consts[other].numel() == n.weight.shape[0] \
                    and self.consts[other].dim() <= 1:
                n.bias = self.consts[other].float().reshape(-1).contiguous()
                n.outputs = list(add.outputs)
                drop.add(id(add))
        self.nodes = [n for n in self.nodes if id(n) not in drop]

    def _name_weight_quantizers(self):
        """A weight shared by several layers gets one quantizer, unless BN folding made the layers' tensors differ
        (one folded into a BN, or folded into different BNs): then each layer has its own quantizer, named
        '<initializer>@<node>' (QuantScope names them the same way)."""
        groups = {}
        for n in self.nodes:
            if n.weight is not None:
                groups.setdefault(n.weight_name, []).append(n)
        for name, nodes in groups.items():
            if len(nodes) > 1 and any(n.folded_bn for n in nodes):
                for n in nodes:
                    n.weight_name = "%s@%s" % (name, n.name)

    def _fold_bn(self):
        producer = {o: n for n in self.nodes for o in n.outputs}
        consumers = self._consumers()
        kept = []
        for n in self.nodes:
            if n.op == "BatchNormalization":
                p = producer.get(n.inputs[0])
                t = n.inputs[0]
                if (p is not None and p.weight is not None and p.folded_bn is None
                        and len(consumers.get(t, [])) == 1 and t not in self.outputs):
                    if n.attrs.get("training_mode", 0) or len([o for o in n.outputs if o]) > 1:
                        raise NotImplementedError("BatchNormalization %s in training mode" % n.name)
                    gamma, beta, mean, var = (self.consts[i].double() for i in n.inputs[1:5])
                    eps = float(n.attrs.get("epsilon", 1e-5))
                    s = gamma / torch.sqrt(var + eps)
                    w = p.weight.double()
                    p.weight = (w * s.reshape((-1,) + (1,) * (w.dim() - 1))).float()
                    b0 = p.bias.double() if p.bias is not None else torch.zeros_like(mean)
                    p.bias = ((b0 - mean) * s + beta).float()
                    p.outputs = [n.outputs[0]]
                    p.folded_bn = n.name or n.outputs[0]
                    continue
            kept.append(n)
        self.nodes = kept

    def to(self, dtype):
        """Casts weights, biases and floating constants (used by the float64 replay check)."""
        for n in self.nodes:
            if n.weight is not None:
                n.weight = n.weight.to(dtype)
                n.bias = n.bias.to(dtype) if n.bias is not None else None
        for k, v in self.consts.items():
            if v.is_floating_point():
                self.consts[k] = v.to(dtype)
        return self

    # ---------------------------------------------------------------- placement
    def _gated_output(self, t):
        """The Mul output of a gated activation t * g(t) (HardSwish as HardSigmoid(alpha 1/6, beta 1/2) + Mul, SiLU
        as Sigmoid + Mul): t is read by exactly the gate and the Mul, and the gate only by the Mul. Else None."""
        cons = self.consumers.get(t, [])
        if len(cons) != 2 or t in self.outputs:
            return None
        mul = cons[0] if cons[0].op == "Mul" else cons[1]
        gate = cons[1] if mul is cons[0] else cons[0]
        hard = gate.op == "HardSigmoid" and abs(float(gate.attrs.get("alpha", 0.2)) - 1 / 6) < 1e-6 \
            and abs(float(gate.attrs.get("beta", 0.5)) - 0.5) < 1e-6
        g = gate.outputs[0]
        if mul.op != "Mul" or not (hard or gate.op == "Sigmoid") or sorted(mul.inputs) != sorted([t, g]) \
                or len(self.consumers.get(g, [])) != 1 or g in self.outputs:
            return None
        return mul.outputs[0]

    def _layer_output(self, n):
        """The tensor ending the layer group of linear node n (after its BN and activation)."""
        t = n.outputs[0]  # already the BN output when folded
        cons = self.consumers.get(t, [])
        if len(cons) == 1 and t not in self.outputs and cons[0].op == "BatchNormalization":
            t = cons[0].outputs[0]  # only without folding
            cons = self.consumers.get(t, [])
        if len(cons) == 1 and t not in self.outputs and cons[0].op in ACTIVATION_OPS:
            return cons[0].outputs[0]
        gated = self._gated_output(t)
        return gated if gated is not None else t

    def _preserves(self, p):
        if p.inputs[0] in self.consts:
            return False  # a lookup in a constant table makes new data
        if p.op in GRID_PRESERVING_OPS:
            return True
        if p.op == "Pad":
            value = float(self.consts[p.inputs[2]]) if len(p.inputs) > 2 and p.inputs[2] \
                else float(p.attrs.get("value", 0.0))
            return _str(p.attrs.get("mode", "constant")) != "constant" or value == 0
        if p.op in ("Resize", "Upsample"):
            return _str(p.attrs.get("mode", "nearest")) == "nearest"
        return False

    def _covered(self, t, acts, producer):
        """Whether t's values come from a quantizer, possibly through grid-preserving ops."""
        while t not in acts:
            p = producer.get(t)
            if p is None or not self._preserves(p):
                return False
            t = p.inputs[0]
        return True

    def placement(self):
        """(weight quantizers [(initializer name, node name)], activation tensor names in graph order)."""
        weights = [(n.weight_name, n.name) for n in self.nodes if n.weight is not None]
        acts = list(self.inputs)
        for n in self.nodes:
            t = None
            if n.weight is not None:
                t = self._layer_output(n)
            elif n.op in QUANTIZED_OUTPUT_OPS:
                t = n.outputs[0]
            elif n.op == "Mul" and all(i and i not in self.consts for i in n.inputs[:2]):
                t = n.outputs[0]  # an element-wise product of two activations (SE scale), as an Add
            if t is not None and t not in acts:
                acts.append(t)
        for o in self.outputs:
            if o not in acts:
                acts.append(o)
        # completion: every data input of a layer (both inputs of a MatMul of two activations) comes from a quantizer
        producer = {o: n for n in self.nodes for o in n.outputs}
        reads = []
        for n in self.nodes:
            if n.weight is not None:
                reads += [n.inputs[0]]
            elif n.op == "MatMul" and all(i not in self.consts for i in n.inputs[:2]):
                reads += n.inputs[:2]
        uncovered = [t for t in reads if t not in self.consts and not self._covered(t, acts, producer)]
        for t in uncovered:
            p = producer.get(t)
            # one quantizer at the top of a chain of uncovered inputs joined by grid-preserving ops
            behind = p is not None and self._preserves(p) and self._covered(p.inputs[0], set(uncovered), producer)
            if not behind and t not in acts:
                acts.append(t)
        order = {o: i for i, n in enumerate(self.nodes) for o in n.outputs}
        acts.sort(key=lambda t: order.get(t, -1))  # graph order: model inputs, then by producing node
        return weights, acts

    # ---------------------------------------------------------------- execution
    def forward(self, feeds, wq=None, aq=None):
        env = {}

        def put(name, v):
            if aq is not None and name in aq:
                v = aq[name](v)
            env[name] = v

        def get(name):
            if not name:
                return None
            return env[name] if name in env else self.consts[name]

        for k, v in feeds.items():
            put(k, v)
        for n in self.nodes:
            a, op = n.attrs, n.op
            x = get(n.inputs[0]) if n.inputs else None
            if n.weight is not None:
                w = wq[n.weight_name](n.weight) if wq is not None else n.weight
                if op == "Conv":
                    out = _conv(x, w, n.bias, a)
                else:
                    out = F.linear(x, w, n.bias)
            elif op == "BatchNormalization":
                gamma, beta, mean, var = (get(i).float() for i in n.inputs[1:5])
                out = F.batch_norm(x, mean, var, gamma, beta, False, 0.0, float(a.get("epsilon", 1e-5)))
            elif op == "Relu":
                out = F.relu(x)
            elif op == "Sigmoid":
                out = torch.sigmoid(x)
            elif op == "HardSigmoid":
                out = torch.clamp(float(a.get("alpha", 0.2)) * x + float(a.get("beta", 0.5)), 0.0, 1.0)
            elif op == "HardSwish":
                out = x * torch.clamp(x * (1.0 / 6.0) + 0.5, 0.0, 1.0)
            elif op == "Clip":
                lo, hi = a.get("min"), a.get("max")
                if len(n.inputs) > 1 and n.inputs[1]:
                    lo = float(get(n.inputs[1]))
                if len(n.inputs) > 2 and n.inputs[2]:
                    hi = float(get(n.inputs[2]))
                out = torch.clamp(x, min=lo, max=hi)
            elif op in ("Add", "Sub", "Mul", "Div"):
                y = get(n.inputs[1])
                out = {"Add": torch.add, "Sub": torch.sub, "Mul": torch.mul, "Div": torch.div}[op](x, y)
            elif op == "Concat":
                out = torch.cat([get(i) for i in n.inputs], dim=int(a["axis"]))
            elif op == "MaxPool":
                if len([o for o in n.outputs if o]) > 1:
                    raise NotImplementedError("MaxPool %s: Indices output" % n.name)
                out = _pool(x, a, "max")
            elif op == "AveragePool":
                out = _pool(x, a, "avg")
            elif op == "GlobalAveragePool":
                out = x.mean(dim=tuple(range(2, x.dim())), keepdim=True)
            elif op == "GlobalMaxPool":
                out = x.amax(dim=tuple(range(2, x.dim())), keepdim=True)
            elif op == "Pad":
                out = _pad_op(x, n, a, get)
            elif op == "Flatten":
                ax = int(a.get("axis", 1))
                ax = ax + x.dim() if ax < 0 else ax
                out = x.reshape(int(np.prod(x.shape[:ax])), -1)
            elif op == "Reshape":
                shape = [int(s) for s in get(n.inputs[1]).tolist()]
                if not a.get("allowzero", 0):
                    shape = [x.shape[i] if s == 0 else s for i, s in enumerate(shape)]
                out = x.reshape(shape)
            elif op == "Gemm":  # non-constant B
                A, B = get(n.inputs[0]), get(n.inputs[1])
                A = A.t() if a.get("transA", 0) else A
                B = B.t() if a.get("transB", 0) else B
                out = float(a.get("alpha", 1.0)) * (A @ B)
                if len(n.inputs) > 2 and n.inputs[2]:
                    out = out + float(a.get("beta", 1.0)) * get(n.inputs[2])
            elif op == "MatMul":
                out = torch.matmul(x, get(n.inputs[1]))
            else:
                raise NotImplementedError("op %s (%s)" % (op, n.name))
            put(n.outputs[0], out)
        return [env[o] for o in self.outputs]


def _spatial_pads(a, x, kernel, strides, dilations):
    """ONNX pads [b1..bn, e1..en] for the spatial dims, honouring auto_pad."""
    nd = len(kernel)
    auto = _str(a.get("auto_pad", "NOTSET"))
    if auto in ("NOTSET", ""):
        return list(a.get("pads", [0] * (2 * nd)))
    if auto == "VALID":
        return [0] * (2 * nd)
    begins, ends = [], []
    for d in range(nd):
        size = x.shape[2 + d]
        out = -(-size // strides[d])
        total = max((out - 1) * strides[d] + (kernel[d] - 1) * dilations[d] + 1 - size, 0)
        small = total // 2
        begins.append(small if auto == "SAME_UPPER" else total - small)
        ends.append(total - begins[-1])
    return begins + ends


def _torch_pad_list(pads):
    """ONNX [b1..bn, e1..en] (last n dims) -> F.pad's (b_n, e_n, ..., b_1, e_1)."""
    nd = len(pads) // 2
    out = []
    for d in reversed(range(nd)):
        out += [int(pads[d]), int(pads[d + nd])]
    return out


def _conv(x, w, b, a):
    nd = w.dim() - 2
    kernel = list(w.shape[2:])
    strides = list(a.get("strides", [1] * nd))
    dil = list(a.get("dilations", [1] * nd))
    pads = _spatial_pads(a, x, kernel, strides, dil)
    if pads[:nd] == pads[nd:]:
        padding = pads[:nd]
    else:
        x = F.pad(x, _torch_pad_list(pads))
        padding = [0] * nd
    fn = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[nd]
    return fn(x, w, b, strides, padding, dil, int(a.get("group", 1)))


def _pool(x, a, kind):
    kernel = list(a["kernel_shape"])
    nd = len(kernel)
    strides = list(a.get("strides", [1] * nd))
    dil = list(a.get("dilations", [1] * nd))
    pads = _spatial_pads(a, x, kernel, strides, dil)
    ceil = bool(a.get("ceil_mode", 0))
    if ceil and any(pads):
        raise NotImplementedError("pooling with ceil_mode and pads")
    tp = _torch_pad_list(pads)
    if kind == "max":
        fn = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}[nd]
        if any(pads):
            x = F.pad(x, tp, value=-math.inf)
        return fn(x, kernel, strides, 0, dil, ceil_mode=ceil)
    if any(d != 1 for d in dil):
        raise NotImplementedError("AveragePool with dilations")
    fn = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}[nd]
    if not any(pads):
        return fn(x, kernel, strides, 0, ceil_mode=ceil)
    s = fn(F.pad(x, tp), kernel, strides, 0)
    if a.get("count_include_pad", 0):
        return s
    ones = F.pad(torch.ones((1, 1) + tuple(x.shape[2:]), dtype=x.dtype), tp)
    return s / fn(ones, kernel, strides, 0)


def _pad_op(x, n, a, get):
    mode = _str(a.get("mode", "constant"))
    if len(n.inputs) > 1 and n.inputs[1]:
        pads = [int(v) for v in get(n.inputs[1]).tolist()]
        value = float(get(n.inputs[2])) if len(n.inputs) > 2 and n.inputs[2] else 0.0
    else:
        pads, value = list(a["pads"]), float(a.get("value", 0.0))
    r = x.dim()
    if any(pads[d] or pads[d + r] for d in range(2 if mode != "constant" else 0)):
        raise NotImplementedError("Pad %s on batch/channel axes in mode %s" % (n.name, mode))
    if mode == "constant":
        return F.pad(x, _torch_pad_list(pads), value=value)
    sp = pads[2:r] + pads[r + 2:]
    return F.pad(x, _torch_pad_list(sp), mode={"reflect": "reflect", "edge": "replicate"}[mode])


# ============================================================================ quantizers
def weight_fake_quant(bits, per_channel):
    qmin, qmax = WEIGHT_RANGE[bits]
    if per_channel:
        return FakeQuantize(observer=PerChannelMinMaxObserver, quant_min=qmin, quant_max=qmax,
                            ch_axis=0, dtype=torch.qint8, qscheme=torch.per_channel_symmetric)
    return FakeQuantize(observer=MinMaxObserver, quant_min=qmin, quant_max=qmax,
                        dtype=torch.qint8, qscheme=torch.per_tensor_symmetric)


def activation_fake_quant():
    return FakeQuantize(observer=MinMaxObserver, quant_min=0, quant_max=255,
                        dtype=torch.quint8, qscheme=torch.per_tensor_affine, reduce_range=False)


def _set_mode(fqs, observe, fake_quant):
    for fq in fqs:
        (fq.enable_observer if observe else fq.disable_observer)()
        (fq.enable_fake_quant if fake_quant else fq.disable_fake_quant)()


def _vals(t):
    v = [float(x) for x in t.reshape(-1).tolist()]
    return v


def tie_stats(graph, bits, per_channel):
    """How many weight tensors/channels have their largest-magnitude value exactly on a rounding
    tie: |w| * (1/scale) == (quant_max - quant_min)/2 in float32 (e.g. 7.5 for W4). PyTorch's
    symmetric scale amax/7.5 (amax/127.5) puts the extreme value there; half to even then gives
    -8 (-128) for a negative extreme and 8 -> clamped 7 (128 -> 127) for a positive one."""
    half = (WEIGHT_RANGE[bits][1] - WEIGHT_RANGE[bits][0]) / 2
    total = ties = neg = 0
    for n in graph.nodes:
        if n.weight is None:
            continue
        w = n.weight.reshape(n.weight.shape[0], -1) if per_channel else n.weight.reshape(1, -1)
        lo, hi = w.min(1).values, w.max(1).values
        amax = torch.maximum(-lo.clamp(max=0), hi.clamp(min=0))
        scale = torch.clamp(amax / half, min=torch.finfo(torch.float32).eps)
        ext = torch.where(-lo >= hi, lo, hi)
        tie = (ext * (1.0 / scale)).abs() == half
        total += w.shape[0]
        ties += int(tie.sum())
        neg += int((tie & (ext < 0)).sum())
    return {"groups": total, "extremeOnTie": ties, "negativeExtremeOnTie": neg}


def describe(name, kind, fq, node=None):
    obs = fq.activation_post_process
    per_channel = fq.qscheme in (torch.per_channel_symmetric, torch.per_channel_affine)
    scale, zp = _vals(fq.scale), [int(z) for z in fq.zero_point.reshape(-1).tolist()]
    mn, mx = _vals(obs.min_val), _vals(obs.max_val)
    d = {"tensor": name, "kind": kind}
    if node is not None:
        d["node"] = node
    d.update({
        "dtype": str(fq.dtype).replace("torch.", ""),
        "qscheme": str(fq.qscheme).replace("torch.", ""),
        "quantMin": int(obs.quant_min), "quantMax": int(obs.quant_max),
        "scale": scale if per_channel else scale[0],
        "zeroPoint": zp if per_channel else zp[0],
        "observedMin": mn if per_channel else mn[0],
        "observedMax": mx if per_channel else mx[0],
    })
    if per_channel:
        d["chAxis"] = int(fq.ch_axis)
    return d


REPLAY_VARIANTS = {
    # name: (rounding of x*(1/scale) or x/scale, description)
    "torch": "x * (1/scale) in float32, round half to even (PyTorch's kernel)",
    "divide": "x / scale in float32, round half to even",
    "halfUp": "x * (1/scale) in float32, round half up = floor(v + 0.5) (like Java's Math.round)",
}


def replay_quantizer(q, variant="torch"):
    """A fake quantizer rebuilt from a JSON encoding with plain torch ops, no torch.ao. Always
    computed in float32 (the input is cast to float32 and the result back to the input's dtype):
    (clamp(round(x * (1/scale)) + zp, qmin, qmax) - zp) * scale, 1/scale being the float32
    reciprocal of the float32 scale. Other variants show what a different convention would give."""
    per_channel = isinstance(q["scale"], list)
    scale = torch.tensor(q["scale"] if per_channel else [q["scale"]], dtype=torch.float32)
    inv = 1.0 / scale
    zp = torch.tensor(q["zeroPoint"] if per_channel else [q["zeroPoint"]], dtype=torch.float32)
    qmin, qmax = q["quantMin"], q["quantMax"]

    def fq(x):
        dt, x = x.dtype, x.float()
        if per_channel:
            shape = (-1,) + (1,) * (x.dim() - 1)
            s, i, z = scale.reshape(shape), inv.reshape(shape), zp.reshape(shape)
        else:
            s, i, z = scale, inv, zp
        if variant == "divide":
            v = torch.round(x / s)
        elif variant == "halfUp":
            v = torch.floor(x * i + 0.5)
        else:
            v = torch.round(x * i)
        return ((torch.clamp(v + z, qmin, qmax) - z) * s).to(dt)
    return fq


# ============================================================================ data
def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    if data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError("%s: not an unsigned-byte IDX file" % path)
    nd = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(nd)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * nd).reshape(dims)


def normalize(pix, ds):
    x = pix.astype(np.float64)
    if x.ndim == 3:
        x = x[:, None]
    mean = np.asarray(ds["mean"], dtype=np.float64).reshape(1, -1, 1, 1)
    std = np.asarray(ds["std"], dtype=np.float64).reshape(1, -1, 1, 1)
    return torch.from_numpy(((x * ds["scale"] - mean) / std).astype(np.float32))


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ============================================================================ evaluation
def predict(graph, x, bs, wq=None, aq=None):
    outs = []
    with torch.no_grad():
        for i in range(0, x.shape[0], bs):
            outs.append(graph.forward({graph.inputs[0]: x[i:i + bs]}, wq, aq)[0])
    return torch.cat(outs)


def accuracy(logits, y, ncls):
    pred = logits.argmax(1).numpy()
    correct = pred == y
    per = [float(correct[y == c].mean()) if (y == c).any() else None for c in range(ncls)]
    return {"accuracy": float(correct.mean()), "correct": int(correct.sum()), "samples": int(y.size),
            "perClassAccuracy": per}


def run_model(model_path, data, args, log):
    t0 = time.time()
    model = onnx.load(model_path)
    folded = TorchGraph(model, fold_bn=True)
    unfolded = TorchGraph(model, fold_bn=False)
    folded64 = TorchGraph(model, fold_bn=True).to(torch.float64) if args.sensitivity else None
    if len(folded.inputs) != 1 or len(folded.outputs) < 1:
        raise NotImplementedError("models with one input only")
    xte, yte, xcal = data["xte"], data["yte"], data["xcal"]
    ncls = len(data["ds"].get("classes", [])) or int(yte.max()) + 1

    # FP32 checks: folded vs unfolded torch graph (whole test set), unfolded vs numpy float64 evaluator
    lf = predict(folded, xte, args.batch)
    lu = predict(unfolded, xte, args.batch)
    fold_diff = float((lf - lu).abs().max())
    fold_argmax_diff = int((lf.argmax(1) != lu.argmax(1)).sum())
    log("  FP32 folded vs unfolded: max |logit diff| %.3g over %d images, %d argmax differences"
        % (fold_diff, xte.shape[0], fold_argmax_diff))
    check = {"foldedVsUnfoldedMaxAbsLogitDiff": fold_diff, "foldedVsUnfoldedArgmaxDiffs": fold_argmax_diff,
             "foldedVsUnfoldedImages": int(xte.shape[0])}
    if args.numpy_check > 0:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        try:
            import onnx_numpy_ref
            k = min(args.numpy_check, xte.shape[0])
            ref = onnx_numpy_ref.run(model, {folded.inputs[0]: xte[:k].numpy()})
            ref = torch.from_numpy(ref[model.graph.output[0].name])
            nd = float((ref - lf[:k]).abs().max())
            log("  FP32 folded torch vs float64 numpy evaluator (unfolded): max |logit diff| %.3g over %d images"
                % (nd, k))
            check.update({"numpyRefMaxAbsLogitDiff": nd, "numpyRefImages": k})
        except NotImplementedError as e:
            log("  numpy evaluator cannot run this model (%s): skipped" % e)

    weights, acts = folded.placement()
    log("  placement: %d weight quantizers, %d activation quantizers" % (len(weights), len(acts)))
    result = {
        "tool": "tools/torch_fakequant_reference.py",
        "model": os.path.basename(model_path),
        "provenance": {
            "torch": torch.__version__, "onnx": onnx.__version__, "numpy": np.__version__,
            "python": platform.python_version(), "threads": torch.get_num_threads(),
            "modelSha256": sha256(model_path),
            "testImages": os.path.basename(data["test_images"]), "testImagesSha256": sha256(data["test_images"]),
            "testSamples": int(xte.shape[0]),
            "calibrationPool": os.path.basename(data["calib_images"]),
            "calibrationPoolSha256": sha256(data["calib_images"]),
            "calibrationIndices": "0..%d" % (xcal.shape[0] - 1), "calibrationSize": int(xcal.shape[0]),
            "calibration": "observers only, fake quantization disabled everywhere (FP32 BN-folded model), "
                           "then observers frozen and fake quantization enabled",
            "preprocessing": {"scale": data["ds"]["scale"], "mean": data["ds"]["mean"], "std": data["ds"]["std"],
                              "formula": "(pixel*scale - mean)/std in float64, fed as float32"},
            "batchSize": args.batch,
        },
        "fp32Check": check,
        "placement": {"weights": [w for w, _ in weights], "activations": acts},
        "configs": {},
    }
    for name, bits, per_channel in CONFIGS:
        if bits is None:
            r = accuracy(lf, yte, ncls)
            r.update({"weightBits": None, "activationBits": None})
        else:
            wq = {w: weight_fake_quant(bits, per_channel) for w, _ in weights}
            aq = {t: activation_fake_quant() for t in acts}
            allq = list(wq.values()) + list(aq.values())
            _set_mode(allq, observe=True, fake_quant=False)
            predict(folded, xcal, args.batch, wq, aq)
            _set_mode(allq, observe=False, fake_quant=True)
            lq = predict(folded, xte, args.batch, wq, aq)
            r = accuracy(lq, yte, ncls)
            r["quantizers"] = ([describe(w, "weight", wq[w], node) for w, node in weights]
                               + [describe(t, "activation", aq[t]) for t in acts])
            # replay check: the JSON encodings alone, applied with plain float32 torch ops, must
            # give the very same logits. With --sensitivity also: the same encodings with float64
            # layer arithmetic (quantizers still float32: a different summation order, as another
            # runtime has), and with other rounding conventions.
            enc = {q["tensor"]: q for q in r["quantizers"]}
            checks = [("float32", "torch", folded)]
            if args.sensitivity:
                checks += [("float64Layers", "torch", folded64), ("divide", "divide", folded),
                           ("halfUp", "halfUp", folded)]
            rep = {}
            for key, variant, g in checks:
                rw = {w: replay_quantizer(enc[w], variant) for w, _ in weights}
                ra = {t: replay_quantizer(enc[t], variant) for t in acts}
                lr = predict(g, xte.double() if g is folded64 else xte,
                             args.batch, rw, ra).float()
                rep[key] = {"variant": REPLAY_VARIANTS[variant],
                            "argmaxDiffs": int((lr.argmax(1) != lq.argmax(1)).sum()),
                            "maxAbsLogitDiff": float((lr - lq).abs().max()),
                            "accuracy": accuracy(lr, yte, ncls)["accuracy"]}
                if key == "float64Layers":
                    rep[key]["variant"] = "layers in float64, quantizers as PyTorch's in float32"
                log("  %-17s replay %-13s %4d argmax diffs, max |logit diff| %.3g, accuracy %.2f %%"
                    % (name, key, rep[key]["argmaxDiffs"], rep[key]["maxAbsLogitDiff"], 100 * rep[key]["accuracy"]))
            if rep["float32"]["argmaxDiffs"] or rep["float32"]["maxAbsLogitDiff"]:
                raise AssertionError("replay of the JSON encodings does not reproduce FakeQuantize")
            top2 = lq.topk(2, dim=1).values
            r["argmaxTies"] = int((top2[:, 0] == top2[:, 1]).sum())
            # torch.argmax takes the FIRST maximal index; with the last one instead:
            last = (lq.shape[1] - 1) - lq.flip(1).argmax(1)
            r["accuracyLastIndexTieBreak"] = float((last.numpy() == yte).mean())
            r["replayCheck"] = rep
            r["weightExtremeOnTie"] = tie_stats(folded, bits, per_channel)
            r.update({"weightBits": bits, "activationBits": 8,
                      "weightGranularity": "per_channel" if per_channel else "per_tensor"})
        result["configs"][name] = r
        log("  %-17s %6.2f %%" % (name, 100 * r["accuracy"]))
    log("  %.1f s" % (time.time() - t0))
    return result


def load_data(args):
    d = args.data_dir
    ds = json.load(open(os.path.join(d, "dataset.json")))
    ti, tl = os.path.join(d, "fmnist-test-images-idx3-ubyte.gz"), os.path.join(d, "fmnist-test-labels-idx1-ubyte.gz")
    ci = os.path.join(d, "fmnist-calib-images-idx3-ubyte.gz")
    cal = read_idx(ci)
    if args.calib_size > cal.shape[0]:
        raise ValueError("--calib-size %d > pool size %d" % (args.calib_size, cal.shape[0]))
    return {"ds": ds, "test_images": ti, "calib_images": ci,
            "xte": normalize(read_idx(ti), ds), "yte": read_idx(tl).astype(np.int64),
            "xcal": normalize(cal[:args.calib_size], ds)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", action="append",
                    help="ONNX model (repeatable); default: both demo models")
    ap.add_argument("--out", action="append",
                    help="JSON output per --model; default tools/reference/torch-fakequant-<model>.json")
    ap.add_argument("--data-dir", default=DEMO, help="folder with dataset.json and the IDX files")
    ap.add_argument("--calib-size", type=int, default=256, help="first N images of the calibration pool")
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--numpy-check", type=int, default=100,
                    help="images to cross-check against tools/onnx_numpy_ref.py (0 = off)")
    ap.add_argument("--sensitivity", action="store_true",
                    help="also replay with float64 layers and other rounding conventions (slower)")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    models = args.model or [os.path.join(DEMO, m) for m in DEFAULT_MODELS]
    outs = args.out or [os.path.join(ROOT, "tools", "reference", "torch-fakequant-%s.json"
                                     % os.path.splitext(os.path.basename(m))[0]) for m in models]
    if len(outs) != len(models):
        ap.error("give one --out per --model")
    t0 = time.time()
    data = load_data(args)
    for m, o in zip(models, outs):
        print(os.path.basename(m), flush=True)
        res = run_model(m, data, args, lambda s: print(s, flush=True))
        os.makedirs(os.path.dirname(os.path.abspath(o)), exist_ok=True)
        with open(o, "w") as f:
            json.dump(res, f, indent=1)
            f.write("\n")
        print("  wrote %s" % os.path.relpath(o, ROOT), flush=True)
    print("total %.1f s" % (time.time() - t0))


if __name__ == "__main__":
    main()
