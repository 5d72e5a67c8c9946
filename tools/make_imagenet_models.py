#!/usr/bin/python3
"""Builds ImageNet-size test models and data for QuantScope's memory and speed measurements (issue 14).

  mobilenet_v2.onnx     torchvision mobilenet_v2(): 224x224x3, 1,000 classes, 3.5 M parameters (14 MB)
  resnet50.onnx         torchvision resnet50(): 25.6 M parameters (102 MB)
  efficientnet_b0.onnx  torchvision efficientnet_b0(): SiLU, squeeze-and-excitation (21 MB)
  resnet50-external/    resnet50 with its weights in an external data file (ONNX external-data format)

All are exported like the other test models: opset 13, BatchNormalization kept (TrainingMode.PRESERVE), dynamic
batch. The weights are torchvision's random initialization (seeded); no pretrained weights are downloaded (the
machine has only the Debian packages). To make the activations realistic rather than degenerate, every BatchNorm's
running statistics are re-estimated on the synthetic images (plain average), so each BN output is roughly
standardized as in a trained network, and the classifier's bias is centred so that the predictions spread over
many classes.

The data are synthetic photographs: smooth random colour fields with a few random shapes, drawn at 320x(256..400)
and saved as JPEG in the ImageNet folder layout (one folder per class, WordNet-style names n00000000..n00000999,
most of them empty with only 250 images), plus the same images already preprocessed (resize 256, center crop 224,
ImageNet mean/std) as images.npy. The label of an image is the class MobileNetV2 predicts for it in FP32, so that
MobileNetV2's FP32 accuracy is 100 % and every quantized accuracy below it is agreement with FP32 (the other models
have their own labels-<model>.npy with the same meaning). Also writes synsets.txt ("index<TAB>id<TAB>name", like
ImageNet's LOC_synset_mapping) and dataset.json for the folder.

Nothing here is committed (the files are large): they go to --out (default target/imagenet).

Run:  /usr/bin/python3 tools/make_imagenet_models.py [--out DIR] [--images 250] [--only resnet50,mobilenet_v2]
      (about 2 minutes on 2 cores). Needs python3-torch, python3-torchvision, python3-onnx, python3-numpy,
      python3-pil (Debian 12).

A large folder for the decoding benchmark (bench eval-folder), no models, no .npy:
      /usr/bin/python3 tools/make_imagenet_models.py --folder-only --images 50000 [--bad-files 3]
      writes DIR/folder-50000 (or --folder NAME): the same kind of synthetic JPEGs, image i in class i mod 1000 (50 per
      class), generated and written one at a time (memory flat), with dataset.json (ImageNet scale/mean/std, resize 256,
      crop 224). --bad-files K adds K unreadable files (a truncated JPEG, an empty file, text named .JPEG, ...) at
      fixed places, for --skip-bad-files. About 2 s per 1,000 images (ext4, one core).
"""
import argparse
import json
import os

import numpy as np
import onnx
import torch
import torch.nn as nn
import torchvision
from PIL import Image, ImageDraw

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)

MODELS = {
    "mobilenet_v2": lambda: torchvision.models.mobilenet_v2(num_classes=1000),
    "resnet50": lambda: torchvision.models.resnet50(num_classes=1000),
    "efficientnet_b0": lambda: torchvision.models.efficientnet_b0(num_classes=1000),
}


def synthetic_image(rng, index):
    """A smooth random colour field (bilinear upsampling of a coarse random grid) with a few filled shapes."""
    w = 320
    h = int(rng.integers(256, 401))
    coarse = rng.uniform(0, 255, size=(int(rng.integers(2, 7)), int(rng.integers(2, 7)), 3)).astype(np.uint8)
    img = Image.fromarray(coarse, "RGB").resize((w, h), Image.BILINEAR)
    draw = ImageDraw.Draw(img)
    for _ in range(int(rng.integers(1, 6))):
        x0, y0 = int(rng.integers(0, w - 40)), int(rng.integers(0, h - 40))
        x1, y1 = x0 + int(rng.integers(20, 160)), y0 + int(rng.integers(20, 160))
        colour = tuple(int(c) for c in rng.integers(0, 256, size=3))
        if rng.random() < 0.5:
            draw.ellipse([x0, y0, x1, y1], fill=colour)
        else:
            draw.rectangle([x0, y0, x1, y1], fill=colour)
    return img


