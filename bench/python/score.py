# The Python peer: an entry script in the style Azure ML's inference server runs (init() once, run() per
# request), scoring the same ONNX models with onnxruntime. Images arrive as raw bytes (the @rawhttp style),
# tabular rows as {"data": [[...], ...]}; answers are the same top-3 labels Modelport sends.
import io
import json
import os

import numpy as np
import onnxruntime as ort
from PIL import Image

session = None
input_name = None
labels = None
image_model = False


def init():
    global session, input_name, labels, image_model
    model_dir = os.environ["AZUREML_MODEL_DIR"]
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(os.path.join(model_dir, "model.onnx"), options, providers=["CPUExecutionProvider"])
    meta = session.get_inputs()[0]
    input_name = meta.name
    image_model = len(meta.shape) == 4
    with open(os.path.join(model_dir, "labels.txt")) as f:
        labels = [line.strip() for line in f if line.strip()]


def _softmax(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _top3(scores):
    if not np.allclose(scores.sum(axis=1), 1.0, atol=1e-3) or scores.min() < 0:
        scores = _softmax(scores)
    out = []
    for row in scores:
        idx = np.argsort(-row)[:3]
        out.append([{"label": labels[i], "index": int(i), "probability": float(row[i])} for i in idx])
    return {"predictions": out}


def run(body, content_type):
    if image_model and not content_type.startswith("application/json"):
        img = Image.open(io.BytesIO(body)).convert("L")
        img.thumbnail((28, 28))
        canvas = Image.new("L", (28, 28), 0)
        canvas.paste(img, ((28 - img.width) // 2, (28 - img.height) // 2))
        x = (np.asarray(canvas, dtype=np.float32) / 255.0).reshape(1, 1, 28, 28)
    else:
        data = json.loads(body)["data"]
        x = np.asarray(data, dtype=np.float32)
        if x.ndim == 1:
            x = x.reshape(1, -1)
    scores = session.run(None, {input_name: x})[0]
    return _top3(scores)
