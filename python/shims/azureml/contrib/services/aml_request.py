"""`from azureml.contrib.services.aml_request import AMLRequest, rawhttp` under Modelport.

@rawhttp marks run() as taking the HTTP request itself; Modelport's worker then hands it an AMLRequest with
Flask's request surface (method, path, full_path, args, headers, data, get_data(), get_json(), files, form)."""
from modelport_worker.request import AMLRequest  # noqa: F401

RAWHTTP_MARK = "_modelport_rawhttp"


def rawhttp(func):
    setattr(func, RAWHTTP_MARK, True)
    return func
