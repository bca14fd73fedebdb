"""Fixtures for the whole suite."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_progress_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    """A loaded CI machine can make any in-process `fit` last past the progress threshold.

    Its progress line on standard error would then break tests that read
    standard error exactly, by timing alone; tests of the progress report
    pass their own ``after``.
    """
    monkeypatch.setattr("tuiclust.cli.progress.AFTER_SECONDS", float("inf"))
    monkeypatch.setattr("tuiclust.cli.progress.LOG_AFTER_SECONDS", float("inf"))
