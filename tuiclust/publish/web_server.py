"""Serving the explorer to browsers with textual-serve: one app process per browser tab.

textual-serve runs a shell command for every websocket that connects and
relays the app's terminal output to xterm.js in the page. This module
builds that command (this Python, this tuiclust), checks the address before
serving so a busy port is one line instead of a traceback, and adjusts two
defaults of textual-serve's ``Server``: the page's websocket address is
taken from the address the browser used (so ``--host 0.0.0.0`` works from
other machines), and the start-up banner is replaced by the caller's line.
"""

from __future__ import annotations

import errno
import logging
import re
import shlex
import socket
import sys
from collections.abc import Sequence
from typing import Any

from ..errors import UsageError

__all__ = ["SERVE_INSTALL_HINT", "app_command", "check_address", "open_url", "serve"]

_WEB_FONT_LINK = re.compile(r"<link[^>]*fonts\.googleapis\.com[^>]*>", re.DOTALL)

SERVE_INSTALL_HINT = "pip install 'tuiclust[publish]' (from a checkout: pip install '.[publish]')"


def app_command(target: Sequence[str] = ()) -> str:
    """The shell command that starts one explorer: this interpreter running ``python -m tuiclust TARGET``.

    ``exec`` replaces the shell that textual-serve starts, so each tab costs
    one process, and the server's signals reach the explorer itself.
    """
    return "exec " + shlex.join([sys.executable, "-m", "tuiclust", *target])


def check_address(host: str, port: int) -> None:
    """Bind and release ``host:port`` once, so that a port in use is a clear error before serving.

    Every address ``host`` resolves to is tried, as the server binds them all.

    Raises
    ------
    UsageError
        Naming ``--host`` or ``--port`` and what to do.
    """
    if not 1 <= port <= 65535:
        raise UsageError(f"--port must be from 1 to 65535, got {port}")
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise UsageError(f"--host {host}: not a known host name or address ({exc.strerror})") from None
    for family, kind, proto, _, address in addresses:
        with socket.socket(family, kind, proto) as probe:
            # As aiohttp does: a port whose old connections are still closing is free.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError as exc:
                raise UsageError(_bind_error(host, port, exc)) from None


def _bind_error(host: str, port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return f"--port {port}: {host}:{port} is already in use; choose another port (e.g. --port {port + 1})"
    if exc.errno == errno.EACCES:
        return f"--port {port}: not allowed to listen on it (ports below 1024 need privileges); use --port 8000"
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"--host {host}: not an address of this machine; use 127.0.0.1, or 0.0.0.0 for every network"
    return f"--host {host} --port {port}: cannot listen there ({exc.strerror or exc})"


def open_url(host: str, port: int) -> str:
    """The address to give people: this machine's name when serving on every interface."""
    if host in ("", "0.0.0.0", "::"):
        host = socket.gethostname()
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def serve(command: str, host: str, port: int, *, title: str) -> None:
    """Serve ``command`` on ``host:port`` until Ctrl+C (or SIGTERM).

    Raises
    ------
    UsageError
        textual-serve is not installed, or the address cannot be bound.
    """
    try:
        from textual_serve.server import Server
    except ImportError:
        raise UsageError(f"serving to a browser needs textual-serve; install it with: {SERVE_INSTALL_HINT}") from None

    class _Server(Server):  # type: ignore[misc, valid-type]
        def initialize_logging(self) -> None:
            # textual-serve's banner and aiohttp's request log would bury the
            # one line with the URL; warnings and errors still show.
            super().initialize_logging()
            for name in ("textual-serve", "aiohttp.access", "aiohttp.server"):
                logging.getLogger(name).setLevel(logging.WARNING)

        async def on_startup(self, app: Any) -> None:
            self.open_sockets: set[Any] = set()

        async def _process_messages(self, websocket: Any, app_service: Any) -> None:
            self.open_sockets.add(websocket)
            try:
                await super()._process_messages(websocket, app_service)
            finally:
                self.open_sockets.discard(websocket)

        async def on_shutdown(self, app: Any) -> None:
            # Ctrl+C: close every tab's websocket now, which ends its explorer;
            # otherwise aiohttp waits up to a minute for open tabs to leave.
            for websocket in list(self.open_sockets):
                await websocket.close(code=1001, message=b"tuiclust serve stopped")

        async def handle_index(self, request: Any) -> Any:
            # The page's websocket and static URLs are built from public_url;
            # use the address this browser reached us at, so that a student's
            # http://teacher:8000 connects back to teacher:8000, not to 0.0.0.0.
            # No await happens between this and the template reading it.
            self.public_url = f"{request.scheme}://{request.host}"
            response = await super().handle_index(request)
            # The page links a web font stylesheet from the internet, and a
            # stylesheet blocks the page until it loads or fails: seconds in a
            # classroom without internet. The font falls back to monospace.
            response.text = _WEB_FONT_LINK.sub("", response.text)
            return response

    server = _Server(command, host=host, port=port, title=title)
    try:
        server.serve()
    except OSError as exc:  # lost a race for the port after check_address
        raise UsageError(_bind_error(host, port, exc)) from None
