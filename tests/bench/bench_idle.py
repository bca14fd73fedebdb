"""Idle benchmark: the explorer does no work when nothing changes, and playback has a frame-rate cap.

Run through ``python3 tests/bench/run.py idle`` (``--quick`` for CI sizes),
or directly: ``python3 tests/bench/bench_idle.py [--quick]``.

Rows
----
* idle in a real terminal: ``tuiclust`` runs in a pseudo-terminal
  (120x40, xterm-256color) as a user would start it. Once its screen is
  settled (every step computed, no output for a second), the CPU time of
  the whole process (all threads, from ``/proc``) and the bytes it writes
  to the terminal are measured over a window while it sits paused, then
  over the same window while it plays (the baseline). Met when the paused
  app writes nothing and uses under 1% of a core. Linux only (``/proc``);
  elsewhere the row is left out.
* paused, headless: the same check from inside (Textual's headless driver):
  screen updates and scatter frames built over the window. Met at 0 and 0.
* frame-rate cap: playing at 120 steps per second (above the cap, as a
  scene's pace or ``--speed`` can ask), how many times per second the views
  are updated with a new step. Met at or below the cap
  (:data:`tuiclust.ui.app.MAX_FRAMES_PER_SECOND`, or 30 if it is missing).
* big data: playing 200,000 points (20,000 quick) at 16 steps per second, the
  longest the event loop went without running (a 5 ms heartbeat that
  notes how late it fires): frames are built in a worker, so keys are
  still handled at once. Info.

Timings never decide pass or fail of the test suite.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path
from types import MappingProxyType

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

IDLE_CPU_TARGET = 0.01  # share of one core
CAP_SPEED = 120.0  # steps per second asked for, above any sensible frame rate
BIG_N, QUICK_BIG_N = 200_000, 20_000


def measure(quick: bool) -> list[dict]:
    """One row per goal (keys goal, figure, baseline, ratio, target, met)."""
    window = 0.5 if quick else 3.0
    rows = []
    if Path("/proc/self/stat").exists():
        rows.append(_terminal_row(window))
    updates, frames = asyncio.run(_paused_headless(window))
    rows.append(
        {
            "goal": "paused explorer renders nothing (headless)",
            "figure": f"{updates} upd, {frames} frames",
            "baseline": f"{window:g} s window",
            "ratio": float(updates + frames),
            "target": "0 and 0",
            "met": updates == 0 and frames == 0,
        }
    )
    rate, cap = asyncio.run(_playback_rate(CAP_SPEED, 1.0 if quick else 2.0))
    rows.append(
        {
            "goal": f"playback frame-rate cap at {CAP_SPEED:g} steps/s",
            "figure": f"{rate:.1f} views/s",
            "baseline": f"cap {cap:g}/s",
            "ratio": rate / cap,
            "target": f"<= {cap:g}/s",
            "met": rate <= cap * 1.1,  # timer jitter
        }
    )
    big = QUICK_BIG_N if quick else BIG_N
    stall, shown = asyncio.run(_big_playback_stall(big, 1.0 if quick else 3.0))
    rows.append(
        {
            "goal": f"  longest UI stall playing {big:,} points",
            "figure": f"{stall * 1e3:.1f} ms",
            "baseline": f"{shown} steps at 16/s",
            "ratio": 1.0,
            "target": "info",
            "met": True,
        }
    )
    return rows


# ------------------------------------------------------------ real terminal
def _terminal_row(window: float) -> dict:
    args = ["--algo", "kmeans", "--k", "8", "--init", "random", "-n", "1000", "--speed", "8"]
    with _Terminal(args) as term:
        if not term.settle(quiet=min(window, 1.0), timeout=60.0):
            raise RuntimeError("tuiclust did not settle in a pseudo-terminal within 60 s")
        idle_cpu, idle_bytes = term.window(window)
        term.press(b" ")  # play: 30 steps at 8 steps/s, longer than the window
        time.sleep(0.2)
        play_cpu, play_bytes = term.window(min(window, 3.0))
    return {
        "goal": "paused explorer in a terminal: CPU, output",
        "figure": f"{idle_cpu:.1%} {idle_bytes:.0f} B/s",
        "baseline": f"play {play_cpu:.1%} {play_bytes / 1e3:.0f} kB/s",
        "ratio": idle_cpu / play_cpu if play_cpu else 0.0,
        "target": "0 B, <1%",
        # /proc counts in clock ticks (10 ms): a short window allows one stray tick.
        "met": idle_bytes == 0 and idle_cpu < max(IDLE_CPU_TARGET, 1.5 / os.sysconf("SC_CLK_TCK") / window),
    }


class _Terminal:
    """``python -m tuiclust ARGS`` in a pseudo-terminal; output drained and counted by a thread."""

    def __init__(self, args: list[str], size: tuple[int, int] = (120, 40)) -> None:
        self.args, self.size = args, size
        self.chunks: list[tuple[float, int]] = []

    def __enter__(self) -> _Terminal:
        master, slave = os.openpty()
        cols, rows = self.size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(cols), LINES=str(rows))
        env.pop("NO_COLOR", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tuiclust", *self.args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=ROOT,
            start_new_session=True,
        )
        os.close(slave)
        self.master = master
        threading.Thread(target=self._drain, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.press(b"q")
            self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            os.killpg(self.process.pid, signal.SIGKILL)  # our own child's session only
            self.process.wait(timeout=5)
        finally:
            os.close(self.master)

    def _drain(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            self.chunks.append((time.perf_counter(), len(data)))

    def press(self, key: bytes) -> None:
        os.write(self.master, key)

    def settle(self, quiet: float, timeout: float) -> bool:
        """Wait until the app has written something and then nothing for ``quiet`` seconds."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.chunks and time.perf_counter() - self.chunks[-1][0] > quiet:
                return True
            time.sleep(0.05)
        return False

    def _cpu_seconds(self) -> float:
        with open(f"/proc/{self.process.pid}/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    def window(self, seconds: float) -> tuple[float, float]:
        """Share of one core and bytes per second written over ``seconds``."""
        cpu0, bytes0, t0 = self._cpu_seconds(), sum(n for _, n in self.chunks), time.perf_counter()
        time.sleep(seconds)
        cpu1, bytes1, t1 = self._cpu_seconds(), sum(n for _, n in self.chunks), time.perf_counter()
        return (cpu1 - cpu0) / (t1 - t0), (bytes1 - bytes0) / (t1 - t0)


# ---------------------------------------------------------------- headless
def _spec(n: int, data: str = "blobs", k: int = 8):
    from tuiclust.pipeline.spec import AlgorithmSpec, DataSpec, RunSpec

    return RunSpec(
        DataSpec(data, n_samples=n), AlgorithmSpec("kmeans", MappingProxyType({"n_clusters": k, "init": "random"}))
    )


def _count_updates(app) -> list[int]:
    """Count the app's screen updates (headless apps skip the driver's write; App._display is the update)."""
    counter = [0]
    display = app._display

    def counted(*args, **kwargs):
        counter[0] += 1
        return display(*args, **kwargs)

    app._display = counted
    return counter


async def _paused_headless(window: float) -> tuple[int, int]:
    from tuiclust.ui.app import ExplorerApp

    app = ExplorerApp(_spec(1_000))
    async with app.run_test(size=(120, 40)) as pilot:
        await app.wait_until_computed(timeout=60)
        await pilot.pause()
        await asyncio.sleep(0.5)  # let the first frame and any late message settle
        updates = _count_updates(app)
        frames0 = app.scatter.frames_built
        await asyncio.sleep(window)
        return updates[0], app.scatter.frames_built - frames0


async def _playback_rate(speed: float, seconds: float) -> tuple[float, float]:
    """Views updated per second while playing at ``speed`` (for ``seconds`` or to the end), and the cap."""
    import tuiclust.ui.app as app_module

    cap = float(getattr(app_module, "MAX_FRAMES_PER_SECOND", 30))
    # Uniform data and 30 random centres: about 70 steps, long enough to measure a rate.
    app = app_module.ExplorerApp(_spec(2_000, data="uniform", k=30), steps_per_second=speed)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.wait_until_computed(timeout=60)
        await pilot.pause()
        shown = [0]
        show = app._show_current

        def counted() -> None:
            shown[0] += 1
            show()

        app._show_current = counted
        start = time.perf_counter()
        app.play()
        while app.playing and time.perf_counter() - start < seconds:
            await asyncio.sleep(0.005)
        elapsed = time.perf_counter() - start
    return shown[0] / elapsed, cap


async def _big_playback_stall(n: int, seconds: float) -> tuple[float, int]:
    """Longest lateness of a 5 ms heartbeat while playing ``n`` points at 16 steps/s."""
    from tuiclust.ui.app import ExplorerApp

    app = ExplorerApp(_spec(n), steps_per_second=16)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.wait_until_computed(timeout=120)
        await pilot.pause()
        await asyncio.sleep(0.3)
        start_index = app.current_run.timeline.index
        worst = 0.0
        app.play()
        end = time.perf_counter() + seconds
        while time.perf_counter() < end and app.playing:
            before = time.perf_counter()
            await asyncio.sleep(0.005)
            worst = max(worst, time.perf_counter() - before - 0.005)
        shown = app.current_run.timeline.index - start_index
        app.pause()
    return worst, shown


if __name__ == "__main__":
    for row in measure("--quick" in sys.argv[1:]):
        met = "yes" if row["met"] else "NO"
        print(
            f"{row['goal']:<52} {row['figure']:>22} {row['baseline']:>24} {row['ratio']:>6.2f}x "
            f"{row['target']:>9}  {met}"
        )
