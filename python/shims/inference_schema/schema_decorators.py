"""@input_schema / @output_schema: a run() documented and converted by sample values."""
import functools
import inspect

from .parameter_types.abstract_parameter_type import AbstractParameterType

SCHEMA_ATTR = "_modelport_schema"


def _schema_of(func):
    found = getattr(func, SCHEMA_ATTR, None)
    return {"inputs": dict(found["inputs"]), "output": found["output"]} if found else {"inputs": {}, "output": None}


def _original(func):
    while hasattr(func, "__wrapped__"):
        func = func.__wrapped__
    return func


def input_schema(param_name, param_type, convert_to_provided_type=True, optional=False):
    if not isinstance(param_type, AbstractParameterType):
        raise ValueError("Invalid parameter type for %r: expected an inference_schema parameter type." % param_name)

    def decorator(func):
        names = list(inspect.signature(_original(func)).parameters)
        if param_name not in names:
            raise ValueError("input_schema names %r, which is not a parameter of %s()." % (param_name, func.__name__))
        position = names.index(param_name)

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            if convert_to_provided_type:
                if param_name in kwargs:
                    kwargs[param_name] = param_type.deserialize_input(kwargs[param_name])
                elif position < len(args):
                    args = list(args)
                    args[position] = param_type.deserialize_input(args[position])
            return func(*args, **kwargs)

        schema = _schema_of(func)
        schema["inputs"] = {param_name: param_type, **schema["inputs"]}
        setattr(wrapper, SCHEMA_ATTR, schema)
        return wrapper

    return decorator


def output_schema(output_type):
    if not isinstance(output_type, AbstractParameterType):
        raise ValueError("Invalid output type: expected an inference_schema parameter type.")

    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            return func(*args, **kwargs)

        schema = _schema_of(func)
        schema["output"] = output_type
        setattr(wrapper, SCHEMA_ATTR, schema)
        return wrapper

    return decorator
