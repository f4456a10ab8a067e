"""One request through run(), with the reference server's rules for each mode, its statuses and messages, its
serialisation of return values and its timeout raised inside run()."""
import json
import logging
import signal
import time
import traceback
from urllib.parse import parse_qsl

from .request import AMLRequest, mime_of

RUN_FAILED = "An unexpected error occurred in scoring script. Check the logs for more info."
INTERNAL = "An unexpected internal error occurred. Check the logs for more info."
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

log = logging.getLogger("modelport")


class ScriptError(Exception):
    pass


class _RunTimer:
    """SIGALRM raises TimeoutError inside run() once the scoring timeout has passed (a script's own
    `except Exception` may swallow it, as under the reference server).

    The interval timer is not set and cleared around every run: each system call between runs costs far more
    than its own time on a machine with page-table isolation (a request of 0.1 ms ran 20 us slower with the timer
    armed and cleared around it). One alarm stays pending instead; when it fires, a run that still has time left
    arms it again for the rest, and between runs it is let lapse. So a run ends at its own deadline, and a steady
    stream of requests costs one alarm per timeout period, not two calls per request.

    The price: about once per timeout period a run that is well within its time gets an alarm meant for an earlier
    one. Python retries the call it interrupted (PEP 475), as it does for any other signal; the worker's own pipe
    writes finish what a signal cut short (protocol.py). A script that cancels the alarm or takes SIGALRM for
    itself does not disable the timeout for good: a pending alarm whose time has passed counts as gone, and the
    handler is put back before the next run."""

    def __init__(self):
        self.ms = 0
        self.fired = False
        self._deadline = None  # the running request's, on time.monotonic(); None between runs
        self._armed_until = None  # when the pending alarm fires; None when none is pending

    def _arm(self, seconds):
        self._armed_until = time.monotonic() + seconds
        signal.setitimer(signal.ITIMER_REAL, seconds)

    def _alarm(self, signum, frame):
        self._armed_until = None
        if self._deadline is None:
            return  # between runs: the next run arms it again
        left = self._deadline - time.monotonic()
        if left > 0:
            self._arm(left)
            return
        self._deadline = None
        self.fired = True
        raise TimeoutError("Scoring timeout after %d ms" % self.ms)

    def start(self, ms):
        self.ms = ms
        self.fired = False
        if not ms or ms <= 0:
            return self
        if signal.getsignal(signal.SIGALRM) != self._alarm:
            signal.signal(signal.SIGALRM, self._alarm)
            self._armed_until = None
        now = time.monotonic()
        self._deadline = now + ms / 1000.0
        if self._armed_until is None or self._armed_until <= now or self._armed_until > self._deadline:
            self._arm(ms / 1000.0)
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._deadline = None
        return False


def _json_reply(status, message, failed=False):
    return {"status": status, "headers": [["Content-Type", "application/json"]], "failed": failed}, json.dumps({"message": message}).encode("utf-8")


def _parse_value(v):
    try:
        return json.loads(v)
    except ValueError:
        return v


def query_dict(query_string):
    grouped = {}
    for k, v in parse_qsl(query_string, keep_blank_values=True):
        grouped.setdefault(k, []).append(_parse_value(v))
    return {k: vs[0] if len(vs) == 1 else vs for k, vs in grouped.items()}


def _header_dict(headers):
    out = {}
    for k, v in headers:
        name = "-".join(p[:1].upper() + p[1:].lower() for p in k.split("-"))
        out[name] = v if name not in out else out[name] + ", " + v
    return out


def _is_json(content_type):
    mime = mime_of(content_type)
    return mime == "application/json" or mime.endswith("+json")


def _is_response(value):
    return hasattr(value, "status_code") and hasattr(value, "get_data") and hasattr(value, "headers")


