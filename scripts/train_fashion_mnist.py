#!/usr/bin/env python3
"""Train the Fashion-MNIST sample model and export it to ONNX.

Run from the repository root with the system Python (Debian packages
python3-torch, python3-onnx, python3-pil and dataset-fashion-mnist):

    /usr/bin/python3 scripts/train_fashion_mnist.py

Writes into samples/fashion-mnist/:
  model.onnx    input  `image`  float32 [batch, 1, 28, 28], pixels 0..1 (x/255),
                       white apparel on a black background, as in the data set
                output `logits` float32 [batch, 10], raw logits (no softmax)
  labels.txt    the 10 class names, one per line, in output order
  model.json    Modelport pre/post-processing config
  metrics.json  measured accuracy on the full 10,000-image test set
  images/       one correctly classified test image per class (28x28 PNG),
                one upscaled 224x224 RGB JPEG, and expected.json
"""
import argparse
import gzip
import json
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import onnx

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(REPO, "samples", "fashion-mnist")
LABELS = [
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
]


def read_idx(path):
    """Read an idx file (optionally gzipped) into a numpy uint8 array."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte idx file")
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    return arr.reshape(dims)


def find(data_dir, stem):
    for name in (stem, stem + ".gz"):
        p = os.path.join(data_dir, name)
        if os.path.exists(p):
            return p
    raise FileNotFoundError(f"{stem}[.gz] not found in {data_dir}")


class FashionCNN(nn.Module):
    """Two conv blocks + two fully connected layers (~0.1 M parameters)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(16)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(32)
        self.fc1 = nn.Linear(32 * 7 * 7, 64)
        self.drop = nn.Dropout(0.25)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)  # 16x14x14
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)  # 32x7x7
        x = torch.flatten(x, 1)
        x = self.drop(F.relu(self.fc1(x)))
        return self.fc2(x)


def evaluate(model, x, y, batch=1000):
    model.eval()
    preds = []
    with torch.no_grad():
        for i in range(0, len(x), batch):
            preds.append(model(x[i:i + batch]).argmax(1))
    preds = torch.cat(preds)
    return (preds == y).float().mean().item(), preds


