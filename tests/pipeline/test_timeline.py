"""Timeline: lazy recording, cursor moves, thread safety, and the error slot."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import numpy as np

from tuiclust.core.steps import Phase, Step, frozen_array
from tuiclust.pipeline.timeline import Timeline


def make_steps(count: int, *, fail_after: int | None = None, pulled: list[int] | None = None) -> Iterator[Step]:
    """A hand-made run of ``count`` steps; raise ValueError after ``fail_after`` steps if given."""
    labels = frozen_array(np.zeros(4, dtype=np.int8))
    for i in range(count):
        if fail_after is not None and i == fail_after:
            raise ValueError("component 1 collapsed onto one point")
        if pulled is not None:
            pulled.append(i)
        yield Step(algorithm="kmeans", phase=Phase.ASSIGN, iteration=i, labels=labels, message=f"step {i}")


def test_nothing_is_computed_until_asked():
    pulled: list[int] = []
    timeline = Timeline(make_steps(5, pulled=pulled))
    assert len(timeline) == 0
    assert timeline.current is None
    assert not timeline.finished
    assert pulled == []


def test_compute_ahead_records_in_order_and_finishes():
    timeline = Timeline(make_steps(5))
    assert timeline.compute_ahead(2) == 2
    assert [timeline[i].iteration for i in range(len(timeline))] == [0, 1]
    assert not timeline.finished
    assert timeline.compute_ahead(10) == 3
    assert timeline.finished
    assert timeline.compute_ahead(10) == 0
    assert len(timeline) == 5
    assert timeline.error is None


def test_cursor_moves_and_clamps():
    timeline = Timeline(make_steps(4))
    timeline.compute_all()
    assert timeline.index == 0 and timeline.current.iteration == 0
    assert not timeline.back()
    assert timeline.forward() and timeline.current.iteration == 1
    assert timeline.last() and timeline.index == 3 and timeline.at_last_step
    assert not timeline.forward()
    assert timeline.first() and timeline.index == 0
    assert timeline.seek(99) and timeline.index == 3
    assert timeline.seek(-5) and timeline.index == 0


def test_forward_stops_at_the_last_computed_step_until_more_arrive():
    timeline = Timeline(make_steps(4))
    timeline.compute_ahead(2)
    timeline.last()
    assert timeline.at_end and not timeline.at_last_step
    assert not timeline.forward()
    timeline.compute_ahead(1)
    assert timeline.forward() and timeline.index == 2


def test_stepping_back_returns_the_same_step_object():
    timeline = Timeline(make_steps(12))
    timeline.compute_all()
    timeline.seek(5)
    at_five = timeline.current
    for _ in range(5):
        timeline.forward()
    for _ in range(5):
        timeline.back()
    assert timeline.current is at_five


def test_value_error_keeps_steps_and_records_the_message():
    timeline = Timeline(make_steps(10, fail_after=3))
    timeline.compute_all()
    assert timeline.finished
    assert len(timeline) == 3
    assert timeline.error == "component 1 collapsed onto one point"


def test_compute_ahead_from_a_worker_thread_while_reading():
    timeline = Timeline(make_steps(2_000))
    seen: list[int] = []

    def work() -> None:
        while not timeline.finished:
            timeline.compute_ahead(7)

    worker = threading.Thread(target=work)
    worker.start()
    while worker.is_alive():
        n = len(timeline)
        if n:
            seen.append(timeline[n - 1].iteration)
    worker.join()
    assert len(timeline) == 2_000
    assert [timeline[i].iteration for i in range(2_000)] == list(range(2_000))
    assert seen == sorted(seen)


def test_two_threads_never_run_the_generator_at_once():
    timeline = Timeline(make_steps(500))
    threads = [threading.Thread(target=timeline.compute_all) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [timeline[i].iteration for i in range(len(timeline))] == list(range(500))
    assert timeline.error is None


def test_any_failure_of_the_generator_ends_the_run_with_one_line():
    def steps(error: BaseException) -> Iterator[Step]:
        yield from make_steps(2)
        raise error

    for error, words in (
        (MemoryError("Unable to allocate 9 GiB"), "not enough memory"),
        (ZeroDivisionError("float division by zero\nmore"), "ZeroDivisionError: float division by zero"),
    ):
        timeline = Timeline(steps(error))
        timeline.compute_all()
        assert timeline.finished and len(timeline) == 2
        assert words in timeline.error and "\n" not in timeline.error