def preprocess(img):
    """torchvision's ImageNet evaluation transform: resize the shorter side to 256 (bilinear), center crop 224,
    scale to 0..1, subtract the mean and divide by the std per channel. Returns (3, 224, 224) float32."""
    w, h = img.size
    if w < h:
        nw, nh = 256, int(256 * h / w)
    else:
        nw, nh = int(256 * w / h), 256
    img = img.resize((nw, nh), Image.BILINEAR)
    left, top = int(round((nw - 224) / 2.0)), int(round((nh - 224) / 2.0))
    img = img.crop((left, top, left + 224, top + 224))
    x = np.asarray(img, dtype=np.float32) / 255.0
    return ((x - MEAN) / STD).transpose(2, 0, 1).copy()


def recalibrate_bn(model, x):
    for m in model.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            m.reset_running_stats()
            m.momentum = None
    model.train()
    with torch.no_grad():
        for s in range(0, x.shape[0], 50):
            model(x[s:s + 50])
    model.eval()


def spread_classes(model, x):
    """Standardizes each class's logit over the images (classifier row and bias divided by its std, mean removed). A randomly initialized network
    favours a handful of classes for every input; standardized logits spread the predictions over many classes, as a
    trained ImageNet model's are (the per-class views need many populated classes)."""
    fc = [m for m in model.modules() if isinstance(m, nn.Linear)][-1]
    with torch.no_grad():
        logits = torch.cat([model(x[s:s + 50]) for s in range(0, x.shape[0], 50)])
        std = logits.std(0).clamp_min(1e-6)
        fc.weight /= std[:, None]
        fc.bias.copy_((fc.bias - logits.mean(0)) / std)


def predict(model, x):
    out = []
    with torch.no_grad():
        for s in range(0, x.shape[0], 50):
            out.append(model(x[s:s + 50]).argmax(1))
    return torch.cat(out).numpy().astype(np.int64)


