"""Headless Debian Chromium for the tests: one-shot DOM dumps, and a page driven over the DevTools protocol."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")

# No sandbox (root in CI), no GPU, and none of the browser's own network traffic.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.is_file(),
    reason="no /usr/bin/chromium: install Debian's chromium (apt-get install -y chromium; .ci/run does) to run browser tests",
)


def dump_dom(url: str, *, budget_ms: int = 8000, timeout: float = 120.0) -> str:
    """The DOM of ``url`` after ``budget_ms`` of virtual time (scripts run, timers fire)."""
    with tempfile.TemporaryDirectory(prefix="tuiclust-chromium-") as profile:
        result = subprocess.run(
            [
                str(CHROMIUM),
                *FLAGS,
                f"--user-data-dir={profile}",
                f"--virtual-time-budget={budget_ms}",
                "--dump-dom",
                url,
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def wait_until(condition: Any, timeout: float, what: str, interval: float = 0.05) -> Any:
    """Poll ``condition()`` until it returns something true; fail naming ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


class DevToolsPage:
    """One headless Chromium with one page, driven over the DevTools protocol (aiohttp's websocket client)."""

    def __init__(self, width: int = 1200, height: int = 800) -> None:
        self.size = (width, height)
        self._profile = tempfile.mkdtemp(prefix="tuiclust-chromium-")
        self._process: subprocess.Popen[bytes] | None = None
        self._session: Any = None
        self._ws: Any = None
        self._next_id = 0

    async def __aenter__(self) -> DevToolsPage:
        import aiohttp

        width, height = self.size
        self._process = subprocess.Popen(
            [
                str(CHROMIUM),
                *FLAGS,
                f"--user-data-dir={self._profile}",
                "--remote-debugging-port=0",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        port_file = Path(self._profile) / "DevToolsActivePort"
        # Chromium writes the port it chose there once it listens.
        await asyncio.to_thread(
            wait_until, lambda: port_file.is_file() and port_file.read_text().strip(), 60, "Chromium's DevTools port"
        )
        port = int(port_file.read_text().split()[0])
        self._session = aiohttp.ClientSession()
        deadline = time.monotonic() + 30
        while True:
            async with self._session.get(f"http://127.0.0.1:{port}/json/list") as response:
                pages = [t for t in await response.json() if t.get("type") == "page"]
            if pages or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.05)
        assert pages, "Chromium opened no page"
        self._ws = await self._session.ws_connect(pages[0]["webSocketDebuggerUrl"], max_msg_size=0)
        await self.send("Page.enable")
        await self.send("Runtime.enable")
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._session is not None:
            await self._session.close()
        if self._process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait(timeout=30)
        shutil.rmtree(self._profile, ignore_errors=True)

    async def send(self, method: str, params: dict[str, Any] | None = None, timeout: float = 60) -> dict[str, Any]:
        """Send one command and return its result (events arriving meanwhile are skipped)."""
        self._next_id += 1
        ident = self._next_id
        await self._ws.send_str(json.dumps({"id": ident, "method": method, "params": params or {}}))
        while True:
            message = json.loads((await asyncio.wait_for(self._ws.receive(), timeout)).data)
            if message.get("id") == ident:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                return message.get("result", {})

    async def evaluate(self, expression: str) -> Any:
        result = await self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        return result.get("result", {}).get("value")

    async def wait_for(self, expression: str, timeout: float, what: str) -> Any:
        """Poll a JavaScript expression until it is truthy."""
        deadline = time.monotonic() + timeout
        while True:
            value = await self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
            await asyncio.sleep(0.05)

    async def screenshot(self) -> bytes:
        import base64

        result = await self.send("Page.captureScreenshot", {"format": "png"})
        return base64.b64decode(result["data"])
