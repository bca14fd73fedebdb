"""Shared helpers for the explorer's Pilot tests."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from contextlib import asynccontextmanager
from types import MappingProxyType
from typing import Any

import pytest

from tuiclust.pipeline.spec import AlgorithmSpec, DataSpec, RunSpec
from tuiclust.ui.app import ExplorerApp


def make_spec(
    algorithm: str = "kmeans",
    source: str = "blobs",
    *,
    seed: int = 0,
    n: int | None = None,
    scale: str = "none",
    **params: Any,
) -> RunSpec:
    """A RunSpec in one line."""
    return RunSpec(
        DataSpec(source, n_samples=n, seed=seed, scale=scale), AlgorithmSpec(algorithm, MappingProxyType(params))
    )


@asynccontextmanager
async def explorer(spec: RunSpec | None = None, *, size: tuple[int, int] = (100, 30), **kwargs: Any):
    """Run the explorer headless with its first run computed; yields (app, pilot)."""
    app = ExplorerApp(spec or RunSpec(), **kwargs)
    async with app.run_test(size=size) as pilot:
        await app.wait_until_computed()
        await pilot.pause()
        yield app, pilot


async def press_and_settle(app: ExplorerApp, pilot: Any, *keys: str) -> None:
    """Press keys, then wait for any new run to be built and computed."""
    await pilot.press(*keys)
    await app.wait_until_computed()
    await pilot.pause()


# Long enough for a loaded, shared machine; a condition that holds returns at once.
GENEROUS_TIMEOUT = 120.0


async def wait_until(condition: Callable[[], bool], *, timeout: float = GENEROUS_TIMEOUT, what: str = "") -> None:
    """Poll ``condition`` until it holds; fail after ``timeout`` seconds (never decides by time alone)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {timeout:.0f} s{': ' + what if what else ''}")
        await asyncio.sleep(0.01)


def notifications(app: ExplorerApp) -> list[str]:
    """Texts of the notifications raised so far."""
    return list(app.told)


@pytest.fixture
def spec_factory():
    return make_spec