def write_folder_only(args):
    """A folder of --images synthetic JPEGs in the ImageNet layout, image i in class i mod 1000, written one at a time
    so that memory does not grow with the count; plus --bad-files unreadable files."""
    folder = os.path.join(args.out, args.folder or "folder-%d" % args.images)
    ids = ["n%08d" % c for c in range(1000)]
    for c in ids:
        os.makedirs(os.path.join(folder, c), exist_ok=True)
    rng = np.random.default_rng(1414)
    for i in range(args.images):
        synthetic_image(rng, i).save(os.path.join(folder, ids[i % 1000], "img_%06d.JPEG" % i), quality=90)
        if (i + 1) % 5000 == 0:
            print("%d of %d images" % (i + 1, args.images), flush=True)
    kinds = ["truncated", "empty", "text", "header-only"]
    for k in range(args.bad_files):
        kind = kinds[k % len(kinds)]
        path = os.path.join(folder, ids[(k * 397) % 1000], "bad_%03d_%s.JPEG" % (k, kind))
        if kind == "truncated":
            good = os.path.join(folder, ids[0], "img_%06d.JPEG" % 0)
            with open(good, "rb") as f:
                data = f.read()
            with open(path, "wb") as f:
                f.write(data[:len(data) // 3])
        elif kind == "empty":
            open(path, "wb").close()
        elif kind == "text":
            with open(path, "w") as f:
                f.write("not an image\n")
        else:
            with open(path, "wb") as f:
                f.write(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
    with open(os.path.join(folder, "dataset.json"), "w") as f:
        json.dump({"scale": 1 / 255.0, "mean": MEAN.tolist(), "std": STD.tolist(), "color": "rgb", "resize": 256,
                   "crop": 224}, f)
    print("data: %d images%s in %s (JPEG, ImageNet layout)"
          % (args.images, " and %d unreadable files" % args.bad_files if args.bad_files else "", folder))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "target", "imagenet"))
    ap.add_argument("--images", type=int, default=250)
    ap.add_argument("--only", default=",".join(MODELS))
    ap.add_argument("--folder-only", action="store_true",
                    help="only write an image folder of --images synthetic JPEGs (no models, no .npy)")
    ap.add_argument("--folder", default=None, help="folder name under --out (default: images, or folder-N with "
                                                   "--folder-only)")
    ap.add_argument("--bad-files", type=int, default=0, help="with --folder-only: unreadable files to add")
    args = ap.parse_args()
    if args.folder_only:
        write_folder_only(args)
        return
    only = args.only.split(",")
    torch.set_num_threads(2)
    os.makedirs(args.out, exist_ok=True)

    rng = np.random.default_rng(14)
    images = [synthetic_image(rng, i) for i in range(args.images)]
    x = torch.from_numpy(np.stack([preprocess(im) for im in images]))
    np.save(os.path.join(args.out, "images.npy"), x.numpy())

    labels = {}
    for i, name in enumerate(MODELS):
        if name not in only and not (name == "mobilenet_v2"):
            continue
        torch.manual_seed(1400 + i)
        model = MODELS[name]()
        recalibrate_bn(model, x)
        spread_classes(model, x)
        labels[name] = predict(model, x)
        np.save(os.path.join(args.out, "labels-%s.npy" % name), labels[name])
        if name not in only:
            continue
        path = os.path.join(args.out, name + ".onnx")
        torch.onnx.export(model, torch.zeros(1, 3, 224, 224), path, opset_version=13,
                          training=torch.onnx.TrainingMode.PRESERVE, input_names=["input"],
                          output_names=["logits"], dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}},
                          do_constant_folding=True)
        m = onnx.load(path)
        onnx.checker.check_model(m)
        print("%-16s %10d bytes  %4d nodes  %d distinct predicted classes on %d images"
              % (name, os.path.getsize(path), len(m.graph.node), len(set(labels[name].tolist())), len(images)),
              flush=True)
        if name == "resnet50":
            ext = os.path.join(args.out, "resnet50-external")
            os.makedirs(ext, exist_ok=True)
            onnx.save_model(m, os.path.join(ext, "resnet50.onnx"), save_as_external_data=True,
                            all_tensors_to_one_file=True, location="resnet50.weights", size_threshold=1024)

    # The folder: one subfolder per class (1,000, most empty), labelled by MobileNetV2's FP32 prediction.
    folder = os.path.join(args.out, args.folder or "images")
    ids = ["n%08d" % c for c in range(1000)]
    for c in ids:
        os.makedirs(os.path.join(folder, c), exist_ok=True)
    y = labels["mobilenet_v2"]
    for i, im in enumerate(images):
        im.save(os.path.join(folder, ids[y[i]], "img_%05d.JPEG" % i), quality=90)
    np.save(os.path.join(args.out, "labels.npy"), y)
    with open(os.path.join(args.out, "synsets.txt"), "w") as f:
        for c in range(1000):
            f.write("%d\t%s\tsynthetic class %d\n" % (c, ids[c], c))
    with open(os.path.join(folder, "dataset.json"), "w") as f:
        json.dump({"scale": 1 / 255.0, "mean": MEAN.tolist(), "std": STD.tolist(), "color": "rgb"}, f)
    print("data: %d images in %s (JPEG, ImageNet layout), images.npy, labels*.npy, synsets.txt"
          % (len(images), folder))


if __name__ == "__main__":
    main()
