#!/usr/bin/python3
"""Writes QuantScope's small ONNX / .npy / .npz test fixtures to src/test/resources/models/.

Reproducible: fixed seeds, single-threaded PyTorch, deterministic file writing (npy format 1.0,
zip entries with a fixed timestamp). Reference outputs come from PyTorch (eval mode) and are
cross-checked with the numpy reference evaluator in tools/onnx_numpy_ref.py (onnxruntime has no
Debian package, so it is not used here).

Run:  /usr/bin/python3 tools/make_test_models.py
Needs the Debian packages python3-torch python3-onnx python3-numpy.
"""
import io
import os
import sys
import zipfile

NEEDED = [("numpy", "python3-numpy"), ("torch", "python3-torch"), ("onnx", "python3-onnx")]


def _check_packages():
    missing = []
    for mod, pkg in NEEDED:
        try:
            __import__(mod)
        except ImportError:
            missing.append(pkg)
    if missing:
        print("Missing Python packages. Install them with:\n  apt-get install -y " + " ".join(missing),
              file=sys.stderr)
        print("and run this script with /usr/bin/python3 (Debian's interpreter).", file=sys.stderr)
        sys.exit(2)


_check_packages()

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onnx_numpy_ref  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "src", "test", "resources", "models")
SEED = 20240611
NUM_CLASSES = 4

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)


# ----------------------------------------------------------------------------- file writing
def save_npy(name, arr):
    """npy format 1.0, C order, little-endian."""
    arr = np.ascontiguousarray(arr)
    if arr.dtype.byteorder == ">":
        arr = arr.astype(arr.dtype.newbyteorder("<"))
    path = os.path.join(OUT, name)
    with open(path, "wb") as f:
        np.lib.format.write_array(f, arr, version=(1, 0), allow_pickle=False)
    return path


def save_npz(name, **arrays):
    """Like np.savez (stored, not compressed) but with fixed zip timestamps -> byte-identical."""
    path = os.path.join(OUT, name)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
        for key in sorted(arrays):
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.ascontiguousarray(arrays[key]), version=(1, 0),
                                      allow_pickle=False)
            info = zipfile.ZipInfo(key + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            zf.writestr(info, buf.getvalue())
    return path


def export(model, path, example, opset=13, dynamic=True):
    kw = {}
    if dynamic:
        kw["dynamic_axes"] = {"input": {0: "N"}, "logits": {0: "N"}}
    torch.onnx.export(model, example, path, opset_version=opset,
                      training=torch.onnx.TrainingMode.PRESERVE,
                      input_names=["input"], output_names=["logits"],
                      do_constant_folding=True, **kw)
    m = onnx.load(path)
    onnx.checker.check_model(m)
    return m


# ----------------------------------------------------------------------------- models
class TinyCNN(nn.Module):
    """Exercises what real PyTorch exports contain.

    stem   Conv3x3 1->8 + BN + ReLU6 (Clip with Constant bounds)
    dw     depthwise Conv3x3 (groups=8) + BN(eps=1e-3, not the default) + ReLU
    pw     Conv1x1 8->8 (with bias) + BN, residual Add with the stem output, ReLU
    mix    Conv1x1 8->8 whose weight/bias are equal in value to pw's (separate Parameters):
           the exporter de-duplicates equal initializers -> Identity nodes
    tie    Conv1x1 8->8 sharing the very same weight Parameter as mix (one initializer, two users)
    pool   MaxPool 2x2 (8x8 -> 4x4), AveragePool 2x2 (4x4 -> 2x2)
    head   Flatten + Linear 32 -> 4 (Gemm)
    """

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(1, 8, 3, padding=1, bias=False)
        self.stem_bn = nn.BatchNorm2d(8)
        self.stem_act = nn.ReLU6()
        self.dw = nn.Conv2d(8, 8, 3, padding=1, groups=8, bias=False)
        self.dw_bn = nn.BatchNorm2d(8, eps=1e-3)
        self.dw_act = nn.ReLU()
        self.pw = nn.Conv2d(8, 8, 1, bias=True)
        self.pw_bn = nn.BatchNorm2d(8)
        self.add_act = nn.ReLU()
        self.mix = nn.Conv2d(8, 8, 1, bias=True)
        self.mix_act = nn.ReLU6()
        self.tie = nn.Conv2d(8, 8, 1, bias=False)
        self.tie.weight = self.mix.weight          # shared Parameter
        self.ident = nn.Identity()
        self.maxpool = nn.MaxPool2d(2)
        self.avgpool = nn.AvgPool2d(2)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(8 * 2 * 2, NUM_CLASSES)

    def tie_mix_to_pw(self):
        with torch.no_grad():
            self.mix.weight.copy_(self.pw.weight)  # equal values, separate Parameter objects
            self.mix.bias.copy_(self.pw.bias)

    def forward(self, x):
        a = self.stem_act(self.stem_bn(self.stem(x)))
        b = self.dw_act(self.dw_bn(self.dw(a)))
        c = self.pw_bn(self.pw(b))
        r = self.add_act(a + c)
        m = self.mix_act(self.mix(r))
        t = self.tie(self.ident(m))
        p = self.avgpool(self.maxpool(t))
        return self.fc(self.flatten(p))


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(64, 16)
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(16, NUM_CLASSES)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(self.flatten(x))))


