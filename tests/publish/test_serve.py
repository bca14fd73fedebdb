"""`tuiclust serve`: the explorer over a websocket and in headless Chromium; bad addresses are one line."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import tuiclust
from tuiclust.cli import main

from .browser import DevToolsPage, needs_chromium, wait_until
from .images import read_png_pixels

pytest.importorskip("textual_serve", reason="textual-serve is not installed: pip install '.[publish]'")
aiohttp = pytest.importorskip("aiohttp", reason="aiohttp comes with textual-serve: pip install '.[publish]'")

# Starting Python, Textual and the first run takes a second or two here; CI shares the machine.
START_TIMEOUT = 90.0


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(argv))
    return status, out.getvalue(), err.getvalue()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[int, subprocess.Popen[str], Path]]:
    """`python -m tuiclust serve [SCENE]` on a free loopback port, in its own process group (killed whole).

    Parametrize indirectly with a scene name to serve a scene.
    """
    target = [request.param] if getattr(request, "param", None) else []
    port = free_port()
    env = dict(os.environ)
    # The app processes the server starts must import this tuiclust, not another installed one.
    env["PYTHONPATH"] = os.pathsep.join([str(Path(tuiclust.__file__).parents[1]), env.get("PYTHONPATH", "")])
    process = subprocess.Popen(
        [sys.executable, "-m", "tuiclust", "serve", *target, "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        wait_until(lambda: port_open(port) or process.poll() is not None, START_TIMEOUT, "the server's port")
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        yield port, process, tmp_path
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pass
        # The app processes are in the same group: none may outlive the test.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)


async def read_until(ws: object, needle: bytes, timeout: float) -> bytes:
    """The app's output frames, concatenated, up to the first that completes ``needle``."""
    received = b""
    deadline = time.monotonic() + timeout
    while needle not in received:
        message = await asyncio.wait_for(ws.receive(), max(0.1, deadline - time.monotonic()))  # type: ignore[attr-defined]
        if message.type == aiohttp.WSMsgType.BINARY:
            received += message.data
        elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
            raise AssertionError(f"websocket closed before {needle!r} arrived; got {received[-300:]!r}")
    return received


def test_explorer_arrives_over_the_websocket_and_x_downloads_the_csv(served) -> None:
    port, _, folder = served

    async def scenario() -> None:
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(f"http://127.0.0.1:{port}/ws?width=100&height=30") as ws:
                await ws.send_json(["resize", {"width": 100, "height": 30}])
                await read_until(ws, b"K-Means", START_TIMEOUT)
                await ws.send_json(["stdin", "x"])  # export, as the key in the browser
                deadline = time.monotonic() + START_TIMEOUT
                while True:
                    message = await asyncio.wait_for(ws.receive(), max(0.1, deadline - time.monotonic()))
                    if message.type == aiohttp.WSMsgType.TEXT and json.loads(message.data)[0] == "deliver_file_start":
                        key = json.loads(message.data)[1]
                        break
                async with session.get(f"http://127.0.0.1:{port}/download/{key}") as response:
                    assert response.status == 200
                    assert "attachment" in response.headers["Content-Disposition"]
                    assert "blobs-kmeans-clusters.csv" in response.headers["Content-Disposition"]
                    body = await response.text()
        assert body.splitlines()[0].split(",")[-1] == "cluster" and len(body.splitlines()) > 100

    asyncio.run(scenario())
    # Delivered to the browser, not written into the server's folder.
    assert not list(folder.glob("*.csv"))


@pytest.mark.parametrize("served", ["kmeans-basics"], indirect=True)
def test_a_scene_is_served_in_lesson_mode(served) -> None:
    port, _, _ = served

    async def scenario() -> bytes:
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(f"http://127.0.0.1:{port}/ws?width=100&height=30") as ws:
                await ws.send_json(["resize", {"width": 100, "height": 30}])
                # The scene's title card comes first.
                return await read_until(ws, b"step by step", START_TIMEOUT)

    assert b"K-Means" in asyncio.run(scenario())


