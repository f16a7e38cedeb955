"""The HTTP front door of `qa serve`, on the standard library's threading server:

    GET /                 the page (page.html, page.js, page.css: static, no build step)
    GET /api/ask?q=...    an answer, the JSON of `qa ask --json`; `conversation=ID` makes the
                          question a follow-up, answered as `qa chat --json` answers it
    POST /api/ask         the same with a JSON object {"q": ..., "conversation": ...}
    GET /api/view?q=...   the same reply with the labels the page shows
    GET /api/health       {"status": "ok"}

Every reply names its conversation in the `Qa-Conversation` header. Bad input gets a 4xx and
{"error": "<one sentence>"}; nothing a client sends is ever answered with a traceback."""

from __future__ import annotations

import ipaddress
import json
import socket
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from urllib.parse import parse_qs, urlsplit

from qa.errors import QaError
from qa.present.formats import json_text, neutralise
from qa.serve.service import RequestError, Served, Service
from qa.serve.view import view

STATIC = {
    "/": ("page.html", "text/html; charset=utf-8"),
    "/page.js": ("page.js", "text/javascript; charset=utf-8"),
    "/page.css": ("page.css", "text/css; charset=utf-8"),
}
PARAMETERS = ("q", "conversation", "top_k", "speaker", "affiliation", "since", "until")
MAX_BODY = 64 * 1024
CONVERSATION_HEADER = "Qa-Conversation"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
    "connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
}


class Handler(BaseHTTPRequestHandler):
    server: Server
    server_version = "qa"
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._route("GET")

    def do_HEAD(self) -> None:
        self._route("HEAD")

    def do_POST(self) -> None:
        self._route("POST")

    def version_string(self) -> str:
        return self.server_version

    def _route(self, method: str) -> None:
        try:
            path = urlsplit(self.path).path
            self._check_host()
            if path in STATIC and method in ("GET", "HEAD"):
                return self._static(*STATIC[path])
            if path == "/api/health" and method in ("GET", "HEAD"):
                return self._json(200, {"status": "ok"})
            if path in ("/api/ask", "/api/view") and method in ("GET", "POST"):
                params = self._params(method)
                served = self.server.service.ask(params.pop("q", None), **params)
                body = served.body
                if path == "/api/view":
                    with self.server.service.lock:
                        body = {"reply": body, "view": view(served.reply, body)}
                return self._json(served.status, body, served)
            if path in STATIC or path in ("/api/ask", "/api/view", "/api/health"):
                return self._error(405, f"{method} is not allowed on {path}.")
            self._error(404, "There is nothing here; the page is at / and the API at /api/ask.")
        except RequestError as error:
            self._error(400, str(error))
        except QaError as error:
            self._error(500, str(error))
        except Exception as error:  # a bug: one line in the server's log, one sentence back
            self.log_message("internal error: %s: %s", type(error).__name__, error)
            self._error(500, f"Internal error ({type(error).__name__}); see the server's log.")

    def _check_host(self) -> None:
        """On a loopback address, only requests addressed to this machine by name or number
        (a page elsewhere cannot reach the API by pointing a name of its own at 127.0.0.1)."""
        if not self.server.loopback:
            return
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]").lower()
        if host not in {"localhost", "127.0.0.1", "::1"} and not host.startswith("127."):
            raise RequestError("This server answers requests to localhost only.")

    def _params(self, method: str) -> dict:
        if method == "POST":
            given = self._body()
        else:
            query = urlsplit(self.path).query
            try:
                parsed = parse_qs(query, keep_blank_values=True, errors="strict",
                                  max_num_fields=len(PARAMETERS) * 2)  # fmt: skip
            except (UnicodeDecodeError, ValueError) as error:
                raise RequestError(
                    "The query is not valid UTF-8 or has too many fields."
                ) from error
            repeated = [name for name, values in parsed.items() if len(values) > 1]
            if repeated:
                raise RequestError(f"Give {neutralise(repeated[0])[:40]} once only.")
            given = {name: values[0] for name, values in parsed.items()}
        unknown = [name for name in given if name not in PARAMETERS]
        if unknown:
            raise RequestError(
                f"Unknown parameter {neutralise(str(unknown[0]))[:40]}; use {', '.join(PARAMETERS)}."
            )
        if any(value is not None and not isinstance(value, str) for value in given.values()):
            raise RequestError("Every parameter must be a string.")
        return given

    def _body(self) -> dict:
        try:
            length = int(self.headers.get("Content-Length") or "")
        except ValueError as error:
            raise RequestError("A POST needs a Content-Length.") from error
        if not 0 <= length <= MAX_BODY:
            raise RequestError(f"The request body is larger than {MAX_BODY} bytes.")
        raw = self.rfile.read(length)
        try:
            given = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise RequestError("The request body is not a JSON object in UTF-8.") from error
        if not isinstance(given, dict):
            raise RequestError("The request body is not a JSON object in UTF-8.")
        return given

    def _static(self, name: str, kind: str) -> None:
        data = files("qa.serve").joinpath(name).read_bytes()
        self._send(200, data, kind, {"Cache-Control": "no-cache"})

    def _json(self, status: int, body: dict, served: Served | None = None) -> None:
        headers = {"Cache-Control": "no-store"}
        if served is not None and served.conversation:
            headers[CONVERSATION_HEADER] = served.conversation
        data = (json_text(body) + "\n").encode("utf-8")
        self._send(status, data, "application/json; charset=utf-8", headers)

    def _error(self, status: int, sentence: str) -> None:
        self.close_connection = True  # a request body left unread must not be read as the next
        self._json(status, {"error": sentence})

    def _send(self, status: int, data: bytes, kind: str, headers: dict) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        for name, value in {**SECURITY_HEADERS, **headers}.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None):
        """The server's own errors (a malformed request, an unsupported method) as JSON too."""
        self.close_connection = True
        try:
            sentence = message or HTTPStatus(code).phrase
        except ValueError:
            sentence = "The request cannot be answered"
        self._error(code, sentence.rstrip(".") + ".")

    def log_message(self, format: str, *args) -> None:
        """One line per request, without the query (questions stay out of the log)."""
        if self.server.quiet:
            return
        sys.stderr.write(f"{self.address_string()} - {neutralise(format % args)}\n")

    def log_request(self, code="-", size="-") -> None:
        path = urlsplit(self.path).path if hasattr(self, "path") else "-"
        code = code.value if isinstance(code, HTTPStatus) else code
        self.log_message("%s %s %s", getattr(self, "command", "-"), path, code)


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, service: Service, host: str = "127.0.0.1", port: int = 0, quiet=False):
        self.service = service
        self.quiet = quiet
        self.loopback = _is_loopback(host)
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host, port), Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ServeError(QaError):
    """The server cannot listen where it was asked to."""


def open_server(settings, host: str = "127.0.0.1", port: int = 0, progress=None, quiet=False):
    """The engine loaded once (a corpus or index that cannot be used stops here, as an error)
    and a server listening with it; `serve_forever()` answers."""
    from qa.answer.engine import Engine

    engine = Engine(settings, progress=progress).load()
    try:
        return Server(Service(engine), host, port, quiet=quiet)
    except (OSError, OverflowError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise ServeError(f"Cannot listen on {host} port {port}: {reason}.") from error
