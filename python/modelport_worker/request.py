"""The request a raw (@rawhttp) run() receives: the parts of Flask's Request that scoring scripts use
(method, path, full_path, url, args, headers, data, get_data(), get_json(), json, files, form, content_type,
mimetype), built from what Node forwards. Written for Modelport from Flask's documented behaviour."""
import io
import json
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qsl


class BadRequest(Exception):
    """get_json() on a body that is not JSON (Flask answers 400)."""

    code = 400


class MultiDict(dict):
    """A dict of first values that also remembers every value of a key (werkzeug's MultiDict surface)."""

    def __init__(self, pairs=()):
        super().__init__()
        self._lists = {}
        for key, value in pairs:
            self.add(key, value)

    def add(self, key, value):
        if key not in self._lists:
            self._lists[key] = []
            dict.__setitem__(self, key, value)
        self._lists[key].append(value)

    def getlist(self, key, type=None):
        values = list(self._lists.get(key, []))
        if type is None:
            return values
        out = []
        for v in values:
            try:
                out.append(type(v))
            except (ValueError, TypeError):
                pass
        return out

    def get(self, key, default=None, type=None):
        if key not in self:
            return default
        value = dict.__getitem__(self, key)
        if type is None:
            return value
        try:
            return type(value)
        except (ValueError, TypeError):
            return default

    def lists(self):
        return iter((k, list(v)) for k, v in self._lists.items())

    def to_dict(self, flat=True):
        if flat:
            return dict(self.items())
        return {k: list(v) for k, v in self._lists.items()}


class Headers:
    """Case-insensitive, ordered request headers (werkzeug's Headers surface)."""

    def __init__(self, pairs):
        self._pairs = [(_title(k), v) for k, v in pairs]

    def get(self, key, default=None, type=None):
        lower = key.lower()
        for k, v in self._pairs:
            if k.lower() == lower:
                if type is None:
                    return v
                try:
                    return type(v)
                except (ValueError, TypeError):
                    return default
        return default

    def getlist(self, key):
        lower = key.lower()
        return [v for k, v in self._pairs if k.lower() == lower]

    def __getitem__(self, key):
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key):
        return self.get(key) is not None

    def __iter__(self):
        return iter(self._pairs)

    def __len__(self):
        return len(self._pairs)

    def keys(self):
        return [k for k, _ in self._pairs]

    def values(self):
        return [v for _, v in self._pairs]

    def items(self):
        return list(self._pairs)

    def to_dict(self):
        return dict(self._pairs)

    def __repr__(self):
        return "Headers(%r)" % (self._pairs,)


def _title(name):
    return "-".join(part[:1].upper() + part[1:].lower() for part in name.split("-"))


class FileStorage:
    """An uploaded file of a multipart form (werkzeug's FileStorage surface)."""

    def __init__(self, data, filename, name, content_type):
        self.stream = io.BytesIO(data)
        self.filename = filename
        self.name = name
        self.content_type = content_type
        self.mimetype = (content_type or "").split(";")[0].strip().lower()

    def read(self, *args):
        return self.stream.read(*args)

    def save(self, dst):
        data = self.stream.getvalue()
        if isinstance(dst, str):
            with open(dst, "wb") as f:
                f.write(data)
        else:
            dst.write(data)

    def __repr__(self):
        return "<FileStorage: %r (%r)>" % (self.filename, self.content_type)


def mime_of(content_type):
    return (content_type or "").split(";")[0].strip().lower()


class AMLRequest:
    """What a @rawhttp run() receives."""

    def __init__(self, method, path, query_string, headers, body, host="localhost"):
        self.method = method
        self.path = path
        self.query_string = query_string.encode("latin-1", "replace") if isinstance(query_string, str) else query_string
        qs = self.query_string.decode("latin-1")
        self.full_path = path + "?" + qs
        self.headers = Headers(headers)
        self.args = MultiDict(parse_qsl(qs, keep_blank_values=True))
        self.content_type = self.headers.get("Content-Type")
        self.mimetype = mime_of(self.content_type)
        self.content_length = len(body)
        self.host = self.headers.get("Host", host)
        self.url = "http://" + self.host + self.full_path.rstrip("?")
        self.base_url = "http://" + self.host + path
        self.remote_addr = self.headers.get("X-Forwarded-For")
        self._body = body
        self._form = None
        self._files = None

    @property
    def data(self):
        return self._body

    def get_data(self, cache=True, as_text=False, parse_form_data=False):
        if parse_form_data:
            self._parse_form()
        return self._body.decode("utf-8", "replace") if as_text else self._body

    @property
    def is_json(self):
        return self.mimetype == "application/json" or (self.mimetype.startswith("application/") and self.mimetype.endswith("+json"))

    def get_json(self, force=False, silent=False, cache=True):
        if not (force or self.is_json):
            if silent:
                return None
            raise BadRequest("Did not attempt to load JSON data because the request Content-Type was not 'application/json'.")
        try:
            return json.loads(self._body.decode("utf-8"))
        except ValueError as e:
            if silent:
                return None
            raise BadRequest("Failed to decode JSON object: %s" % e)

    @property
    def json(self):
        return self.get_json()

    @property
    def form(self):
        self._parse_form()
        return self._form

    @property
    def files(self):
        self._parse_form()
        return self._files

    @property
    def values(self):
        merged = MultiDict(list(self.args.items()))
        for k, vs in self.form.lists():
            for v in vs:
                merged.add(k, v)
        return merged

    def _parse_form(self):
        if self._form is not None:
            return
        self._form = MultiDict()
        self._files = MultiDict()
        if self.mimetype == "application/x-www-form-urlencoded":
            for k, v in parse_qsl(self._body.decode("utf-8", "replace"), keep_blank_values=True):
                self._form.add(k, v)
        elif self.mimetype == "multipart/form-data":
            raw = b"Content-Type: " + (self.content_type or "").encode("latin-1") + b"\r\n\r\n" + self._body
            message = BytesParser(policy=HTTP).parsebytes(raw)
            if not message.is_multipart():
                return
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                if name is None:
                    continue
                filename = part.get_filename()
                payload = part.get_payload(decode=True) or b""
                if filename is not None:
                    self._files.add(name, FileStorage(payload, filename, name, part.get_content_type()))
                else:
                    charset = part.get_content_charset() or "utf-8"
                    self._form.add(name, payload.decode(charset, "replace"))

    def __repr__(self):
        return "<AMLRequest %s %s>" % (self.method, self.full_path)
