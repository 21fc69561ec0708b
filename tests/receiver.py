"""A local HTTP server started by a test, standing for a partner's endpoint.

It records every request it receives and answers with what the test scripted for the
path: a fixed answer, a list of answers taken in turn (the last one repeated), or a
function of the request. Nothing leaves the machine::

    with Receiver() as partner:
        partner.answer("/hook", [Answer(500), Answer(200, b"ok")])
        ...
        assert partner.requests[0].headers["X-Signature"] == ...
"""

import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    #: Seconds to wait before answering (a slow partner).
    delay: float = 0
    #: Send the body a byte at a time, waiting this long between bytes.
    drip: float = 0
    #: Send no Content-Length: the body ends when the connection closes.
    unsized: bool = False
    #: Send the body in chunks of this size (Transfer-Encoding: chunked).
    chunked: int = 0


@dataclass
class Received:
    method: str
    path: str
    headers: dict
    body: bytes
    host: str  # the address the request arrived on


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 — the server's quiet
        pass

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        received = Received(
            self.command, self.path, dict(self.headers.items()), body, self.server.host
        )
        receiver = self.server.receiver
        receiver.requests.append(received)
        answer = receiver.next_answer(received)
        if answer.delay:
            receiver.released.wait(answer.delay)
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        if answer.unsized:
            self.send_header("Connection", "close")
            self.close_connection = True
        elif answer.chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        if self.command == "HEAD":
            return
        try:
            if answer.chunked:
                for start in range(0, len(answer.body), answer.chunked):
                    piece = answer.body[start : start + answer.chunked]
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                self.wfile.write(b"0\r\n\r\n")
            elif answer.drip:
                for byte in answer.body:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    if receiver.released.wait(answer.drip):
                        return
            else:
                self.wfile.write(answer.body)
        except OSError:
            pass  # the client hung up: that is what some tests expect

    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _handle


class Receiver:
    """A threaded HTTP(S) server on ``host`` (an ephemeral port) for one test."""

    def __init__(self, host="127.0.0.1", *, tls_context: ssl.SSLContext | None = None):
        self.host = host
        self.tls_context = tls_context
        self.requests: list[Received] = []
        self.routes: dict[str, object] = {}
        self.default = Answer(200, b"ok")
        self.released = threading.Event()
        self._lock = threading.Lock()

    # -- scripting ----------------------------------------------------------------------

    def answer(self, path, answers):
        """Answer requests to ``path`` with an :class:`Answer`, a list of them taken in
        turn (the last repeated), or a function of the :class:`Received` request."""
        self.routes[path] = list(answers) if isinstance(answers, list | tuple) else answers

    def next_answer(self, received):
        with self._lock:
            route = self.routes.get(received.path.split("?")[0], self.default)
            if isinstance(route, list):
                return route.pop(0) if len(route) > 1 else route[0]
            if isinstance(route, Callable):
                return route(received)
            return route

    def requests_to(self, path):
        return [r for r in self.requests if r.path.split("?")[0] == path]

    def wait_for(self, count, timeout=5):
        """Wait until ``count`` requests have arrived (the worker runs in a thread)."""
        end = time.monotonic() + timeout
        while len(self.requests) < count and time.monotonic() < end:
            time.sleep(0.01)
        return self.requests

    # -- lifecycle ----------------------------------------------------------------------

    @property
    def port(self):
        return self.server.server_address[1]

    def url(self, path="/", host=None):
        scheme = "https" if self.tls_context else "http"
        return f"{scheme}://{host or self.host}:{self.port}{path}"

    def __enter__(self):
        self.server = ThreadingHTTPServer((self.host, 0), _Handler)
        self.server.daemon_threads = True
        self.server.receiver = self
        self.server.host = self.host
        if self.tls_context is not None:
            self.server.socket = self.tls_context.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.released.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