def slug(label):
    return label.lower().replace("/", "-").replace(" ", "-")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--opset", type=int, default=17)
    args = ap.parse_args()

    torch.set_num_threads(2)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)

    d = args.data_dir
    x_train = read_idx(find(d, "train-images-idx3-ubyte"))
    y_train = read_idx(find(d, "train-labels-idx1-ubyte"))
    x_test_u8 = read_idx(find(d, "t10k-images-idx3-ubyte"))
    y_test = read_idx(find(d, "t10k-labels-idx1-ubyte"))
    assert x_train.shape == (60000, 28, 28) and x_test_u8.shape == (10000, 28, 28)

    # Same preprocessing the served model expects: x / 255, NCHW, no mean/std.
    xt = torch.from_numpy(x_train.astype(np.float32) / 255.0).unsqueeze(1)
    yt = torch.from_numpy(y_train.astype(np.int64))
    xv = torch.from_numpy(x_test_u8.astype(np.float32) / 255.0).unsqueeze(1)
    yv = torch.from_numpy(y_test.astype(np.int64))

    model = FashionCNN()
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    steps_per_epoch = (len(xt) + args.batch_size - 1) // args.batch_size
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=args.lr, epochs=args.epochs, steps_per_epoch=steps_per_epoch)
    gen = torch.Generator().manual_seed(args.seed)

    t0 = time.time()
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(len(xt), generator=gen)
        total = 0.0
        for i in range(0, len(xt), args.batch_size):
            idx = perm[i:i + args.batch_size]
            opt.zero_grad()
            loss = F.cross_entropy(model(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
        acc, _ = evaluate(model, xv, yv)
        print(f"epoch {epoch + 1}/{args.epochs}: train loss {total / len(xt):.4f}, "
              f"test accuracy {acc:.4f} ({time.time() - t0:.0f}s)", flush=True)

    test_acc, preds = evaluate(model, xv, yv)
    print(f"final test accuracy on {len(xv)} images: {test_acc:.4f}")

    os.makedirs(os.path.join(OUT, "images"), exist_ok=True)
    onnx_path = os.path.join(OUT, "model.onnx")
    model.eval()
    dummy = torch.zeros(1, 1, 28, 28)
    torch.onnx.export(
        model, dummy, onnx_path,
        input_names=["image"], output_names=["logits"],
        dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}},
        opset_version=args.opset, do_constant_folding=True)

    # Verify: structural check, declared I/O, and torch vs ONNX numerics where possible.
    m = onnx.load(onnx_path)
    onnx.checker.check_model(m, full_check=True)
    (inp,), (out,) = m.graph.input, m.graph.output
    in_dims = [dd.dim_param or dd.dim_value for dd in inp.type.tensor_type.shape.dim]
    out_dims = [dd.dim_param or dd.dim_value for dd in out.type.tensor_type.shape.dim]
    assert inp.name == "image" and in_dims == ["batch", 1, 28, 28], (inp.name, in_dims)
    assert out.name == "logits" and out_dims == ["batch", 10], (out.name, out_dims)
    assert inp.type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    print(f"onnx.checker OK: {inp.name} {in_dims} -> {out.name} {out_dims}, opset {m.opset_import[0].version}")
    try:
        import onnxruntime as ort  # optional; not a Debian package
        sess = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
        with torch.no_grad():
            ref = model(xv[:256]).numpy()
        got = sess.run(["logits"], {"image": xv[:256].numpy()})[0]
        diff = float(np.abs(ref - got).max())
        assert diff < 1e-3, diff
        print(f"onnxruntime agrees with torch (max abs diff {diff:.2e})")
    except ImportError:
        print("onnxruntime not available in Python: skipped the numeric ONNX-vs-torch comparison")

    with open(os.path.join(OUT, "labels.txt"), "w") as f:
        f.write("\n".join(LABELS) + "\n")

    model_json = {
        "description": "Small CNN trained on Fashion-MNIST (Zalando Research, MIT). "
                       "28x28 grayscale, white apparel on a black background, pixels scaled to 0..1. "
                       f"Test accuracy {test_acc:.4f} on the 10,000-image test set.",
        "preprocess": {
            "width": 28, "height": 28, "fit": "contain", "channels": "grayscale",
            "layout": "NCHW", "dtype": "float32", "scale": 1 / 255,
        },
        "postprocess": {"kind": "classification", "topK": 3, "softmax": "auto", "labels": "labels.txt"},
    }
    with open(os.path.join(OUT, "model.json"), "w") as f:
        json.dump(model_json, f, indent=2)
        f.write("\n")

    metrics = {
        "testAccuracy": round(test_acc, 4), "epochs": args.epochs,
        "trainImages": int(len(xt)), "testImages": int(len(xv)), "seed": args.seed,
        "batchSize": args.batch_size, "opset": args.opset,
        "trainSeconds": round(time.time() - t0, 1), "torch": torch.__version__,
    }
    with open(os.path.join(OUT, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=2)
        f.write("\n")

    # Sample images: the first correctly classified test image of each class.
    expected = {}
    try:
        from PIL import Image
    except ImportError:
        Image = None
        print("Pillow not available: sample images skipped", file=sys.stderr)
    if Image is not None:
        correct = (preds == yv).numpy()
        for c, label in enumerate(LABELS):
            i = int(np.flatnonzero((y_test == c) & correct)[0])
            name = slug(label) + ".png"
            Image.fromarray(x_test_u8[i], mode="L").save(os.path.join(OUT, "images", name))
            expected[name] = label
            print(f"images/{name}: test image #{i}")
        # One larger RGB JPEG so that the server's resize path is exercised.
        src = Image.open(os.path.join(OUT, "images", "sneaker.png"))
        big = src.convert("RGB").resize((224, 224), Image.BICUBIC)
        big.save(os.path.join(OUT, "images", "sneaker-large.jpg"), quality=90)
        # Check that it survives the round trip back to 28x28 grayscale.
        back = Image.open(os.path.join(OUT, "images", "sneaker-large.jpg")).convert("L").resize((28, 28), Image.BILINEAR)
        with torch.no_grad():
            p = model(torch.from_numpy(np.asarray(back, dtype=np.float32) / 255.0)[None, None]).argmax(1).item()
        print(f"images/sneaker-large.jpg (224x224 RGB) classified as {LABELS[p]!r} after resizing back to 28x28")
        expected["sneaker-large.jpg"] = "Sneaker"
        with open(os.path.join(OUT, "images", "expected.json"), "w") as f:
            json.dump(expected, f, indent=2)
            f.write("\n")

    print(f"wrote {OUT} (model.onnx {os.path.getsize(onnx_path)} bytes)")


if __name__ == "__main__":
    main()
