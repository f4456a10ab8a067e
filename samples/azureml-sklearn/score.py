# An Azure ML entry script exactly as data scientists write them for a scikit-learn model registered as
# 'classification_model': Modelport runs it unchanged (modelport service deploy … --entry-script score.py).
import json

import joblib
import numpy as np
from azureml.core.model import Model


def init():
    global model
    model_path = Model.get_model_path('classification_model')
    model = joblib.load(model_path)


def run(raw_data):
    data = np.array(json.loads(raw_data)['data'])
    predictions = model.predict(data)
    return predictions.tolist()
