"""What `tuiclust fit` writes, run as a user runs it (``python3 -m tuiclust`` in a subprocess).

One test per class the fuzzing review broke (issue 18 items 1, 3, 7, 13;
issue 17 item 12): devices and FIFOs written through and never replaced,
standard output as ``-o -`` and ``/dev/stdout``, default names that
concurrent runs never share, SIGTERM leaving no temporary file and
reporting a file already complete, file names too long for the system,
progress on standard error for a long run.
"""

from __future__ import annotations

import csv
import io
import os
import signal
import stat
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from tuiclust.cli import progress as progress_module
from tuiclust.cli.main import main
from tuiclust.cli.progress import Progress

from ..io.devices import char_device

ROOT = Path(__file__).resolve().parents[2]
LONG = "a" * 300


def tuiclust(*args: str, cwd: Path, stdout: int | None = subprocess.PIPE, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "tuiclust", *args],
        cwd=cwd,
        env=env,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=300,
        check=False,
        **kwargs,
    )


def driver(code: str, *, cwd: Path) -> subprocess.CompletedProcess:
    """Run ``code`` (which ends by calling the CLI's main) in a fresh interpreter."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def points(tmp_path: Path) -> Path:
    """5,000 rows: a CSV result of about 200 kB, more than a pipe holds."""
    rng = np.random.default_rng(3)
    path = tmp_path / "points.csv"
    np.savetxt(path, rng.normal(size=(5000, 2)), delimiter=",", header="x,y", comments="")
    return path


# ------------------------------------------------------- devices and FIFOs
def test_dev_null_is_written_through_and_stays_a_character_device(tmp_path: Path) -> None:
    null = char_device("null", tmp_path)  # as root a private /dev/null: a regression must not break the machine's
    before = os.stat(null)
    result = tuiclust("fit", "blobs", "-o", str(null), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    after = os.stat(null)
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)
    assert f"wrote {null}" in result.stdout
    assert not [p for p in tmp_path.iterdir() if p != null]


def test_a_full_device_is_one_line_and_exit_2(tmp_path: Path) -> None:
    full = char_device("full", tmp_path)
    line = one_line_error(tuiclust("fit", "blobs", "-o", str(full), cwd=tmp_path))
    assert line == f"tuiclust: cannot write {full}: no space left on the device"
    assert stat.S_ISCHR(os.stat(full).st_mode)


def test_a_fifo_gets_the_csv_and_stays_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "labels.csv"
    os.mkfifo(fifo)
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()), daemon=True)
    reader.start()
    result = tuiclust("fit", "blobs", "-o", str(fifo), cwd=tmp_path)
    reader.join(timeout=60)
    assert result.returncode == 0, result.stderr
    header, *rows = list(csv.reader(io.StringIO(got[0])))
    assert header == ["x1", "x2", "cluster"] and len(rows) == 300
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["labels.csv"]


def test_a_symlink_is_followed_not_replaced(tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old\n")
    (tmp_path / "link.csv").symlink_to("real.csv")
    result = tuiclust("fit", "blobs", "-o", "link.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "link.csv").is_symlink()
    assert real.read_text().startswith("x1,x2,cluster\n")


# ---------------------------------------------------------- standard output
def test_dash_writes_the_csv_to_stdout_and_the_summary_to_stderr(tmp_path: Path) -> None:
    result = tuiclust("fit", "blobs", "--k", "4", "-o", "-", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    header, *rows = list(csv.reader(io.StringIO(result.stdout)))
    assert header == ["x1", "x2", "cluster"] and len(rows) == 300
    assert {row[2] for row in rows} == {"0", "1", "2", "3"}
    assert "clusters found: 4" in result.stderr and "wrote standard output" in result.stderr
    assert list(tmp_path.iterdir()) == []  # no file named "-"


def test_a_reader_that_leaves_early_ends_it_quietly(tmp_path: Path, points: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "tuiclust", "fit", str(points), "--k", "4", "-o", "-"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()  # `| head -1`
    process.stdout.close()
    err = process.stderr.read().decode()
    assert process.wait(timeout=300) == 0
    assert first == b"x,y,cluster\n"
    assert err == ""  # no BrokenPipeError traceback, no summary for a reader that left


def test_the_stdout_descriptor_keeps_the_shells_append(tmp_path: Path) -> None:
    # /dev/fd/1 is /dev/stdout's target; a regression there cannot create a file in /dev.
    log = tmp_path / "log.csv"
    log.write_text("kept\n")
    with open(log, "a") as appended:
        result = tuiclust("fit", "blobs", "-o", "/dev/fd/1", cwd=tmp_path, stdout=appended)
    assert result.returncode == 0, result.stderr
    text = log.read_text()
    assert text.startswith("kept\nx1,x2,cluster\n") and text.count("\n") == 302
    assert "wrote standard output" in result.stderr  # the summary stays out of the CSV


# ------------------------------------------------------------ default names
def test_six_runs_at_once_each_keep_their_own_file(tmp_path: Path) -> None:
    # Each run imports, says it is ready, then waits for "go": the six race for the name together.
    code = """
        import os, sys, time
        from tuiclust.cli.main import main
        import tuiclust.cli.fit, tuiclust.pipeline.run, tuiclust.io.csv_writer
        open(f"ready-{os.getpid()}", "w").close()
        while not os.path.exists("go"):
            time.sleep(0.005)
        sys.exit(main(["fit", "blobs"]))
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(code)],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    for _ in range(6000):  # until all six are ready (or one died): a condition, not a duration
        if len(list(tmp_path.glob("ready-*"))) == 6 or any(run.poll() is not None for run in runs):
            break
        time.sleep(0.05)
    (tmp_path / "go").touch()
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0] * 6, [err for _, err in outputs]
    reported = [
        line.split(" (")[0].removeprefix("wrote ")
        for out, _ in outputs
        for line in out.splitlines()
        if line.startswith("wrote ")
    ]
    assert len(set(reported)) == 6
    files = sorted(str(p) for p in tmp_path.glob("blobs-kmeans-clusters*.csv"))
    assert sorted(reported) == files  # every run's file is there, under the name it reported
    assert all(Path(f).read_text().count("\n") == 301 for f in files)
    assert not list(tmp_path.glob(".*.tmp"))


