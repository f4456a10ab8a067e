# A minimal twin of Azure ML's inference server (azureml-inference-server-http): a Flask app under gunicorn
# that calls the entry script's init() once per worker and run() per request, one request per worker at a time.
import json

from flask import Flask, Response, request

import score

app = Flask(__name__)
score.init()


@app.get("/")
def health():
    return Response("Healthy", mimetype="text/plain")


@app.post("/score")
def scoring():
    try:
        result = score.run(request.get_data(), request.content_type or "")
    except Exception as err:  # the reference server answers 500 and logs the error
        app.logger.exception(err)
        return Response(json.dumps({"message": "An unexpected error occurred in scoring script."}), status=500, mimetype="application/json")
    return Response(json.dumps(result), mimetype="application/json")
