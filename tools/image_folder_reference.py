#!/usr/bin/python3
"""Reference preprocessing of an image folder with Pillow and torchvision, to check QuantScope's (issue 14).

torchvision's ImageNet evaluation transform on the files of a folder in the ImageNet layout (one subfolder per class),
in the order QuantScope lists them (class subfolders sorted by name, images in each sorted by their relative path):

    Resize(R) (shorter side to R, bilinear, Pillow's antialiased filter) -> CenterCrop(C) -> ToTensor -> Normalize

Writes the preprocessed samples (N, 3, C, C) float32 and their labels (the class folder index, int64) as .npy, so that
QuantScope's own preprocessing of the folder can be compared pixel by pixel (`compare`), and
`quantscope eval --data ref.npy --labels ref-labels.npy` gives the accuracy of the reference preprocessing.

  folder   /usr/bin/python3 tools/image_folder_reference.py folder DIR OUT.npy OUT-labels.npy [--resize 256 --crop 224]
  compare  /usr/bin/python3 tools/image_folder_reference.py compare A.npy B.npy [--std 0.229,0.224,0.225]
           max and mean |A - B| in 0..255 pixel units (the normalized difference times std times 255)
  golden   /usr/bin/python3 tools/image_folder_reference.py golden DIR
           writes the small test images of ImageResizeGoldenTest into DIR (src/test/resources/images/resize) and
           reference.json with the uint8 values Pillow computes for them: resize(shorter side) + center crop, and
           center crop alone. Deterministic (seeded); run again to regenerate.

Needs python3-pil, python3-numpy, python3-torchvision (Debian 12).
"""
import argparse
import json
import os

import numpy as np
from PIL import Image, ImageDraw

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif")


def listing(root):
    """(path, class index) in QuantScope's order: hidden entries skipped, folders and files sorted."""
    classes = sorted(d for d in os.listdir(root) if not d.startswith(".") and os.path.isdir(os.path.join(root, d)))
    out = []
    for c, name in enumerate(classes):
        base = os.path.join(root, name)
        files = []
        for dirpath, _, names in os.walk(base):
            for n in names:
                if not n.startswith(".") and n.lower().endswith(IMAGE_EXTENSIONS):
                    files.append(os.path.relpath(os.path.join(dirpath, n), base))
        for f in sorted(files):
            out.append((os.path.join(base, f), c))
    return out


def resize_crop(img, resize, crop):
    """torchvision.transforms Resize(resize) then CenterCrop(crop) on a PIL image; resize 0 skips the resize."""
    import torchvision.transforms.functional as F
    if resize:
        img = F.resize(img, resize, interpolation=F.InterpolationMode.BILINEAR)
    return F.center_crop(img, [crop, crop])


def folder(args):
    desc = {}
    p = os.path.join(args.dir, "dataset.json")
    if os.path.exists(p):
        with open(p) as f:
            desc = json.load(f)
    mean = np.array(desc.get("mean", [0.0]), dtype=np.float64)
    std = np.array(desc.get("std", [1.0]), dtype=np.float64)
    scale = desc.get("scale", 1 / 255.0)
    items = listing(args.dir)
    x = np.empty((len(items), 3, args.crop, args.crop), dtype=np.float32)
    y = np.empty(len(items), dtype=np.int64)
    for i, (path, c) in enumerate(items):
        with Image.open(path) as im:
            a = np.asarray(resize_crop(im.convert("RGB"), args.resize, args.crop), dtype=np.float64)
        x[i] = ((a * scale - mean) / std).transpose(2, 0, 1)
        y[i] = c
    np.save(args.out, x)
    np.save(args.labels_out, y)
    print("%d images of %s -> %s, %s" % (len(items), args.dir, args.out, args.labels_out))


def compare(args):
    a = np.load(args.a).astype(np.float64)
    b = np.load(args.b).astype(np.float64)
    std = np.array([float(s) for s in args.std.split(",")]).reshape(1, -1, 1, 1)
    d = np.abs(a - b) * std * 255.0
    print("samples %d; |difference| in 0..255 pixel units: max %.4f, mean %.5f; share of values differing by more "
          "than 0.5: %.5f %%, by 1.5 or more: %.5f %%" % (a.shape[0], d.max(), d.mean(), 100 * (d > 0.5).mean(),
                                                          100 * (d >= 1.5).mean()))


def golden(args):
    """Small images exercising the resize: portrait and landscape, a downscale (antialiasing matters) and an upscale,
    an odd crop offset (round half to even), JPEG (colour, 4:2:0) and PNG (colour and gray)."""
    os.makedirs(args.dir, exist_ok=True)
    rng = np.random.default_rng(1414)
    cases = [
        # name, size (w, h), format, resize, crop
        ("portrait.png", (37, 53), "PNG", 16, 12),
        ("landscape.png", (61, 29), "PNG", 20, 15),
        ("upscale.png", (9, 7), "PNG", 12, 11),
        ("gray.png", (40, 31), "PNG", 13, 13),
        ("photo.jpg", (48, 40), "JPEG", 24, 21),
    ]
    ref = {"note": "uint8 RGB values, row-major (H, W, 3), made by tools/image_folder_reference.py golden with Pillow "
                   + Image.__version__, "images": []}
    for name, (w, h), fmt, resize, crop in cases:
        coarse = rng.uniform(0, 255, size=(4, 5, 3)).astype(np.uint8)
        img = Image.fromarray(coarse, "RGB").resize((w, h), Image.BICUBIC)
        noise = rng.integers(-40, 41, size=(h, w, 3))
        img = Image.fromarray(np.clip(np.asarray(img, dtype=np.int64) + noise, 0, 255).astype(np.uint8), "RGB")
        draw = ImageDraw.Draw(img)
        draw.line([(0, 0), (w - 1, h - 1)], fill=(255, 255, 255), width=1)
        if name.startswith("gray"):
            img = img.convert("L")
        path = os.path.join(args.dir, name)
        if fmt == "JPEG":
            img.save(path, quality=92)
        else:
            img.save(path)
        with Image.open(path) as im:
            rgb = im.convert("RGB")
            resized = np.asarray(resize_crop(rgb, resize, crop), dtype=np.uint8)
            cropped = np.asarray(resize_crop(rgb, 0, crop), dtype=np.uint8)
        ref["images"].append({"file": name, "width": w, "height": h, "resize": resize, "crop": crop,
                              "resizeCrop": resized.reshape(-1).tolist(), "centerCrop": cropped.reshape(-1).tolist()})
    with open(os.path.join(args.dir, "reference.json"), "w") as f:
        json.dump(ref, f, separators=(",", ":"))
    print("wrote %d images and reference.json to %s" % (len(cases), args.dir))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("folder")
    f.add_argument("dir")
    f.add_argument("out")
    f.add_argument("labels_out")
    f.add_argument("--resize", type=int, default=256)
    f.add_argument("--crop", type=int, default=224)
    c = sub.add_parser("compare")
    c.add_argument("a")
    c.add_argument("b")
    c.add_argument("--std", default="0.229,0.224,0.225")
    g = sub.add_parser("golden")
    g.add_argument("dir")
    args = ap.parse_args()
    {"folder": folder, "compare": compare, "golden": golden}[args.cmd](args)


if __name__ == "__main__":
    main()
