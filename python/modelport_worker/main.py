"""The worker's loop: load score.py as the reference server does, run init() once, then answer requests."""
import ast
import importlib.util
import inspect
import json
import logging
import os
import signal
import sys
import time
import traceback

from . import request as _request  # noqa: F401  (azureml.contrib.services.aml_request re-exports it)
from .handler import Handler, ScriptError
from .protocol import Channel

SHIMS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "shims")


class LoadError(Exception):
    def __init__(self, phase, message, detail=""):
        super().__init__(message)
        self.phase = phase
        self.detail = detail


def _setup_paths(script):
    # The reference appends AML_APP_ROOT and AML_APP_ROOT/AZUREML_SOURCE_DIRECTORY; the script's own folder is
    # not added. Modelport's stand-ins come last, so a real azureml or inference-schema package wins.
    app_root = os.environ.get("AML_APP_ROOT") or os.getcwd()
    sys.path.append(app_root)
    source_dir = os.environ.get("AZUREML_SOURCE_DIRECTORY")
    if source_dir:
        sys.path.append(os.path.join(app_root, source_dir))
    sys.path.append(SHIMS)


def _uses_rawhttp(module, source):
    for value in vars(module).values():
        if callable(value) and getattr(value, "_modelport_rawhttp", False):
            return True
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for deco in node.decorator_list:
                target = deco.func if isinstance(deco, ast.Call) else deco
                name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", None)
                if name == "rawhttp":
                    return True
    return False


def _schema_util():
    try:
        from inference_schema import schema_util  # the real package when installed, else Modelport's
    except Exception:
        return None
    return schema_util


def _example_of(schema):
    if not isinstance(schema, dict):
        return None
    if "example" in schema:
        return schema["example"]
    if schema.get("type") == "object" and isinstance(schema.get("properties"), dict):
        return {k: _example_of(v) for k, v in schema["properties"].items()}
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        return [_example_of(schema["items"])]
    return None


def _check_run_signature(run):
    try:
        sig = inspect.signature(run)
    except (TypeError, ValueError) as e:
        raise LoadError("load", "run() has no readable signature: %s" % e)
    params = [p for p in sig.parameters.values() if p.name != "request_headers"]
    for p in sig.parameters.values():
        if p.kind == p.VAR_POSITIONAL:
            raise LoadError("load", "run() cannot take *%s: name each parameter it receives." % p.name)
        if p.kind == p.VAR_KEYWORD:
            raise LoadError("load", "run() cannot take **%s: name each parameter it receives." % p.name)
        if p.kind == p.POSITIONAL_ONLY:
            raise LoadError("load", "run() cannot take positional-only parameters (%s, /)." % p.name)
    if not params:
        raise LoadError("load", "run() must take at least one parameter (the input) besides request_headers.")
    return sig


def load(script):
    _setup_paths(script)
    try:
        with open(script, "rb") as f:
            source = f.read()
    except OSError as e:
        raise LoadError("load", "The entry script %s cannot be read: %s" % (script, e))
    spec = importlib.util.spec_from_file_location("entry_module", script)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except BaseException as e:  # an import error, a syntax error, a SystemExit at import
        raise LoadError("load", "The entry script %s failed while loading: %s: %s" % (script, type(e).__name__, e), traceback.format_exc())
    init = getattr(module, "init", None)
    run = getattr(module, "run", None)
    if not callable(init):
        raise LoadError("load", "The entry script %s must define init(), called once when the service starts." % script)
    if not callable(run):
        raise LoadError("load", "The entry script %s must define run(...), called for every scoring request." % script)
    sig = _check_run_signature(run)
    raw = _uses_rawhttp(module, source)
    util = _schema_util()
    decorated = bool(util and util.is_schema_decorated(run))
    if raw and decorated:
        raise LoadError("load", "run() cannot combine @rawhttp with @input_schema/@output_schema: a raw run() receives the HTTP request itself. Remove one of them.")
    described = {"inputSample": None, "outputSample": None}
    if decorated:
        try:
            described["inputSample"] = _example_of(util.get_input_schema(run)) or None
            described["outputSample"] = _example_of(util.get_output_schema(run)) or None
        except Exception:
            logging.getLogger("modelport").warning("Could not read the schema samples of run(): %s", traceback.format_exc())
    mode = "raw" if raw else "schema" if decorated else "plain"
    return init, run, sig, mode, described, ("package" if util and "shims" not in (getattr(util, "__file__", "") or "") else "modelport")


def _configure_logging():
    level = (os.environ.get("AZUREML_LOG_LEVEL") or "INFO").upper()
    logging.basicConfig(level=getattr(logging, level, logging.INFO), stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")


def _start_debugger():
    port = os.environ.get("MODELPORT_DEBUGPY_PORT")
    if port is None:
        return
    try:
        import debugpy
    except ImportError:
        print(
            "Modelport: debugpy is not installed in this Python environment (%s), so no debugger can attach. "
            "Add debugpy to the environment file (pip: debugpy) or install it: %s -m pip install debugpy" % (sys.executable, sys.executable),
            file=sys.stderr,
            flush=True,
        )
        return
    host, bound = debugpy.listen(("127.0.0.1", int(port)))
    print("Python debugger (debugpy) listening on %s:%d" % (host, bound), file=sys.stderr, flush=True)
    if os.environ.get("MODELPORT_DEBUGPY_WAIT") == "1":
        debugpy.wait_for_client()


def main():
    # Node owns shutdown: Ctrl-C in a terminal reaches the whole process group, and must not break a run().
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Reads are buffered: a frame's lengths, header and body (and often the next frame, which Node sends while
    # this one runs) come in one system call instead of three. Writes are not: each reply goes out whole at once.
    channel = Channel(os.fdopen(3, "rb"), os.fdopen(4, "wb", buffering=0))
    script = os.environ.get("MODELPORT_PYTHON_SCRIPT", "")
    _configure_logging()
    _start_debugger()
    try:
        init, run, sig, mode, described, schema_impl = load(script)
    except LoadError as e:
        channel.send({"type": "failed", "phase": e.phase, "message": str(e), "detail": e.detail})
        return 3
    try:
        started = time.perf_counter()
        init()
        init_ms = (time.perf_counter() - started) * 1000
    except BaseException as e:
        channel.send({"type": "failed", "phase": "init", "message": "init() raised %s: %s" % (type(e).__name__, e), "detail": traceback.format_exc()})
        return 3
    handler = Handler(run, sig, mode)
    channel.send(
        {
            "type": "ready",
            "mode": mode,
            "inputSample": described["inputSample"],
            "outputSample": described["outputSample"],
            "schemaImplementation": schema_impl,
            "python": "%d.%d.%d" % sys.version_info[:3],
            "executable": sys.executable,
            "initMs": round(init_ms, 3),
        }
    )
    while True:
        message = channel.receive()
        if message is None:
            return 0
        header, body = message
        if header.get("type") == "stop":
            return 0
        if header.get("type") != "request":
            continue
        began = time.perf_counter()
        try:
            reply, reply_body = handler.handle(header, body)
        except ScriptError as e:  # defensive: the handler turns script failures into replies itself
            reply, reply_body = {"status": 500, "headers": [], "failed": True, "error": str(e)}, b""
        # How long this request kept the worker busy: what the requests queued behind it wait (pythonScorer.ts).
        reply["busyMs"] = (time.perf_counter() - began) * 1000
        reply["type"] = "response"
        reply["id"] = header.get("id")
        channel.send(reply, reply_body)


if __name__ == "__main__":
    sys.exit(main())
