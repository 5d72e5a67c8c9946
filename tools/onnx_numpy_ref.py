"""A tiny, dependency-free (numpy + onnx) reference evaluator for the ONNX op subset
used by QuantScope's demo models and test fixtures.

It exists because onnxruntime has no Debian package: the generator scripts use it to
cross-check the exported .onnx files against PyTorch without any download. It is NOT a
general ONNX runtime; unsupported ops raise NotImplementedError.

Supported: Conv (groups, strides, pads, dilations), BatchNormalization (inference),
Clip (opset 6 attributes and opset 11+ inputs), Relu, Add, Mul, Sub, Identity, Constant,
Pad (constant), MaxPool, AveragePool, GlobalAveragePool, Flatten, Gemm, MatMul, Reshape.
"""
import numpy as np
import onnx
from onnx import numpy_helper


def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _pad_nchw(x, pads, value=0.0):
    # pads = [top, left, bottom, right] for 2-D
    t, l, b, r = pads
    if t == l == b == r == 0:
        return x
    return np.pad(x, ((0, 0), (0, 0), (t, b), (l, r)), mode="constant", constant_values=value)


def _windows(x, kh, kw, sh, sw, dh=1, dw=1):
    """x: [N,C,H,W] -> view [N,C,OH,OW,kh,kw]."""
    n, c, h, w = x.shape
    ekh, ekw = (kh - 1) * dh + 1, (kw - 1) * dw + 1
    oh, ow = (h - ekh) // sh + 1, (w - ekw) // sw + 1
    s = x.strides
    return np.lib.stride_tricks.as_strided(
        x, shape=(n, c, oh, ow, kh, kw),
        strides=(s[0], s[1], s[2] * sh, s[3] * sw, s[2] * dh, s[3] * dw), writeable=False)


def conv2d(x, w, b=None, strides=(1, 1), pads=(0, 0, 0, 0), dilations=(1, 1), group=1):
    x = _pad_nchw(x.astype(np.float64), pads)
    w = w.astype(np.float64)
    m, cpg, kh, kw = w.shape
    win = _windows(x, kh, kw, strides[0], strides[1], dilations[0], dilations[1])
    n, c, oh, ow = win.shape[:4]
    mpg = m // group
    out = np.empty((n, m, oh, ow), dtype=np.float64)
    for g in range(group):
        xs = win[:, g * cpg:(g + 1) * cpg]                # n,cpg,oh,ow,kh,kw
        ws = w[g * mpg:(g + 1) * mpg]                     # mpg,cpg,kh,kw
        out[:, g * mpg:(g + 1) * mpg] = np.einsum("ncyxij,mcij->nmyx", xs, ws, optimize=True)
    if b is not None:
        out += b.astype(np.float64)[None, :, None, None]
    return out


def _pool(x, a, kind):
    kh, kw = a["kernel_shape"]
    sh, sw = a.get("strides", [1, 1])
    pads = a.get("pads", [0, 0, 0, 0])
    if a.get("ceil_mode", 0):
        raise NotImplementedError("ceil_mode")
    if kind == "max":
        xp = _pad_nchw(x, [pads[0], pads[1], pads[2], pads[3]], value=-np.inf)
        return _windows(np.ascontiguousarray(xp), kh, kw, sh, sw).max(axis=(4, 5))
    xp = _pad_nchw(x, [pads[0], pads[1], pads[2], pads[3]])
    s = _windows(np.ascontiguousarray(xp), kh, kw, sh, sw).sum(axis=(4, 5))
    if a.get("count_include_pad", 0) or not any(pads):
        return s / (kh * kw)
    ones = _pad_nchw(np.ones((1, 1) + x.shape[2:]), [pads[0], pads[1], pads[2], pads[3]])
    cnt = _windows(np.ascontiguousarray(ones), kh, kw, sh, sw).sum(axis=(4, 5))
    return s / cnt