# ------------------------------------------------------------------ signals
def test_sigterm_while_writing_leaves_no_temporary_file(tmp_path: Path) -> None:
    code = """
        import os, signal, sys
        from tuiclust.io import csv_writer
        csv_writer._ROWS_PER_BLOCK = 10
        real_rows = csv_writer._rows
        def rows(*args):
            for index, text in enumerate(real_rows(*args)):
                if index == 3:
                    os.kill(os.getpid(), signal.SIGTERM)  # midway through the file
                yield text
        csv_writer._rows = rows
        from tuiclust.cli.main import main
        sys.exit(main(["fit", "blobs", "-o", "out.csv"]))
    """
    result = driver(code, cwd=tmp_path)
    assert result.returncode == -signal.SIGTERM, result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # neither a half file nor its temporary


def test_sigterm_after_the_file_is_complete_reports_it(tmp_path: Path) -> None:
    code = """
        import os, signal, sys
        from tuiclust.cli import fit
        def summary(*args):
            os.kill(os.getpid(), signal.SIGTERM)  # the file is written; the summary never comes
        fit._print_summary = summary
        from tuiclust.cli.main import main
        sys.exit(main(["fit", "blobs", "-o", "out.csv"]))
    """
    result = driver(code, cwd=tmp_path)
    assert result.returncode == -signal.SIGTERM
    assert result.stderr.strip() == f"tuiclust: terminated; wrote {tmp_path / 'out.csv'}"
    assert (tmp_path / "out.csv").read_text().count("\n") == 301
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


