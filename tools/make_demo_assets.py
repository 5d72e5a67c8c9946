#!/usr/bin/python3
"""Builds QuantScope's demo assets in resources/demo/ (and docs/demo-model.md) from Fashion-MNIST.

  mobilenet-fmnist.onnx   depthwise-separable CNN, BatchNormalization kept in the graph
  resnet-fmnist.onnx      small ResNet (residual Add, 1x1 downsample shortcut), BN kept
  fmnist-test-*.gz        the 10,000 Fashion-MNIST test images/labels (IDX, gzip)
  fmnist-calib-*.gz       5,000 training images (500 per class, seeded) for calibration
  dataset.json            preprocessing shared by all of the above
  fp32-reference.json     PyTorch FP32 test accuracy (overall, per class) of both models

Everything is seeded and single-process; gzip/zip members are written with mtime 0 so a rebuild on
the same software stack is byte-identical.

Run:  /usr/bin/python3 tools/make_demo_assets.py            (full build, a few minutes on 2 cores)
      /usr/bin/python3 tools/make_demo_assets.py --quick    (smoke test: tiny training, writes to a temp dir)
Needs the Debian packages python3-torch python3-onnx python3-numpy dataset-fashion-mnist.
"""
import argparse
import copy
import gzip
import json
import os
import shutil
import sys
import tempfile
import time

NEEDED = [("numpy", "python3-numpy"), ("torch", "python3-torch"), ("onnx", "python3-onnx")]
FMNIST_DIR = "/usr/share/datasets/fashion-mnist"
FMNIST_FILES = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]


def _check_packages():
    missing = []
    for mod, pkg in NEEDED:
        try:
            __import__(mod)
        except ImportError:
            missing.append(pkg)
    if not all(os.path.exists(os.path.join(FMNIST_DIR, f)) for f in FMNIST_FILES):
        missing.append("dataset-fashion-mnist")
    if missing:
        print("Missing packages. Install them with:\n  apt-get install -y " + " ".join(missing),
              file=sys.stderr)
        print("and run this script with /usr/bin/python3 (Debian's interpreter).", file=sys.stderr)
        sys.exit(2)


_check_packages()

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from onnx import numpy_helper  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onnx_numpy_ref  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
           "Bag", "Ankle boot"]
SCALE = 1.0 / 255.0  # 0.00392156862745098

SEED_DATA = 7            # calibration subset choice
SEED_MOBILENET = 0       # model init; batch order uses SEED + 1
SEED_RESNET = 1

# Training recipe of the MobileNet-style model. The high peak LR makes some channels die (ReLU6 output
# always 0); the depthwise conv after them sees a constant 0, its BN running_var decays to ~0, and after
# BN folding its weights are multiplied by gamma/sqrt(eps) and dwarf the others. (Decoupled) weight decay
# is applied to *all* parameters, BatchNorm gamma/beta included, a common real-world setting; with AdamW
# it barely shrinks the dead channels' parameters, which get no gradient, so they keep a normal size.
MOBILENET_RECIPE = {
    "optimizer": "AdamW", "peak_lr": 2e-2, "schedule": "OneCycle (pct_start 0.2)",
    "weight_decay": 5e-3, "weight_decay_on_bn": 5e-3, "epochs": 4, "batch_size": 128,
}
RESNET_RECIPE = {
    "optimizer": "SGD (momentum 0.9, nesterov)", "peak_lr": 0.1, "schedule": "OneCycle (pct_start 0.2)",
    "weight_decay": 5e-4, "weight_decay_on_bn": 0.0, "epochs": 2, "batch_size": 128,
}

torch.set_num_threads(2)
torch.use_deterministic_algorithms(True)


# ============================================================================ data
def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    if data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError("%s: not an unsigned-byte IDX file (magic %08x)" % (path, magic))
    nd = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(nd)]
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * nd)
    if arr.size != int(np.prod(dims)):
        raise ValueError("%s: size mismatch" % path)
    return arr.reshape(dims)