def run(model, feeds):
    """Evaluate `model` (onnx.ModelProto) on dict name->ndarray; returns dict of graph outputs.
    Computation is done in float64 and cast back to float32 at the end."""
    env = {}
    for init in model.graph.initializer:
        env[init.name] = numpy_helper.to_array(init)
    for k, v in feeds.items():
        env[k] = np.asarray(v, dtype=np.float64) if np.asarray(v).dtype.kind == "f" else np.asarray(v)
    for node in model.graph.node:
        a = _attrs(node)
        ins = [env[i] if i else None for i in node.input]
        op = node.op_type
        if op == "Constant":
            out = numpy_helper.to_array(a["value"])
        elif op == "Identity":
            out = ins[0]
        elif op == "Conv":
            k = a.get("kernel_shape", list(ins[1].shape[2:]))
            if len(k) != 2 or a.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
                raise NotImplementedError("Conv: only 2-D explicit pads")
            out = conv2d(ins[0], ins[1], ins[2] if len(ins) > 2 else None,
                         a.get("strides", [1, 1]), a.get("pads", [0, 0, 0, 0]),
                         a.get("dilations", [1, 1]), a.get("group", 1))
        elif op == "BatchNormalization":
            if len(node.output) > 1 and any(node.output[1:]) or a.get("training_mode", 0):
                raise NotImplementedError("BatchNormalization in training mode")
            x, sc, bi, mu, var = ins[:5]
            eps = a.get("epsilon", 1e-5)
            sh = (1, -1) + (1,) * (x.ndim - 2)
            out = (x - mu.reshape(sh)) / np.sqrt(var.reshape(sh).astype(np.float64) + eps) * sc.reshape(sh) + bi.reshape(sh)
        elif op == "Clip":
            lo = a.get("min", None)
            hi = a.get("max", None)
            if len(ins) > 1 and ins[1] is not None:
                lo = float(ins[1])
            if len(ins) > 2 and ins[2] is not None:
                hi = float(ins[2])
            out = ins[0]
            if lo is not None:
                out = np.maximum(out, lo)
            if hi is not None:
                out = np.minimum(out, hi)
        elif op == "Relu":
            out = np.maximum(ins[0], 0)
        elif op == "Sigmoid":
            out = 1.0 / (1.0 + np.exp(-ins[0]))
        elif op == "HardSigmoid":
            out = np.clip(float(a.get("alpha", 0.2)) * ins[0] + float(a.get("beta", 0.5)), 0.0, 1.0)
        elif op == "HardSwish":
            out = ins[0] * np.clip(ins[0] / 6.0 + 0.5, 0.0, 1.0)
        elif op == "Add":
            out = ins[0] + ins[1]
        elif op == "Sub":
            out = ins[0] - ins[1]
        elif op == "Mul":
            out = ins[0] * ins[1]
        elif op == "Pad":
            mode = a.get("mode", b"constant")
            if mode not in (b"constant", "constant"):
                raise NotImplementedError("Pad mode %r" % mode)
            pads = [int(v) for v in (ins[1] if len(ins) > 1 else a["pads"])]
            val = float(ins[2]) if len(ins) > 2 and ins[2] is not None else float(a.get("value", 0.0))
            r = ins[0].ndim
            out = np.pad(ins[0], [(pads[i], pads[i + r]) for i in range(r)], mode="constant",
                         constant_values=val)
        elif op == "MaxPool":
            out = _pool(ins[0], a, "max")
        elif op == "AveragePool":
            out = _pool(ins[0], a, "avg")
        elif op == "GlobalAveragePool":
            out = ins[0].mean(axis=tuple(range(2, ins[0].ndim)), keepdims=True)
        elif op == "Flatten":
            ax = a.get("axis", 1)
            x = ins[0]
            out = x.reshape(int(np.prod(x.shape[:ax])), -1)
        elif op == "Reshape":
            shape = [int(s) for s in ins[1]]
            shape = [ins[0].shape[i] if s == 0 else s for i, s in enumerate(shape)]
            out = ins[0].reshape(shape)
        elif op == "Gemm":
            A, B = ins[0], ins[1]
            if a.get("transA", 0):
                A = A.T
            if a.get("transB", 0):
                B = B.T
            out = a.get("alpha", 1.0) * (A @ B)
            if len(ins) > 2 and ins[2] is not None:
                out = out + a.get("beta", 1.0) * ins[2]
        elif op == "MatMul":
            out = ins[0] @ ins[1]
        else:
            raise NotImplementedError(op)
        env[node.output[0]] = out
    res = {}
    for o in model.graph.output:
        v = env[o.name]
        res[o.name] = v.astype(np.float32) if v.dtype.kind == "f" else v
    return res
