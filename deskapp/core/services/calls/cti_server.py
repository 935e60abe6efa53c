"""The CTI listener: Zammad's generic CTI endpoint on 127.0.0.1, for a PBX bridge on the same computer.

``POST /api/v1/cti/<token>`` (Zammad's URL shape; the token may also come as ``?token=`` or an
``Authorization: Bearer`` header) with a payload :mod:`deskapp.core.services.calls.cti` reads. The
answer is ``200 {}`` as Zammad's; a wrong token is 401, a bad payload 400/422, anything but POST
405, a body over 64 KiB 413. Refusals are logged with the reason only: never the token, never a
number or a name from the payload. The standard library's threading HTTP server is enough for a
PBX's few requests a second; each request gets a short session of its own.
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
import urllib.parse
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from deskapp.core.errors import DeskappError
from deskapp.core.services.calls.cti import CtiEvent, CtiPayloadError, parse_payload
from deskapp.core.services.calls.log import CallRow, cti_event

log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024
PATH_PREFIX = "/api/v1/cti"
LOOPBACK = "127.0.0.1"


class CtiListener:
    """A running listener; ``port=0`` picks a free one (see :attr:`port`). Stop it with :meth:`close`."""

    def __init__(self, engine: Engine, actor_id: int, token: str, port: int = 0, *,
                 on_call: Callable[[CallRow, str], None] | None = None,
                 apply: Callable[[CtiEvent], CallRow] | None = None) -> None:
        """Listen on 127.0.0.1:``port``; each event is logged as ``actor_id``, then given to ``on_call``.

        ``apply`` replaces the logging: the window passes its own, which shows the caller and
        logs on its worker thread (so the two never compete) and returns the logged row; it may
        raise :class:`~deskapp.core.errors.DeskappError` or :class:`TimeoutError`.

        Raises:
            ValueError: An empty token (the listener never runs open).
            OSError: The port is taken or not allowed.
        """
        if not token:
            raise ValueError("a CTI token is required")
        handler = type("BoundHandler", (_Handler,), {
            "engine": engine, "actor_id": actor_id, "token": token, "notify": [on_call] if on_call else [],
            "apply": [apply] if apply else []})
        self._server = ThreadingHTTPServer((LOOPBACK, port), handler)
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The port it listens on."""
        return int(self._server.server_address[1])

    def start(self) -> None:
        """Serve on a background thread."""
        self._thread = threading.Thread(target=self._server.serve_forever, name="deskapp-cti", daemon=True)
        self._thread.start()

    def serve_forever(self) -> None:
        """Serve on this thread until interrupted (``deskapp cti serve``)."""
        self._server.serve_forever()

    def close(self) -> None:
        """Stop serving and free the port."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(5)
        self._server.server_close()


class _Handler(BaseHTTPRequestHandler):
    engine: Engine
    actor_id: int
    token: str
    notify: list[Callable[[CallRow, str], None]]
    apply: list[Callable[[CtiEvent], CallRow]]
    server_version = "deskapp-cti"
    sys_version = ""

    def do_POST(self) -> None:
        if not self._authorised():
            self._refuse(HTTPStatus.UNAUTHORIZED, "missing or wrong token")
            return
        length = self.headers.get("Content-Length", "")
        if not length.isdigit():
            self._refuse(HTTPStatus.LENGTH_REQUIRED, "no Content-Length")
            return
        if int(length) > MAX_BODY:
            self._refuse(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "body too large")
            return
        body = self.rfile.read(int(length))
        try:
            event = parse_payload(body, self.headers.get("Content-Type", ""))
        except CtiPayloadError as exc:
            self._refuse(HTTPStatus.UNPROCESSABLE_ENTITY, str(exc))
            return
        try:
            if self.apply:
                row = self.apply[0](event)
            else:
                with Session(self.engine) as session:
                    row = cti_event(session, self.actor_id, event)
        except (DeskappError, TimeoutError) as exc:
            log.warning("CTI %s not logged: %s", event.event, type(exc).__name__)
            self._answer(HTTPStatus.SERVICE_UNAVAILABLE, {"error": "not logged"})
            return
        for tell in self.notify:
            tell(row, event.event)
        self._answer(HTTPStatus.OK, {})

    def do_GET(self) -> None:
        self._refuse(HTTPStatus.METHOD_NOT_ALLOWED, "only POST is accepted")

    do_PUT = do_DELETE = do_PATCH = do_GET

    def _authorised(self) -> bool:
        parsed = urllib.parse.urlsplit(self.path)
        given = ""
        if parsed.path.startswith(PATH_PREFIX + "/"):
            given = urllib.parse.unquote(parsed.path[len(PATH_PREFIX) + 1:]).strip("/")
        given = given or urllib.parse.parse_qs(parsed.query).get("token", [""])[0]
        bearer = self.headers.get("Authorization", "")
        if not given and bearer.casefold().startswith("bearer "):
            given = bearer[7:].strip()
        return bool(given) and hmac.compare_digest(given.encode(), self.token.encode())

    def _refuse(self, status: HTTPStatus, reason: str) -> None:
        log.warning("CTI request refused (%d): %s", status.value, reason)
        self._answer(status, {"error": reason})

    def _answer(self, status: HTTPStatus, payload: dict[str, str]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status.value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        # The standard line holds the path, which holds the token: say only the method and status.
        if len(args) >= 2 and isinstance(args[1], str):
            log.debug("CTI %s -> %s", self.command, args[1])
