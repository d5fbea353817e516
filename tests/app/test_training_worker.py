"""The worker thread: commands run between steps, pause blocks it, results arrive coalesced, stop is prompt."""
import threading

import numpy as np

from app.training.record import Columns, Record
from app.training.worker import Failure, Session


class Counter:
    """An engine that counts its steps and notes which thread ran them."""

    def __init__(self, n=10**9):
        self.i, self.n = 0, n
        self.threads = set()
        self.gate = threading.Event()
        self.gate.set()

    @property
    def done(self):
        return self.i >= self.n

    def begin(self):
        return "begin"

    def step(self):
        self.gate.wait(5)
        self.i += 1
        self.threads.add(threading.get_ident())
        return self.i


def test_results_arrive_in_order_and_in_batches(qtbot):
    session = Session()
    got, batches = [], []
    session.delivered.connect(got.extend)
    session.delivered.connect(batches.append)
    engine = Counter(3000)
    with qtbot.waitSignal(session.ended, timeout=10000) as ended:
        session.start(lambda: engine)
    assert ended.args == ["done"]
    assert got == ["begin", *range(1, 3001)]
    assert threading.get_ident() not in engine.threads  # stepped in the worker thread only
    assert len(batches) < len(got) / 10  # coalesced per frame, not one delivery per step
    assert session.state == "finished" and session.thread is None and session.engine is engine
    assert session.frames == len(batches)


def test_commands_run_between_steps_even_while_paused(qtbot):
    session = Session()
    got = []
    session.delivered.connect(got.extend)
    engine = Counter()
    session.start(lambda: engine, paused=True)
    assert session.state == "paused"
    session.post(lambda e: ("seen at", e.i, threading.get_ident()))
    qtbot.waitUntil(lambda: any(isinstance(g, tuple) for g in got), timeout=2000)
    command = next(g for g in got if isinstance(g, tuple))
    assert command[1] == 0 and command[2] != threading.get_ident()  # paused: no step yet; ran in the worker
    session.resume()
    qtbot.waitUntil(lambda: engine.i > 10, timeout=5000)
    session.stop()
    assert not any(isinstance(g, Failure) for g in got)


def test_a_failing_command_is_reported_and_the_run_goes_on(qtbot):
    session = Session()
    got = []
    session.delivered.connect(got.extend)
    engine = Counter()
    session.start(lambda: engine)
    session.post(lambda e: e.no_such_method())
    qtbot.waitUntil(lambda: any(isinstance(g, Failure) for g in got), timeout=2000)
    failure = next(g for g in got if isinstance(g, Failure))
    assert not failure.fatal and "no_such_method" in failure.message
    step = engine.i
    qtbot.waitUntil(lambda: engine.i > step + 10, timeout=5000)
    session.stop()


def test_a_failing_build_ends_the_run_with_a_message(qtbot):
    session = Session()
    got = []
    session.delivered.connect(got.extend)

    def build():
        raise ValueError("hidden size must be positive")

    with qtbot.waitSignal(session.ended, timeout=5000) as ended:
        session.start(build)
    assert ended.args == ["failed"]
    assert got[-1].fatal and got[-1].message == "hidden size must be positive"


def test_stop_while_a_step_is_blocked_waits_for_that_step_only(qtbot):
    session = Session()
    engine = Counter()
    session.start(lambda: engine)
    qtbot.waitUntil(lambda: engine.i > 5, timeout=5000)
    engine.gate.clear()  # the next step hangs until the gate opens
    thread = session.thread
    threading.Timer(0.05, engine.gate.set).start()
    session.stop()
    assert not thread.isRunning() and session.state == "finished"


def test_a_stale_finished_signal_does_not_end_the_next_run(qtbot):
    session = Session()
    first = Counter()
    session.start(lambda: first)
    qtbot.waitUntil(lambda: first.i > 3, timeout=5000)
    session.stop()  # its queued `finished` arrives after the next run started
    second = Counter()
    session.start(lambda: second)
    qtbot.waitUntil(lambda: second.i > 50, timeout=5000)
    assert session.state == "running" and session.thread.isRunning()
    session.stop()


def test_columns_grow_and_give_views_of_the_filled_part():
    cols = Columns(("a", "b"), capacity=2)
    for i in range(5):
        cols.append({"a": i})
    assert len(cols) == 5
    np.testing.assert_array_equal(cols.col("a"), np.arange(5.0))
    assert np.all(np.isnan(cols.col("b")))  # missing values are NaN
    assert cols.last("a") == 4.0


def test_record_places_events_on_any_x_axis():
    record = Record("r", "run", "#000000")
    for it in range(1, 11):
        record.add_step({"iteration": it, "epoch": it / 10, "examples": 32 * it, "seconds": 0.5 * it})
    record.add_event(4, "SGD → Adam")
    assert record.position(4, "iteration") == 4
    assert record.position(4, "epoch") == 0.4
    assert record.position(4, "examples") == 128
    assert record.versions == {"steps": 10, "evals": 0, "events": 1}