def write_idx_gz(path, arr):
    """Standard IDX (magic 0x00000803 / 0x00000801, big-endian dims), deterministic gzip."""
    arr = np.ascontiguousarray(arr, dtype=np.uint8)
    header = bytes([0, 0, 0x08, arr.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in arr.shape)
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz:
            gz.write(header)
            gz.write(arr.tobytes())


def normalize(pixels_u8, mean, std):
    """x = (pixel/255 - mean)/std, computed in float64, stored as float32 (what the models expect)."""
    return ((pixels_u8.astype(np.float64) * SCALE - mean) / std).astype(np.float32)


def prepare_data(out_dir, log):
    d = FMNIST_DIR
    xtr, ytr = read_idx(os.path.join(d, FMNIST_FILES[0])), read_idx(os.path.join(d, FMNIST_FILES[1]))
    xte, yte = read_idx(os.path.join(d, FMNIST_FILES[2])), read_idx(os.path.join(d, FMNIST_FILES[3]))
    assert xtr.shape == (60000, 28, 28) and ytr.shape == (60000,), "unexpected training set"
    assert xte.shape == (10000, 28, 28) and yte.shape == (10000,), "unexpected test set"
    assert np.array_equal(np.bincount(yte, minlength=10), np.full(10, 1000)), "t10k labels not balanced"

    x64 = xtr.astype(np.float64) * SCALE
    mean, std = float(x64.mean()), float(x64.std())
    log("Fashion-MNIST train pixel/255: mean %.6f std %.6f" % (mean, std))

    # test set: the Debian files are the upstream t10k files (checked above) -> copy them verbatim
    shutil.copyfile(os.path.join(d, FMNIST_FILES[2]), os.path.join(out_dir, "fmnist-test-images-idx3-ubyte.gz"))
    shutil.copyfile(os.path.join(d, FMNIST_FILES[3]), os.path.join(out_dir, "fmnist-test-labels-idx1-ubyte.gz"))

    # calibration pool: 500 random training images per class, then shuffled (seeded)
    rng = np.random.default_rng(SEED_DATA)
    idx = np.concatenate([rng.choice(np.flatnonzero(ytr == c), 500, replace=False) for c in range(10)])
    idx = idx[rng.permutation(idx.size)]
    write_idx_gz(os.path.join(out_dir, "fmnist-calib-images-idx3-ubyte.gz"), xtr[idx])
    write_idx_gz(os.path.join(out_dir, "fmnist-calib-labels-idx1-ubyte.gz"), ytr[idx])
    # sanity: read back
    assert np.array_equal(read_idx(os.path.join(out_dir, "fmnist-calib-images-idx3-ubyte.gz")), xtr[idx])
    assert np.array_equal(np.bincount(ytr[idx], minlength=10), np.full(10, 500))

    ds = {"scale": SCALE, "mean": [mean], "std": [std], "color": "grayscale", "classes": CLASSES}
    with open(os.path.join(out_dir, "dataset.json"), "w") as f:
        json.dump(ds, f, indent=2)
        f.write("\n")
    return {"xtr": xtr, "ytr": ytr, "xte": xte, "yte": yte, "mean": mean, "std": std, "calib_idx": idx}


# ============================================================================ models
def conv_bn_relu6(cin, cout, k, stride, groups=1):
    return [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False),
            nn.BatchNorm2d(cout), nn.ReLU6()]


# (in_channels, out_channels, depthwise stride)
MOBILENET_BLOCKS = [(16, 32, 2), (32, 64, 2), (64, 128, 1), (128, 128, 1)]


class MobileNetFMNIST(nn.Module):
    """Stem Conv3x3 1->16 + BN + ReLU6, then per block [depthwise Conv3x3 + BN + ReLU6,
    pointwise Conv1x1 + BN + ReLU6], GlobalAveragePool, Flatten, Linear -> 10."""

    def __init__(self):
        super().__init__()
        layers = conv_bn_relu6(1, 16, 3, 1)
        for cin, cout, stride in MOBILENET_BLOCKS:
            layers += conv_bn_relu6(cin, cin, 3, stride, groups=cin)
            layers += conv_bn_relu6(cin, cout, 1, 1)
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.classifier = nn.Linear(MOBILENET_BLOCKS[-1][1], 10)

    def forward(self, x):
        return self.classifier(self.flatten(self.pool(self.features(x))))


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU()
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        idt = x if self.downsample is None else self.downsample(x)
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return self.relu(y + idt)


