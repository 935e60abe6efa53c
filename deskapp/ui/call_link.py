"""The local socket between ``deskapp call`` and this user's running window (QLocalServer, never a port).

The command writes one JSON line, ``{"number": "...", "direction": "in"}``; the window answers one
JSON line once it has logged the call: the ``deskapp call --json`` object, or ``{"error": "..."}``.
The server's name is per user (the socket sits in the temporary folder, readable by its owner only);
``DESKAPP_STATION_NAME`` overrides it for tests and for two desks on one account.
"""

from __future__ import annotations

import getpass
import json
import logging
import os
import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)
CONNECT_MS = 500
ANSWER_MS = 10_000
MAX_REQUEST = 4096

Reply = Callable[[dict[str, Any]], None]


def server_name() -> str:
    """This user's station name."""
    explicit = os.environ.get("DESKAPP_STATION_NAME")
    if explicit:
        return explicit
    user = str(os.getuid()) if hasattr(os, "getuid") else getpass.getuser()
    return "deskapp-station-" + re.sub(r"[^A-Za-z0-9_.-]", "_", user)


def send_to_window(number: str, direction: str = "in", timeout_ms: int = ANSWER_MS) -> dict[str, Any] | None:
    """The running window's answer for ``number``, or ``None`` when no window of this user listens."""
    socket = QLocalSocket()
    socket.connectToServer(server_name())
    if not socket.waitForConnected(CONNECT_MS):
        return None
    socket.write((json.dumps({"number": number, "direction": direction}) + "\n").encode())
    socket.waitForBytesWritten(CONNECT_MS)
    data = b""
    while not data.endswith(b"\n") and socket.waitForReadyRead(timeout_ms):
        data += bytes(socket.readAll().data())
    socket.disconnectFromServer()
    try:
        answer = json.loads(data.decode("utf-8")) if data else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        answer = None
    if not isinstance(answer, dict):
        return {"error": "The deskapp window did not answer. Try again, or restart it."}
    return answer


class CallServer(QObject):
    """Listens for ``deskapp call``; each request is ``requested(number, direction, reply)``."""

    requested = Signal(str, str, object)  # number, direction, reply(dict)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)

    def listen(self) -> bool:
        """Start listening; False when another window of this user already does."""
        name = server_name()
        if self._server.isListening() or self._server.listen(name):
            return True
        probe = QLocalSocket()
        probe.connectToServer(name)
        if probe.waitForConnected(CONNECT_MS):  # another window answers calls
            probe.disconnectFromServer()
            return False
        QLocalServer.removeServer(name)  # left behind by a window that crashed
        return self._server.listen(name)

    @property
    def full_name(self) -> str:
        """Where the server listens (on Unix, the socket file's path)."""
        return str(self._server.fullServerName())

    def close(self) -> None:
        """Stop listening."""
        self._server.close()

    def _accept(self) -> None:
        while (socket := self._server.nextPendingConnection()) is not None:
            buffer = bytearray()
            socket.readyRead.connect(lambda s=socket, b=buffer: self._read(s, b))
            socket.disconnected.connect(socket.deleteLater)

    def _read(self, socket: QLocalSocket, buffer: bytearray) -> None:
        buffer += bytes(socket.readAll().data())
        if len(buffer) > MAX_REQUEST:
            socket.abort()
            return
        if not buffer.endswith(b"\n"):
            return
        try:
            request = json.loads(buffer.decode("utf-8"))
            number, direction = str(request["number"]), str(request.get("direction", "in"))
        except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError):
            log.warning("deskapp call: a request the window cannot read")
            socket.abort()
            return

        def reply(answer: dict[str, Any]) -> None:
            try:
                if socket.state() == QLocalSocket.LocalSocketState.ConnectedState:
                    socket.write((json.dumps(answer, ensure_ascii=False) + "\n").encode())
                    socket.flush()
            except RuntimeError:  # the command gave up waiting and its socket is gone: nobody to answer
                log.debug("deskapp call left before the answer")

        self.requested.emit(number, direction, reply)
