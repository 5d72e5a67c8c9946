#!/usr/bin/env python3
"""The reliability protocol (Yuan et al. 2023; QuantScope issue 7) scripted in PyTorch, for comparison.

    /usr/bin/python3 tools/torch_reliability_reference.py [--trials 50] [--calib-size 256] [--threads 2] \
        [--out tools/reference/torch-reliability-mobilenet-fmnist.json]

For K seeds: draw --calib-size images from the demo calibration pool, calibrate PyTorch's own
fake quantizers (torch.ao FakeQuantize, min-max observers, W8A8 per-tensor; observers see the FP32
BN-folded model, fake quantization off), evaluate the 10,000 test images with fake quantization on,
and record the per-class accuracy drop against FP32 (computed once). The model is rebuilt and run by
tools/torch_fakequant_reference.py (imported: same graph interpreter, BN folding, placement and
observers as the fidelity reference, docs/torch-reference.md). This is the straightforward PyTorch
script: every trial creates fresh observers for all quantizers and runs the whole network.

The draws are QuantScope's: trial t uses seed t with java.util.Random's algorithm (re-implemented
below, the same partial Fisher-Yates shuffle as CalibrationSampler.random), so the calibration sets
are identical and `quantscope reliability --demo --scale-convention pytorch` must give the same
per-trial accuracies (up to float summation order). Timing covers the trials and the FP32
evaluation, not loading the data.
"""
import argparse
import json
import os
import statistics
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_fakequant_reference as ref  # noqa: E402

MASK = (1 << 48) - 1
MULT = 0x5DEECE66D


class JavaRandom:
    """java.util.Random (the algorithm its specification fixes): 48-bit LCG, nextInt(bound)."""

    def __init__(self, seed):
        self.seed = (seed ^ MULT) & MASK

    def _next(self, bits):
        self.seed = (self.seed * MULT + 0xB) & MASK
        v = self.seed >> (48 - bits)
        return v - (1 << bits) if v >= (1 << (bits - 1)) and bits == 32 else v

    def next_int(self, bound):
        r = self._next(31)
        m = bound - 1
        if bound & m == 0:
            return (bound * r) >> 31
        u = r
        while True:
            r = u % bound
            if u - r + m < (1 << 31):
                return r
            u = self._next(31)


def draw(pool_size, count, seed):
    """CalibrationSampler.random: partial Fisher-Yates over 0..pool_size-1, indices sorted."""
    rnd = JavaRandom(seed)
    a = list(range(pool_size))
    for i in range(count):
        j = i + rnd.next_int(pool_size - i)
        a[i], a[j] = a[j], a[i]
    return sorted(a[:count])


def quartiles(v):
    q = np.percentile(np.asarray(v, dtype=np.float64), [0, 25, 50, 75, 100])  # definition 7, as QuantScope
    return {"min": q[0], "q1": q[1], "median": q[2], "q3": q[3], "max": q[4]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default=os.path.join(ref.DEMO, "mobilenet-fmnist.onnx"))
    ap.add_argument("--data-dir", default=ref.DEMO)
    ap.add_argument("--trials", type=int, default=50)
    ap.add_argument("--calib-size", type=int, default=256)
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", default=None, help="write per-trial results and timings as JSON")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    args.calib_size, wanted = 0, args.calib_size
    data = ref.load_data(args)
    pool = ref.normalize(ref.read_idx(data["calib_images"]), data["ds"])
    graph = ref.TorchGraph(__import__("onnx").load(args.model), fold_bn=True)
    weights, acts = graph.placement()
    xte, yte = data["xte"], data["yte"]
    ncls = len(data["ds"].get("classes", [])) or int(yte.max()) + 1

    t0 = time.time()
    fp32 = ref.accuracy(ref.predict(graph, xte, args.batch), yte, ncls)
    t_fp32 = time.time() - t0
    trials = []
    for t in range(args.trials):
        s0 = time.time()
        xcal = pool[draw(pool.shape[0], wanted, t)]
        wq = {w: ref.weight_fake_quant(8, False) for w, _ in weights}
        aq = {a: ref.activation_fake_quant() for a in acts}
        allq = list(wq.values()) + list(aq.values())
        ref._set_mode(allq, observe=True, fake_quant=False)
        ref.predict(graph, xcal, args.batch, wq, aq)
        ref._set_mode(allq, observe=False, fake_quant=True)
        r = ref.accuracy(ref.predict(graph, xte, args.batch, wq, aq), yte, ncls)
        r.update({"trial": t, "seed": t, "seconds": time.time() - s0})
        trials.append(r)
        print("trial %2d: %.2f %% (%.2f s)" % (t, 100 * r["accuracy"], r["seconds"]), flush=True)
    total = time.time() - t0
    drops = [[100 * (fp32["perClassAccuracy"][c] - r["perClassAccuracy"][c]) for r in trials] for c in range(ncls)]
    worst = [max(d[i] for d in drops) for i in range(len(trials))]
    overall = [100 * (fp32["accuracy"] - r["accuracy"]) for r in trials]
    print("FP32 %.2f %%; %d trials in %.1f s (FP32 evaluation %.1f s, %.2f s per trial), %d threads"
          % (100 * fp32["accuracy"], args.trials, total, t_fp32, (total - t_fp32) / args.trials, args.threads))
    print("overall drop median %.2f, worst-class drop median %.2f max %.2f points"
          % (statistics.median(overall), statistics.median(worst), max(worst)))
    if args.out:
        out = {"tool": "tools/torch_reliability_reference.py", "model": os.path.basename(args.model),
               "modelSha256": ref.sha256(args.model), "torch": torch.__version__, "threads": args.threads,
               "trials": args.trials, "calibrationSize": wanted, "totalSeconds": total,
               "fp32Seconds": t_fp32, "fp32": fp32, "overallDrop": quartiles(overall),
               "worstClassDrop": quartiles(worst), "perClassDrop": [quartiles(d) for d in drops],
               "results": trials}
        with open(args.out, "w") as f:
            json.dump(out, f, indent=1)
        print("wrote", args.out)


if __name__ == "__main__":
    main()