@needs_chromium
def test_explorer_page_renders_in_chromium(served) -> None:
    port, _, _ = served

    async def scenario() -> tuple[float, bytes]:
        async with DevToolsPage(1200, 800) as page:
            started = time.monotonic()
            await page.send("Page.navigate", {"url": f"http://127.0.0.1:{port}/"})
            # textual.js marks the body once the app's first bytes arrive.
            await page.wait_for(
                "document.body && document.body.classList.contains('-first-byte')",
                START_TIMEOUT,
                "the explorer's first frame in the page",
            )
            first_frame = time.monotonic() - started
            await page.wait_for(
                "getComputedStyle(document.querySelector('.textual-terminal')).opacity === '1'",
                30,
                "the terminal to fade in",
            )
            result = await page.send(
                "Page.captureScreenshot",
                {
                    "format": "png",
                    "clip": {"x": 0, "y": 0, "width": 1200, "height": 800, "scale": 0.25},
                },
            )
            import base64

            return first_frame, base64.b64decode(result["data"])

    first_frame, png = asyncio.run(scenario())
    _, _, pixels = read_png_pixels(png)
    colours = set(pixels)
    assert len(colours) > 20, "the screenshot is (nearly) one flat colour"
    assert (18, 18, 18) in colours, "the explorer's dark background is not on the page"
    print(f"page load to first frame: {first_frame:.2f} s")


def test_port_in_use_is_one_line_and_exit_2() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        status, out, err = run_cli("serve", "--port", str(port))
    assert status == 2 and out == ""
    assert (
        err
        == f"tuiclust: --port {port}: 127.0.0.1:{port} is already in use; choose another port (e.g. --port {port + 1})\n"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--port", "http"], "--port must be a whole number"),
        (["--port", "70000"], "--port must be a whole number from 1 to 65535"),
        (["--host", "no-such-host.invalid"], "--host no-such-host.invalid: not a known host name"),
        (["--host", "192.0.2.1"], "--host 192.0.2.1: not an address of this machine"),
        (["no-such-scene"], "no scene named 'no-such-scene'"),
    ],
)
def test_bad_serve_arguments_are_one_line(argv: list[str], message: str) -> None:
    status, _, err = run_cli("serve", *argv)
    assert status == 2 and message in err and err.count("\n") == 1, err


def test_without_textual_serve_the_message_names_the_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)  # import fails as if not installed
    from tuiclust.publish import web_server

    with pytest.raises(tuiclust.errors.UsageError, match=r"pip install 'tuiclust\[publish\]'"):
        web_server.serve("true", "127.0.0.1", free_port(), title="t")


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                # The parent pid is the second field after the command name in parentheses.
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
    return found


def test_ctrl_c_stops_the_server_and_every_tabs_explorer(served) -> None:
    port, process, _ = served

    async def scenario() -> tuple[list[int], str]:
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(f"http://127.0.0.1:{port}/ws?width=80&height=24") as ws:
                await ws.send_json(["resize", {"width": 80, "height": 24}])
                await read_until(ws, b"K-Means", START_TIMEOUT)
                explorers = children_of(process.pid)
                process.send_signal(signal.SIGINT)
                while True:  # the tab is told, instead of being left open
                    message = await asyncio.wait_for(ws.receive(), 30)
                    if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                        return explorers, str(message.extra or "")

    explorers, reason = asyncio.run(scenario())
    assert len(explorers) == 1  # one process per tab: the shell exec'd the explorer
    process.wait(timeout=30)  # well before aiohttp's one-minute wait for open connections
    assert "stopped" in reason
    wait_until(lambda: not any(Path(f"/proc/{pid}").exists() for pid in explorers), 30, "the tab's explorer to end")
    output = process.stdout.read() if process.stdout else ""
    assert "Traceback" not in output and output.count("\n") == 1, output


def test_serve_listens_on_this_machine_only_by_default() -> None:
    from tuiclust.cli.main import build_parser

    args = build_parser("serve").parse_args([])
    assert (args.host, args.port, args.scene) == ("127.0.0.1", "8000", None)
