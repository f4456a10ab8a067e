"""Modelport's compatible implementation of inference-schema's decorators and parameter types, used only when
the real inference-schema package is not installed in the service's Python environment. Written for
Modelport from inference-schema's documented behaviour."""
