"""Questions about a decorated function, under the names inference-schema uses."""
from .schema_decorators import SCHEMA_ATTR


def is_schema_decorated(func):
    return getattr(func, SCHEMA_ATTR, None) is not None


def get_input_schema(func):
    schema = getattr(func, SCHEMA_ATTR, None)
    if not schema or not schema["inputs"]:
        return {}
    props = {name: t.input_to_swagger() for name, t in schema["inputs"].items()}
    return {"type": "object", "properties": props, "example": {name: p["example"] for name, p in props.items()}}


def get_output_schema(func):
    schema = getattr(func, SCHEMA_ATTR, None)
    if not schema or schema["output"] is None:
        return {}
    return schema["output"].input_to_swagger()