class Handler:
    def __init__(self, run, sig, mode):
        self.run = run
        self.mode = mode
        params = [p for p in sig.parameters.values() if p.name != "request_headers"]
        self.first = params[0].name
        self.params = params
        self.wants_headers = "request_headers" in sig.parameters
        self.timer = _RunTimer()

    def _input(self, header, body):
        """(args, kwargs) for run(), or a ready reply when the request is refused before run()."""
        method = header.get("method", "POST")
        headers = header.get("headers", [])
        content_type = next((v for k, v in headers if k.lower() == "content-type"), None)
        query = header.get("query", "")
        if self.mode == "raw":
            return ([AMLRequest(method, header.get("path", "/score"), query, headers, body)], {}), None
        if method == "GET":
            q = query_dict(query)
            if self.mode == "plain":
                return ([json.dumps(q)], {}), None
            return self._named(q)
        if self.mode == "plain":
            if mime_of(content_type) in FORM_TYPES:
                return ([""], {}), None
            try:
                return ([body.decode("utf-8")], {}), None
            except UnicodeDecodeError as e:
                return None, _json_reply(400, "Input cannot be decoded as UTF-8: %s" % e)
        if not _is_json(content_type):
            return None, _json_reply(415, "Expects Content-Type to be application/json")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as e:
            return None, _json_reply(400, "Input cannot be decoded as UTF-8: %s" % e)
        if text.strip() == "":
            return None, _json_reply(400, "POST body is empty. Expecting a JSON dictionary.")
        try:
            value = json.loads(text)
        except ValueError as e:
            return None, _json_reply(400, "POST body could not be decoded as JSON: %s" % e)
        if not isinstance(value, dict):
            return None, _json_reply(400, "POST body should be a JSON dictionary.")
        return self._named(value)

    def _named(self, obj):
        kwargs = {}
        for p in self.params:
            if p.name in obj:
                kwargs[p.name] = obj[p.name]
            elif p.default is p.empty:
                return None, _json_reply(400, "A value is not provided for the '%s' parameter." % p.name)
        return ([], kwargs), None

    def handle(self, header, body):
        prepared, refused = self._input(header, body)
        if refused is not None:
            reply, reply_body = refused
            reply["failed"] = False
            return reply, reply_body
        args, kwargs = prepared
        if self.wants_headers:
            kwargs["request_headers"] = _header_dict(header.get("headers", []))
        timeout = self.timer
        started = time.perf_counter()
        try:
            with timeout.start(int(header.get("timeoutMs") or 0)):
                result = self.run(*args, **kwargs)
        except TimeoutError:
            if timeout.fired:
                reply, reply_body = _json_reply(500, "Scoring timeout after %d ms" % timeout.ms, failed=True)
                reply["kind"] = "timeout"
                reply["error"] = "run() did not return within the scoring timeout:\n" + traceback.format_exc()
                return reply, reply_body
            return self._run_failed()
        except BaseException:
            return self._run_failed()
        exec_ms = (time.perf_counter() - started) * 1000
        exec_header = ["x-ms-run-fn-exec-ms", "%.3f" % exec_ms]
        if _is_response(result):
            status = int(result.status_code)
            out_headers = [exec_header]
            for k, v in _response_headers(result):
                # A header value holding commas is sent as repeated headers, as the reference does.
                for part in str(v).split(","):
                    out_headers.append([k, part.strip()])
            data = result.get_data()
            if isinstance(data, str):
                data = data.encode("utf-8")
            return {"status": status, "headers": out_headers, "failed": status >= 500}, bytes(data)
        try:
            text = "{}" if result is None else json.dumps(result)
        except (TypeError, ValueError, OverflowError, RecursionError):
            reply, reply_body = _json_reply(500, INTERNAL, failed=False)
            reply["error"] = "run() returned a value json.dumps cannot serialise (%s):\n%s" % (type(result).__name__, traceback.format_exc())
            return reply, reply_body
        return {"status": 200, "headers": [exec_header, ["Content-Type", "application/json"]], "failed": False}, text.encode("utf-8")

    def _run_failed(self):
        reply, reply_body = _json_reply(500, RUN_FAILED, failed=True)
        reply["kind"] = "run-failed"
        reply["error"] = "run() raised:\n" + traceback.format_exc()
        return reply, reply_body


def _response_headers(response):
    headers = response.headers
    items = headers.items() if hasattr(headers, "items") else headers
    return list(items)