def make_tiny_cnn():
    torch.manual_seed(SEED)
    m = TinyCNN()
    g = torch.Generator().manual_seed(SEED + 1)
    with torch.no_grad():
        # non-trivial BN affine parameters (default init is gamma=1, beta=0)
        for bn in (m.stem_bn, m.dw_bn, m.pw_bn):
            bn.weight.copy_(0.5 + torch.rand(bn.num_features, generator=g))
            bn.bias.copy_(0.2 * torch.randn(bn.num_features, generator=g))
    m.tie_mix_to_pw()
    # non-trivial running statistics: forward passes in train mode on shifted/scaled random data
    m.train()
    with torch.no_grad():
        for _ in range(20):
            x = 0.7 + 1.5 * torch.randn(16, 1, 8, 8, generator=g)
            m(x)
    m.eval()
    return m


def op_types(model):
    return sorted({n.op_type for n in model.graph.node})


def io_desc(model):
    def shape(v):
        return [d.dim_param if d.dim_param else d.dim_value for d in v.type.tensor_type.shape.dim]
    return ([(i.name, shape(i)) for i in model.graph.input],
            [(o.name, shape(o)) for o in model.graph.output])


def check_against_reference(model, x, expected, name, tol=1e-4):
    got = onnx_numpy_ref.run(model, {"input": x})["logits"]
    err = float(np.abs(got - expected).max())
    print("  %-28s numpy-reference vs PyTorch max |diff| = %.2e" % (name, err))
    if not err < tol:
        raise SystemExit("reference check failed for " + name)


def main():
    os.makedirs(OUT, exist_ok=True)
    g = np.random.default_rng(SEED)

    # ---------------------------------------------------------------- inputs
    x = g.standard_normal((4, 1, 8, 8)).astype(np.float32)
    save_npy("tiny_cnn_input.npy", x)

    # ---------------------------------------------------------------- tiny CNN
    cnn = make_tiny_cnn()
    with torch.no_grad():
        y_cnn = cnn(torch.from_numpy(x)).numpy().astype(np.float32)
    save_npy("tiny_cnn_expected.npy", y_cnn)
    example = torch.from_numpy(x[:1])
    m_dyn = export(cnn, os.path.join(OUT, "tiny_cnn.onnx"), example, opset=13, dynamic=True)
    m_b1 = export(cnn, os.path.join(OUT, "tiny_cnn_fixed_batch1.onnx"), example, opset=13, dynamic=False)
    m_11 = export(cnn, os.path.join(OUT, "tiny_cnn_opset11.onnx"), example, opset=11, dynamic=True)
    # The models must still be the eval-mode network after export
    with torch.no_grad():
        assert np.array_equal(cnn(torch.from_numpy(x)).numpy(), y_cnn)

    # ---------------------------------------------------------------- MLP
    torch.manual_seed(SEED + 2)
    mlp = MLP().eval()
    xm = g.standard_normal((4, 1, 8, 8)).astype(np.float32)
    save_npy("mlp_input.npy", xm)
    with torch.no_grad():
        y_mlp = mlp(torch.from_numpy(xm)).numpy().astype(np.float32)
    save_npy("mlp_expected.npy", y_mlp)
    m_mlp = export(mlp, os.path.join(OUT, "mlp.onnx"), torch.from_numpy(xm[:1]), opset=13, dynamic=True)

    # ---------------------------------------------------------------- reader fixtures
    labels = np.array([3, 0, 2, 1], dtype=np.int64)
    save_npy("labels_int64.npy", labels)
    save_npy("labels_int32.npy", labels.astype(np.int32))
    save_npy("labels_uint8.npy", labels.astype(np.uint8))
    img_u8 = g.integers(0, 256, size=(4, 1, 8, 8), dtype=np.uint8)
    save_npy("images_uint8.npy", img_u8)
    save_npz("images.npz", x=x, y=labels)

    # ---------------------------------------------------------------- checks + summary
    print("PyTorch %s, onnx %s, numpy %s" % (torch.__version__, onnx.__version__, np.__version__))
    check_against_reference(m_dyn, x, y_cnn, "tiny_cnn.onnx")
    check_against_reference(m_b1, x[:1], y_cnn[:1], "tiny_cnn_fixed_batch1.onnx")
    check_against_reference(m_11, x, y_cnn, "tiny_cnn_opset11.onnx")
    check_against_reference(m_mlp, xm, y_mlp, "mlp.onnx")
    for fname, m in (("tiny_cnn.onnx", m_dyn), ("tiny_cnn_fixed_batch1.onnx", m_b1),
                     ("tiny_cnn_opset11.onnx", m_11), ("mlp.onnx", m_mlp)):
        ins, outs = io_desc(m)
        print("%s: opset %d, inputs %s, outputs %s" % (fname, m.opset_import[0].version, ins, outs))
        print("    ops: %s" % ", ".join(op_types(m)))
    bn = [n for n in m_dyn.graph.node if n.op_type == "BatchNormalization"]
    for n in bn:
        eps = [a.f for a in n.attribute if a.name == "epsilon"]
        print("    BatchNormalization %s epsilon=%s" % (n.name, eps))
    print("\nFiles in %s:" % os.path.relpath(OUT, ROOT))
    for f in sorted(os.listdir(OUT)):
        print("  %-30s %6d bytes" % (f, os.path.getsize(os.path.join(OUT, f))))


if __name__ == "__main__":
    main()