# ------------------------------------------------------------ long names
@pytest.mark.parametrize(
    "args",
    [
        ["fit", f"{LONG}.csv"],
        ["fit", "blobs", "-o", f"{LONG}.csv"],
        ["fit", "blobs", "-o", f"{LONG}/x.csv"],
        ["record", f"{LONG}.toml", "-o", "x.cast"],
        ["record", "kmeans-basics", "-o", f"{LONG}.cast"],
        ["record", "kmeans-basics", "-o", "x.cast", "--svg", LONG],
        ["play", f"{LONG}.toml"],
        [f"{LONG}.toml"],
        ["--data", f"{LONG}.csv"],
    ],
    ids=["fit-input", "fit-o", "fit-o-folder", "record-scene", "record-o", "record-svg", "play", "scene", "data"],
)
def test_a_300_character_name_is_one_line_anywhere(
    args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    status = main(args)
    err = capsys.readouterr().err
    assert status == 2 and "Traceback" not in err and err.count("\n") == 1, err
    assert LONG not in err and "characters)" in err  # the name is cut in the message, not echoed whole
    assert list(tmp_path.iterdir()) == []


def test_a_valid_250_character_name_is_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = tmp_path / ("b" * 246 + ".csv")
    assert main(["fit", "blobs", "-o", str(name)]) == 0, capsys.readouterr().err
    assert name.read_text().startswith("x1,x2,cluster\n")
    assert f"wrote {name} (300 rows" in capsys.readouterr().out  # the real name, whole


# ----------------------------------------------------------------- progress
def test_progress_starts_after_the_threshold_and_repeats_at_its_interval() -> None:
    now = [100.0]
    stream = io.StringIO()
    progress = Progress(stream, "4,000,000 rows x 2 columns", after=3, every=30, clock=lambda: now[0], ticker=False)
    step = type("Step", (), {"phase": type("P", (), {"label": "Assign"})(), "iteration": 2})()
    now[0] = 104.0
    progress.tick()
    assert stream.getvalue() == "tuiclust: clustering 4,000,000 rows x 2 columns: 4 s, still on the first step\n"
    now[0] = 100.0
    stream = io.StringIO()
    progress = Progress(stream, "4,000,000 rows x 2 columns", after=3, every=30, clock=lambda: now[0], ticker=False)
    for moment in (101.0, 102.9):  # a quick run says nothing
        now[0] = moment
        progress.step(step)
    assert stream.getvalue() == ""
    now[0] = 103.5
    progress.tick()  # between steps: the ticker thread's call
    assert (
        stream.getvalue()
        == "tuiclust: clustering 4,000,000 rows x 2 columns: 3 s, 2 steps done (last: Assign, iteration 2)\n"
    )
    now[0] = 120.0
    progress.step(step)
    assert stream.getvalue().count("\n") == 1  # not due yet
    now[0] = 173.5
    progress.tick()
    assert (
        stream.getvalue().splitlines()[-1].startswith("tuiclust: clustering 4,000,000 rows x 2 columns: 1:13, 3 steps")
    )


def test_on_a_terminal_progress_comes_sooner_and_is_rewritten_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress_module, "AFTER_SECONDS", 3.0)  # the defaults, not the suite's "never"
    monkeypatch.setattr(progress_module, "LOG_AFTER_SECONDS", 30.0)

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    now = [0.0]
    stream = Terminal()
    with Progress(stream, "9 rows x 2 columns", clock=lambda: now[0], ticker=False) as progress:
        now[0] = progress_module.AFTER_SECONDS  # 3 s: someone is waiting at this terminal
        progress.tick()
        now[0] += progress_module.TERMINAL_EVERY_SECONDS
        progress.tick()
    assert stream.getvalue().count("\r\x1b[K") == 2 and stream.getvalue().endswith("still on the first step\n")
    assert progress_module.LOG_AFTER_SECONDS > progress_module.AFTER_SECONDS  # a log waits longer


def test_a_long_fit_shows_progress_on_stderr_only(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(progress_module, "LOG_AFTER_SECONDS", 0.0)  # every run counts as long
    assert main(["fit", "blobs", "-o", "-"]) == 0
    captured = capfd.readouterr()
    assert captured.out.startswith("x1,x2,cluster\n") and "tuiclust: clustering" not in captured.out
    assert "tuiclust: clustering 300 rows x 2 columns: 0 s, 1 step done (last: Initialize" in captured.err


def test_a_quick_fit_prints_no_progress(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fit", "blobs", "-o", str(tmp_path / "o.csv")]) == 0
    assert "clustering" not in capsys.readouterr().err


def test_ctrl_c_after_the_file_is_complete_reports_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tuiclust.cli import fit

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(fit, "_print_summary", interrupted)
    assert main(["fit", "blobs", "-o", str(tmp_path / "out.csv")]) == 130
    assert capsys.readouterr().err == f"tuiclust: interrupted; wrote {tmp_path / 'out.csv'} (300 rows)\n"
    assert (tmp_path / "out.csv").read_text().count("\n") == 301
