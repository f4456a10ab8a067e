"""Modelport's stand-in for azureml-contrib-services (AMLRequest, rawhttp, AMLResponse)."""
