"""`from azureml.contrib.services.aml_response import AMLResponse` under Modelport: a response with its own
status, headers and body, sent as it is."""
import json


class AMLResponse:
    def __init__(self, message, status_code, response_headers=None, json_str=False):
        if json_str:
            body = json.dumps(message)
            self.mimetype = "application/json"
        else:
            body = message
            self.mimetype = "text/html"
        if body is None:
            body = b""
        self._data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        self.status_code = int(status_code)
        self.headers = {}
        if self.mimetype == "application/json":
            self.headers["Content-Type"] = "application/json"
        else:
            self.headers["Content-Type"] = "text/html; charset=utf-8"
        for k, v in (response_headers or {}).items():
            self.headers[k] = v

    @property
    def status(self):
        return "%d" % self.status_code

    def get_data(self, as_text=False):
        return self._data.decode("utf-8", "replace") if as_text else self._data

    @property
    def data(self):
        return self._data

    def __repr__(self):
        return "<AMLResponse %d>" % self.status_code
