# The Python runtime's peer: an unchanged Azure ML score.py behind Flask under gunicorn, the way Azure's inference
# server runs it (the script loaded by path as entry_module, init() once per worker, run(raw_data) with the body as
# text, the answer sent as json.dumps). ENTRY_SCRIPT names the script.
import importlib.util
import json
import os

from flask import Flask, Response, request

spec = importlib.util.spec_from_file_location("entry_module", os.environ["ENTRY_SCRIPT"])
entry = importlib.util.module_from_spec(spec)
spec.loader.exec_module(entry)
entry.init()

app = Flask(__name__)


@app.get("/")
def health():
    return Response("Healthy", mimetype="text/plain")


@app.post("/score")
def scoring():
    try:
        result = entry.run(request.get_data(as_text=True))
    except Exception as err:
        app.logger.exception(err)
        return Response(json.dumps({"message": "An unexpected error occurred in scoring script. Check the logs for more info."}), status=500, mimetype="application/json")
    return Response(json.dumps(result), mimetype="application/json")
