"""Loopback servers for outage tests and ``bench/faults_bench.py``: a port that accepts and never
answers, a TCP proxy that can pass, refuse or hang, and a slow SMTP sink that keeps what it receives.

All stdlib (threads and sockets), on 127.0.0.1 and a random port.
"""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from email import message_from_bytes
from email.policy import default as default_policy


def _listener() -> socket.socket:
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(128)
    return server


@contextmanager
def hanging_port():
    """A port that accepts every connection and never sends a byte (a broker or cache that hangs)."""
    server = _listener()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            held.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=2)
        for conn in held:
            conn.close()
        server.close()


class Proxy:
    """A TCP proxy in front of ``target`` (host, port) that can be switched between three modes.

    ``pass`` forwards; ``refuse`` closes the listening socket (new connections are refused) and
    cuts the open ones; ``hang`` accepts and forwards nothing (open connections stop moving too).
    """

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.mode = "pass"
        self._server: socket.socket | None = None
        probe = _listener()
        self.port = probe.getsockname()[1]
        probe.close()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._open()

    def _open(self) -> None:
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(256)
        server.settimeout(0.2)
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def _accept(self, server: socket.socket) -> None:
        while not self._stop.is_set() and self._server is server:
            try:
                client, _ = server.accept()
            except OSError:
                continue
            if self.mode == "hang":
                with self._lock:
                    self._pairs.append((client, client))
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._pairs.append((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        source.settimeout(0.5)
        while not self._stop.is_set():
            if self.mode == "hang":
                time.sleep(0.05)
                continue
            try:
                data = source.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                break
            if not data:
                break
            try:
                sink.sendall(data)
            except OSError:
                break
        for s in (source, sink):
            with suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def _cut(self) -> None:
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for a, b in pairs:
            for s in (a, b):
                with suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()

    def set(self, mode: str) -> None:
        """Switch to ``pass``, ``refuse`` or ``hang``."""
        if mode == self.mode:
            return
        previous, self.mode = self.mode, mode
        if mode == "refuse":
            server, self._server = self._server, None
            if server is not None:
                server.close()
            self._cut()
        elif previous == "refuse":
            self._open()
        if mode == "pass" and previous == "hang":
            self._cut()  # the held connections saw nothing for a while: their clients reconnect

    def close(self) -> None:
        self._stop.set()
        if self._server is not None:
            self._server.close()
        self._cut()


@dataclass
class SmtpSink:
    """A minimal SMTP server that takes every message, ``delay`` seconds each, and keeps them.

    The delay is spent after the message's data arrived and before the 250 reply, as a slow
    relay does: a sender killed in that time has sent a message it never heard accepted.
    """

    delay: float = 0.0
    messages: list = field(default_factory=list)
    #: When each message of ``messages`` arrived (``time.time()``).
    times: list = field(default_factory=list)
    port: int = 0

    def __post_init__(self) -> None:
        self._server = _listener()
        self.port = self._server.getsockname()[1]
        self._stop = threading.Event()
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        self._server.settimeout(0.2)
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except OSError:
                continue
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    def _session(self, conn: socket.socket) -> None:
        reader = conn.makefile("rb")

        def reply(line: str) -> None:
            conn.sendall(line.encode() + b"\r\n")

        try:
            reply("220 sink ESMTP")
            while True:
                line = reader.readline()
                if not line:
                    return
                command = line.strip().upper()
                if command.startswith((b"EHLO", b"HELO")):
                    reply("250 sink")
                elif command.startswith((b"MAIL", b"RCPT", b"RSET", b"NOOP")):
                    reply("250 OK")
                elif command == b"DATA":
                    reply("354 go ahead")
                    data = []
                    while True:
                        chunk = reader.readline()
                        if not chunk or chunk in (b".\r\n", b".\n"):
                            break
                        data.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                    message = message_from_bytes(b"".join(data), policy=default_policy)
                    with self._lock:
                        self.messages.append(message)  # received: counted even if the sender dies now
                        self.times.append(time.time())
                    time.sleep(self.delay)
                    reply("250 queued")
                elif command == b"QUIT":
                    reply("221 bye")
                    return
                else:
                    reply("502 not implemented")
        except OSError:
            return
        finally:
            conn.close()

    def received(self) -> list:
        with self._lock:
            return list(self.messages)

    def timed(self) -> list[tuple[float, object]]:
        """``(when, message)`` for every message received so far."""
        with self._lock:
            return list(zip(self.times, self.messages, strict=True))

    def close(self) -> None:
        self._stop.set()
        self._server.close()