class ResNetFMNIST(nn.Module):
    """Stem Conv3x3/2 1->16 + BN + ReLU, BasicBlock(16,16), BasicBlock(16,32,/2 with 1x1 conv+BN
    shortcut), BasicBlock(32,32), GlobalAveragePool, Flatten, Linear -> 10."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 16, 3, 2, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        self.layer1 = BasicBlock(16, 16, 1)
        self.layer2 = BasicBlock(16, 32, 2)
        self.layer3 = BasicBlock(32, 32, 1)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = self.layer3(self.layer2(self.layer1(self.stem(x))))
        return self.fc(self.flatten(self.pool(x)))


def n_params(m):
    return sum(p.numel() for p in m.parameters())


# ============================================================================ training / eval
def train(model, recipe, seed, X, Y, log, max_steps=None):
    torch.manual_seed(seed)
    bs, epochs = recipe["batch_size"], recipe["epochs"]
    steps_per_epoch = (X.shape[0] + bs - 1) // bs
    total = epochs * steps_per_epoch if max_steps is None else max_steps
    bn_params = [p for mod in model.modules() if isinstance(mod, nn.BatchNorm2d) for p in mod.parameters()]
    bn_ids = {id(p) for p in bn_params}
    other = [p for p in model.parameters() if id(p) not in bn_ids]
    groups = [{"params": other, "weight_decay": recipe["weight_decay"]},
              {"params": bn_params, "weight_decay": recipe["weight_decay_on_bn"]}]
    if recipe["optimizer"].startswith("AdamW"):
        opt = torch.optim.AdamW(groups, lr=recipe["peak_lr"])
    else:
        opt = torch.optim.SGD(groups, lr=recipe["peak_lr"], momentum=0.9, nesterov=True)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=recipe["peak_lr"], total_steps=total,
                                                pct_start=0.2)
    gen = torch.Generator().manual_seed(seed + 1)  # batch order
    step = 0
    for ep in range(epochs):
        t0 = time.time()
        model.train()
        perm = torch.randperm(X.shape[0], generator=gen)
        run_loss, n = 0.0, 0
        for i in range(0, X.shape[0], bs):
            if step >= total:
                break
            idx = perm[i:i + bs]
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(X[idx]), Y[idx])
            loss.backward()
            opt.step()
            sched.step()
            step += 1
            run_loss += loss.item() * idx.numel()
            n += idx.numel()
        log("  epoch %d/%d  train loss %.4f  (%.0f s)" % (ep + 1, epochs, run_loss / max(n, 1), time.time() - t0))
    model.eval()
    return model


@torch.no_grad()
def predict(model, X, bs=1000):
    model.eval()
    return torch.cat([model(X[i:i + bs]) for i in range(0, X.shape[0], bs)])


def accuracy_report(logits, Y):
    """Fractions computed from integer counts (correct / samples) in float64."""
    pred = logits.argmax(1)
    correct = (pred == Y)
    per_class = [int(correct[Y == c].sum()) / int((Y == c).sum()) for c in range(10)]
    return {"accuracy": int(correct.sum()) / int(Y.numel()), "correct": int(correct.sum()),
            "perClassAccuracy": per_class, "samples": int(Y.numel())}


# ============================================================================ ONNX
def export_onnx(model, path):
    model.eval()
    torch.onnx.export(model, torch.zeros(1, 1, 28, 28), path, opset_version=13,
                      training=torch.onnx.TrainingMode.PRESERVE,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}},
                      do_constant_folding=True)
    m = onnx.load(path)
    onnx.checker.check_model(m)
    return m


def onnx_summary(m):
    def shape(v):
        return [d.dim_param if d.dim_param else d.dim_value for d in v.type.tensor_type.shape.dim]
    ops = {}
    for n in m.graph.node:
        ops[n.op_type] = ops.get(n.op_type, 0) + 1
    return {"inputs": [(i.name, shape(i)) for i in m.graph.input],
            "outputs": [(o.name, shape(o)) for o in m.graph.output],
            "ops": dict(sorted(ops.items())), "opset": m.opset_import[0].version,
            "identities": [(n.input[0], n.output[0]) for n in m.graph.node if n.op_type == "Identity"]}


def folded_conv_ranges(m):
    """For every Conv directly followed by BatchNormalization in the ONNX graph, fold BN into the conv
    (W' = W * gamma / sqrt(var + eps) per output channel, eps from the node) and report per-output-
    channel max|W'|. Independent of PyTorch: reads only the ONNX file's initializers."""
    init = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    for n in m.graph.node:  # resolve Identity-aliased initializers
        if n.op_type == "Identity" and n.input[0] in init:
            init[n.output[0]] = init[n.input[0]]
    consumers = {}
    for n in m.graph.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    rows = []
    for n in m.graph.node:
        if n.op_type != "Conv":
            continue
        nxt = consumers.get(n.output[0], [])
        if len(nxt) != 1 or nxt[0].op_type != "BatchNormalization":
            continue
        bn = nxt[0]
        eps = next((a.f for a in bn.attribute if a.name == "epsilon"), 1e-5)
        W = init[n.input[1]].astype(np.float64)
        gamma, var = init[bn.input[1]].astype(np.float64), init[bn.input[4]].astype(np.float64)
        Wf = W * (gamma / np.sqrt(var + eps))[:, None, None, None]
        mx = np.abs(Wf).reshape(Wf.shape[0], -1).max(1)
        group = next((a.i for a in n.attribute if a.name == "group"), 1)
        kind = "depthwise" if group > 1 and group == W.shape[0] else ("pointwise" if W.shape[2:] == (1, 1) else "conv")
        med = float(np.median(mx))
        top = int(mx.argmax())
        rows.append({"conv": n.name, "kind": kind, "weightShape": list(W.shape),
                     "ratioMaxToMedian": float(mx.max() / med) if med > 0 else float("inf"),
                     "maxAbs": float(mx.max()), "medianChannelMaxAbs": med,
                     "topChannel": top, "topChannelGamma": float(gamma[top]), "topChannelRunningVar": float(var[top]),
                     "channelsWithRunningVarBelow1e-4": int((var < 1e-4).sum()), "epsilon": float(eps)})
    return rows


# ============================================================================ weight fake-quant check
def fold_model(model):
    """Copy of a Conv/BN sequential model with every BN folded into the preceding conv (eq. 10-12)."""
    m = copy.deepcopy(model).eval()

    def fold_seq(seq):
        mods = list(seq)
        out = []
        i = 0
        while i < len(mods):
            c = mods[i]
            if isinstance(c, nn.Conv2d) and i + 1 < len(mods) and isinstance(mods[i + 1], nn.BatchNorm2d):
                bn = mods[i + 1]
                s = bn.weight.detach() / torch.sqrt(bn.running_var + bn.eps)
                fc = nn.Conv2d(c.in_channels, c.out_channels, c.kernel_size, c.stride, c.padding,
                               groups=c.groups, bias=True)
                fc.weight.data = (c.weight.detach().double() * s.double()[:, None, None, None]).float()
                b0 = c.bias.detach() if c.bias is not None else torch.zeros_like(bn.running_mean)
                fc.bias.data = (bn.bias.detach().double() + (b0.double() - bn.running_mean.double()) * s.double()).float()
                out.append(fc)
                i += 2
            else:
                out.append(c)
                i += 1
        return nn.Sequential(*out)

    m.features = fold_seq(m.features)
    return m


def fake_quant_weights(model, bits, per_channel):
    """Symmetric weights-only fake quant: scale = max|w| / (2^(b-1)-1) per tensor or per output
    channel, round half to even, clamp to [-qmax, qmax]. Biases and activations stay FP32."""
    m = copy.deepcopy(model)
    qmax = 2 ** (bits - 1) - 1
    with torch.no_grad():
        for mod in m.modules():
            if isinstance(mod, (nn.Conv2d, nn.Linear)):
                w = mod.weight.data
                if per_channel:
                    s = w.abs().reshape(w.shape[0], -1).max(1).values.reshape((-1,) + (1,) * (w.dim() - 1)) / qmax
                else:
                    s = w.abs().max() / qmax
                s = torch.where(s == 0, torch.ones_like(s), s)
                mod.weight.data = torch.clamp(torch.round(w / s), -qmax, qmax) * s
    return m


# ============================================================================ docs
def md_table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def fmt_pct(x):
    return "%.2f %%" % (100 * x)


# ============================================================================ main
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smoke test: 30 training steps, output to a temp dir")
    ap.add_argument("--out", default=None, help="output dir (default resources/demo, or a temp dir with --quick)")
    args = ap.parse_args()
    t_start = time.time()
    out_dir = args.out or (tempfile.mkdtemp(prefix="qs-demo-") if args.quick else os.path.join(ROOT, "resources", "demo"))
    os.makedirs(out_dir, exist_ok=True)
    docs_path = os.path.join(ROOT, "docs", "demo-model.md") if not args.quick else os.path.join(out_dir, "demo-model.md")
    os.makedirs(os.path.dirname(docs_path), exist_ok=True)
    lines = []

    def log(s=""):
        print(s, flush=True)
        lines.append(s)

    log("PyTorch %s, onnx %s, numpy %s, %d threads" % (torch.__version__, onnx.__version__, np.__version__,
                                                       torch.get_num_threads()))
    data = prepare_data(out_dir, log)
    mean, std = data["mean"], data["std"]
    Xtr = torch.from_numpy(normalize(data["xtr"], mean, std)).unsqueeze(1)
    Ytr = torch.from_numpy(data["ytr"].astype(np.int64))
    Xte = torch.from_numpy(normalize(data["xte"], mean, std)).unsqueeze(1)
    Yte = torch.from_numpy(data["yte"].astype(np.int64))
    max_steps = 30 if args.quick else None

    results = {}
    # ------------------------------------------------------------------ MobileNet
    log("\nTraining MobileNet-style model (seed %d): %s" % (SEED_MOBILENET, MOBILENET_RECIPE))
    torch.manual_seed(SEED_MOBILENET)
    mnet = MobileNetFMNIST()
    log("  parameters: %d" % n_params(mnet))
    t0 = time.time()
    train(mnet, MOBILENET_RECIPE, SEED_MOBILENET, Xtr, Ytr, log, max_steps)
    mnet_train_s = time.time() - t0
    mnet_logits = predict(mnet, Xte)
    rep_m = accuracy_report(mnet_logits, Yte)
    log("  FP32 test accuracy (PyTorch): %s" % fmt_pct(rep_m["accuracy"]))
    m_onnx = export_onnx(mnet, os.path.join(out_dir, "mobilenet-fmnist.onnx"))
    ranges = folded_conv_ranges(m_onnx)
    log("  per-output-channel weight range after BN folding (largest channel max|w'| / median channel max|w'|):")
    for r in ranges:
        log("    %-32s %-9s %-15s ratio %8.1f   (top ch %d: gamma %.3g, running_var %.3g; %d ch with var<1e-4)" % (
            r["conv"], r["kind"], r["weightShape"], r["ratioMaxToMedian"], r["topChannel"], r["topChannelGamma"],
            r["topChannelRunningVar"], r["channelsWithRunningVarBelow1e-4"]))
    best_dw = max((r for r in ranges if r["kind"] == "depthwise"), key=lambda r: r["ratioMaxToMedian"])
    log("  largest depthwise ratio: %.1f (%s)" % (best_dw["ratioMaxToMedian"], best_dw["conv"]))

    # weights-only fake quant check on the BN-folded model
    folded = fold_model(mnet)
    fold_rep = accuracy_report(predict(folded, Xte), Yte)
    quant = [("FP32 (BN folded)", None, None, fold_rep["accuracy"])]
    for bits in (8, 4):
        for pc in (False, True):
            acc = accuracy_report(predict(fake_quant_weights(folded, bits, pc), Xte), Yte)["accuracy"]
            quant.append(("W%d %s" % (bits, "per-channel" if pc else "per-tensor"), bits, pc, acc))
    log("  weights-only symmetric fake quant of the BN-folded model (activations FP32):")
    for name, _, _, acc in quant:
        log("    %-22s %s" % (name, fmt_pct(acc)))
    results["mobilenet-fmnist.onnx"] = rep_m

    # ------------------------------------------------------------------ ResNet
    log("\nTraining ResNet-style model (seed %d): %s" % (SEED_RESNET, RESNET_RECIPE))
    torch.manual_seed(SEED_RESNET)
    rnet = ResNetFMNIST()
    log("  parameters: %d" % n_params(rnet))
    t0 = time.time()
    train(rnet, RESNET_RECIPE, SEED_RESNET, Xtr, Ytr, log, max_steps)
    rnet_train_s = time.time() - t0
    rnet_logits = predict(rnet, Xte)
    rep_r = accuracy_report(rnet_logits, Yte)
    log("  FP32 test accuracy (PyTorch): %s" % fmt_pct(rep_r["accuracy"]))
    r_onnx = export_onnx(rnet, os.path.join(out_dir, "resnet-fmnist.onnx"))
    r_ranges = folded_conv_ranges(r_onnx)
    results["resnet-fmnist.onnx"] = rep_r

    # ------------------------------------------------------------------ ONNX cross-check (numpy reference)
    n_check = 200 if args.quick else 2000
    log("\nCross-check: ONNX files evaluated with tools/onnx_numpy_ref.py (numpy) on the first %d test images" % n_check)
    xcheck = Xte[:n_check].numpy()
    for fname, m, logits in (("mobilenet-fmnist.onnx", m_onnx, mnet_logits), ("resnet-fmnist.onnx", r_onnx, rnet_logits)):
        got = np.concatenate([onnx_numpy_ref.run(m, {"input": xcheck[i:i + 250]})["logits"]
                              for i in range(0, n_check, 250)])
        ref = logits[:n_check].numpy()
        diff = float(np.abs(got - ref).max())
        agree = int((got.argmax(1) == ref.argmax(1)).sum())
        log("  %-24s max |logit diff| %.2e, argmax agreement %d/%d" % (fname, diff, agree, n_check))
        if diff > 1e-3 or agree != n_check:
            raise SystemExit("ONNX cross-check failed for " + fname)

    # near-ties: how many test images have a top-2 logit margin small enough to flip with float noise
    def near_ties(logits, thr=1e-3):
        top2 = torch.topk(logits, 2, dim=1).values
        return int(((top2[:, 0] - top2[:, 1]) < thr).sum())

    ref_json = {}
    for fname, rep, logits in (("mobilenet-fmnist.onnx", rep_m, mnet_logits), ("resnet-fmnist.onnx", rep_r, rnet_logits)):
        ref_json[fname] = {"accuracy": rep["accuracy"], "perClassAccuracy": rep["perClassAccuracy"],
                           "samples": rep["samples"], "correct": rep["correct"],
                           "top2MarginBelow1e-3": near_ties(logits)}
    with open(os.path.join(out_dir, "fp32-reference.json"), "w") as f:
        json.dump(ref_json, f, indent=2)
        f.write("\n")

    # ------------------------------------------------------------------ docs
    summaries = {"mobilenet-fmnist.onnx": onnx_summary(m_onnx), "resnet-fmnist.onnx": onnx_summary(r_onnx)}
    for k, s in summaries.items():
        log("\n%s: opset %d, inputs %s, outputs %s\n  ops %s" % (k, s["opset"], s["inputs"], s["outputs"], s["ops"]))
    write_docs(docs_path, data, rep_m, rep_r, ranges, r_ranges, quant, summaries, mnet, rnet,
               mnet_train_s, rnet_train_s, ref_json, args.quick)
    write_readme(os.path.join(out_dir, "README.md"), data)
    log("\nFiles in %s:" % out_dir)
    total = 0
    for fn in sorted(os.listdir(out_dir)):
        sz = os.path.getsize(os.path.join(out_dir, fn))
        total += sz
        log("  %-40s %10d bytes" % (fn, sz))
    log("  total %.2f MB; wall time %.0f s" % (total / 1e6, time.time() - t_start))
    if not args.quick:
        if best_dw["ratioMaxToMedian"] < 50:
            raise SystemExit("FAILED: no depthwise conv reached a 50x folded range ratio")
        if rep_m["accuracy"] < 0.88 or rep_r["accuracy"] < 0.85:
            raise SystemExit("FAILED: accuracy below target")


def arch_table_mobilenet(model):
    rows, h = [], 28
    feats = list(model.features)
    for i in range(0, len(feats), 3):
        c = feats[i]
        kind = "depthwise Conv" if c.groups > 1 else ("pointwise Conv" if c.kernel_size == (1, 1) else "Conv")
        h = (h + 2 * c.padding[0] - c.kernel_size[0]) // c.stride[0] + 1
        rows.append((kind + " %dx%d" % c.kernel_size, "%d -> %d" % (c.in_channels, c.out_channels),
                     c.stride[0], c.groups, "BN + ReLU6 (Clip 0..6)", "%d x %d x %d" % (c.out_channels, h, h),
                     sum(p.numel() for p in c.parameters()) + 2 * c.out_channels))
    rows.append(("GlobalAveragePool", "", "", "", "", "%d x 1 x 1" % MOBILENET_BLOCKS[-1][1], 0))
    rows.append(("Flatten + Linear (Gemm)", "%d -> 10" % MOBILENET_BLOCKS[-1][1], "", "", "", "10",
                 n_params(model.classifier)))
    return md_table(["layer", "channels", "stride", "groups", "followed by", "output", "params"], rows)


def write_docs(path, data, rep_m, rep_r, ranges, r_ranges, quant, summaries, mnet, rnet,
               mnet_s, rnet_s, ref_json, quick):
    L = []
    L.append("# Demo models and data\n")
    L.append("Generated by `tools/make_demo_assets.py`%s. Do not edit by hand: rerun the script.\n" %
             (" (QUICK SMOKE RUN - numbers not meaningful)" if quick else ""))
    L.append("Regenerate (Debian 12, packages `python3-torch python3-onnx python3-numpy dataset-fashion-mnist`):\n")
    L.append("```\n/usr/bin/python3 tools/make_demo_assets.py\n/usr/bin/python3 tools/make_test_models.py\n```\n")
    L.append("The first writes `resources/demo/` and this page, the second the test fixtures in "
             "`src/test/resources/models/` (see the README there). Both use fixed seeds, "
             "`torch.set_num_threads(2)` (resp. 1) and deterministic file writing; training took "
             "%.0f s (MobileNet) and %.0f s (ResNet) on the 2-core build machine.\n" % (mnet_s, rnet_s))
    L.append("## Data\n")
    L.append("Fashion-MNIST (Zalando Research, MIT licence), from Debian's `dataset-fashion-mnist` package. "
             "28x28 grayscale, 10 classes. Preprocessing (`resources/demo/dataset.json`): "
             "`x = (pixel * %r - mean) / std` with mean = %.6f and std = %.6f, the mean and standard deviation "
             "of pixel/255 over the 60,000 training images. The models were trained with exactly this "
             "normalization (computed in float64, fed as float32).\n" % (SCALE, data["mean"], data["std"]))
    L.append("- `fmnist-test-*`: the 10,000 test images/labels (verbatim copies of the Debian t10k files).")
    L.append("- `fmnist-calib-*`: 5,000 training images, 500 per class, chosen with "
             "`numpy.random.default_rng(%d)` and then shuffled (so any prefix is roughly balanced).\n" % SEED_DATA)

    L.append("## mobilenet-fmnist.onnx\n")
    L.append("MobileNet-style depthwise-separable CNN, %d parameters, BatchNormalization kept in the graph "
             "(exported with `training=TrainingMode.PRESERVE`, opset 13). Input `input` [N,1,28,28] float32, "
             "output `logits` [N,10].\n" % n_params(mnet))
    L.append(arch_table_mobilenet(mnet) + "\n")
    L.append("Training recipe (seed %d for init, seed+1 for batch order): %s. Weight decay is deliberately applied "
             "to the BatchNorm gamma/beta as well, a common real-world setting. No data augmentation.\n" %
             (SEED_MOBILENET, ", ".join("%s=%s" % kv for kv in MOBILENET_RECIPE.items())))
    L.append("ONNX ops: " + ", ".join("%s x%d" % kv for kv in summaries["mobilenet-fmnist.onnx"]["ops"].items()) + "\n")
    L.append("### FP32 test accuracy (PyTorch, 10,000 test images)\n")
    L.append(acc_table(rep_m, rep_r))
    L.append("\nCross-checked: the exported ONNX files were evaluated with the numpy reference evaluator "
             "`tools/onnx_numpy_ref.py` on the first 2,000 test images (onnxruntime has no Debian package): "
             "identical argmax, logits within 1e-3. `resources/demo/fp32-reference.json` holds these numbers "
             "(`top2MarginBelow1e-3` counts test images whose top-2 logit margin is below 1e-3, i.e. the "
             "images where a different float summation order could flip the prediction).\n")
    L.append("### Per-output-channel weight ranges after BN folding\n")
    L.append("Folding (white paper eq. 10-12): `W' = W * gamma / sqrt(running_var + eps)` per output channel, "
             "with eps taken from each BatchNormalization node. Ratio = largest channel's max|W'| / median "
             "channel's max|W'|. Computed from the ONNX file alone.\n")
    L.append(md_table(["conv (ONNX node)", "kind", "weight shape", "ratio", "top channel: gamma, running_var",
                       "channels with running_var < 1e-4"],
                      [(r["conv"], r["kind"], "x".join(map(str, r["weightShape"])), "%.1f" % r["ratioMaxToMedian"],
                        "ch %d: %.3g, %.3g" % (r["topChannel"], r["topChannelGamma"], r["topChannelRunningVar"]),
                        r["channelsWithRunningVarBelow1e-4"]) for r in ranges]))
    L.append("\nMechanism (reached by training alone, no weight was edited): the high peak learning rate of "
             "AdamW kills a few channels early in training: their ReLU6 output is 0 for every input. A "
             "depthwise conv fed by such a channel outputs a constant 0, so its BN running_var decays to ~0 "
             "(the `running_var` column above). Such a channel gets no gradient, so AdamW only shrinks its "
             "weight and gamma by the small decoupled weight decay (applied to BN parameters too) and they stay "
             "at a normal size; folding then multiplies them by gamma/sqrt(eps) ~ 316*gamma. Those channels "
             "carry no signal, but under per-tensor quantization they set the scale of the whole tensor and the "
             "useful channels are rounded to a few levels or to zero. While choosing the recipe, peak LR 2e-2 "
             "gave ratios above 150x in two depthwise layers for both init seeds tried (0 and 1); peak LR 5e-3 "
             "gave 108x for one ordering of the data and only 15x for another, so it was not used.\n")
    L.append("### Weights-only fake quantization of the folded model\n")
    L.append("Symmetric, scale = max|w| / 127 (INT8) or / 7 (INT4), per tensor or per output channel, "
             "round half to even; every Conv and the Gemm weight quantized; biases and activations FP32.\n")
    L.append(md_table(["weights", "test accuracy"], [(q[0], fmt_pct(q[3])) for q in quant]))
    L.append("\n## resnet-fmnist.onnx\n")
    L.append("Small ResNet, %d parameters: stem Conv3x3/2 1->16 + BN + ReLU; BasicBlock 16->16; BasicBlock "
             "16->32 stride 2 with a 1x1 Conv + BN downsample shortcut; BasicBlock 32->32; each block is "
             "Conv3x3+BN+ReLU, Conv3x3+BN, residual `Add`, ReLU; GlobalAveragePool, Flatten, Linear 32->10 "
             "(Gemm). Same export conventions as above. Recipe (seed %d): %s.\n" %
             (n_params(rnet), SEED_RESNET, ", ".join("%s=%s" % kv for kv in RESNET_RECIPE.items())))
    L.append("ONNX ops: " + ", ".join("%s x%d" % kv for kv in summaries["resnet-fmnist.onnx"]["ops"].items()) + "\n")
    idn = summaries["resnet-fmnist.onnx"].get("identities", [])
    if idn:
        L.append("Identity nodes: " + ", ".join("`%s` -> `%s`" % io for io in idn) + ". The exporter "
                 "de-duplicates initializers of equal value through Identity nodes; here two BN biases "
                 "that are added into the same residual sum start at 0, receive the same gradient and get no "
                 "weight decay, so they end up bit-identical. Readers must resolve such aliases.\n")
    L.append("Folded range ratios (largest / median channel max|W'|): " +
             ", ".join("%s %.1f" % (r["conv"], r["ratioMaxToMedian"]) for r in r_ranges) + "\n")
    L.append("FP32 test accuracy: see the table above (column ResNet).\n")
    with open(path, "w") as f:
        f.write("\n".join(L))


def acc_table(rep_m, rep_r):
    rows = [("**all**", "**%s**" % fmt_pct(rep_m["accuracy"]), "**%s**" % fmt_pct(rep_r["accuracy"]))]
    for c, name in enumerate(CLASSES):
        rows.append(("%d %s" % (c, name), fmt_pct(rep_m["perClassAccuracy"][c]), fmt_pct(rep_r["perClassAccuracy"][c])))
    return md_table(["class", "MobileNet", "ResNet"], rows)


def write_readme(path, data):
    txt = """# Demo assets

Generated by `tools/make_demo_assets.py` (run `/usr/bin/python3 tools/make_demo_assets.py` from the
project root; needs Debian's `python3-torch python3-onnx python3-numpy dataset-fashion-mnist`).
Seeds are fixed, so a rebuild on the same software stack reproduces these files. Details, accuracy
tables and the BN-folding analysis: `docs/demo-model.md`.

| file | what |
|---|---|
| `mobilenet-fmnist.onnx` | MobileNet-style depthwise-separable CNN trained on Fashion-MNIST. Opset 13, BatchNormalization nodes kept, ReLU6 as Clip. Input `input` [N,1,28,28] float32, output `logits` [N,10]. After BN folding one of its depthwise convs has per-channel weight ranges differing by far more than 50x: per-tensor INT8/INT4 weight quantization hurts, per-channel fixes it. |
| `resnet-fmnist.onnx` | Small ResNet (residual Add, 1x1 Conv+BN downsample shortcut, BN kept), same input/output. |
| `fmnist-test-images-idx3-ubyte.gz`, `fmnist-test-labels-idx1-ubyte.gz` | The 10,000 Fashion-MNIST test images and labels (IDX format, gzip; verbatim copies of the Debian package's t10k files). |
| `fmnist-calib-images-idx3-ubyte.gz`, `fmnist-calib-labels-idx1-ubyte.gz` | Calibration pool: 5,000 training images, 500 per class, seeded random choice, shuffled (IDX, gzip with mtime 0). |
| `dataset.json` | Preprocessing shared by the files above: `x = (pixel * scale - mean) / std`, grayscale, class names. |
| `fp32-reference.json` | FP32 test accuracy (overall, per class, fractions) of both models over the 10,000 test images, computed with PyTorch. |

IDX format: big-endian; magic 0x00000803 (images, dims N,28,28) or 0x00000801 (labels, dim N),
followed by unsigned bytes.

## Licence

Fashion-MNIST is Copyright (c) 2017 Zalando SE, released under the MIT licence
(https://github.com/zalandoresearch/fashion-mnist). The image/label files here and the models trained
on them are redistributed under that licence:

    Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
    associated documentation files (the "Software"), to deal in the Software without restriction,
    including without limitation the rights to use, copy, modify, merge, publish, distribute,
    sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
    furnished to do so, subject to the following conditions:

    The above copyright notice and this permission notice shall be included in all copies or
    substantial portions of the Software.

    THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
    NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
    NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES
    OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN
    CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""
    with open(path, "w") as f:
        f.write(txt)


if __name__ == "__main__":
    main()
