# Trains the sample's model: a LogisticRegression on scikit-learn's bundled iris data, saved with joblib as
# model.pkl (python train.py [OUT]). Run it with the environment's Python so the pickle matches its scikit-learn.
import sys

import joblib
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

X, y = load_iris(return_X_y=True)
model = LogisticRegression(max_iter=500).fit(X, y)
joblib.dump(model, sys.argv[1] if len(sys.argv) > 1 else "model.pkl")
print("accuracy on the training data: %.3f" % model.score(X, y))
