"""The shared runtime: runs off the GUI thread (thread and process backends behind one interface), one redraw per
frame, and the window's navigator."""
import functools
import time

import pytest

from app.runtime.frames import FrameDriver
from app.runtime.navigator import NavigationError, Navigator
from app.runtime.runs import Failure, RunDriver
from tests.app.runtime_toys import Flood, broken, counter

BACKENDS = ("thread", "process")
START_S = 20_000  # ms a spawned process may take to start on a loaded CI machine


@pytest.fixture(params=BACKENDS)
def driver(request, qtbot):
    driver = RunDriver(request.param)
    seen = []
    driver.delivered.connect(seen.extend)
    driver.seen = seen
    yield driver
    driver.stop()


def test_payloads_arrive_in_order_and_the_worker_waits_when_done(qtbot, driver):
    with qtbot.waitSignal(driver.ended, timeout=START_S) as ended:
        driver.start(functools.partial(counter, limit=5))
    assert ended.args == ["done"] and driver.state == "finished" and driver.alive
    assert driver.seen == [("begin", 0), 1, 2, 3, 4, 5]
    driver.post("extend", 2)  # a finished run is extended and resumed: the same experiment goes on
    with qtbot.waitSignal(driver.ended, timeout=START_S):
        driver.resume()
    assert driver.seen[-2:] == [6, 7]


def test_commands_run_between_steps_while_paused_and_failures_do_not_end_the_run(qtbot, driver):
    driver.start(functools.partial(counter, limit=10**9), paused=True)
    driver.post("where")
    driver.post("refuse")
    qtbot.waitUntil(lambda: len(driver.seen) >= 3, timeout=START_S)
    assert driver.seen[0] == ("begin", 0) and driver.seen[1] == ("at", 0)
    failure = driver.seen[2]
    assert isinstance(failure, Failure) and failure.message == "not now" and not failure.fatal
    driver.resume()
    qtbot.waitUntil(lambda: any(isinstance(x, int) and x > 3 for x in driver.seen), timeout=START_S)
    assert driver.state == "running"


def test_a_failing_build_ends_the_run_with_a_message(qtbot, driver):
    with qtbot.waitSignal(driver.ended, timeout=START_S) as ended:
        driver.start(broken)
    assert ended.args == ["failed"] and not driver.alive and driver.state == "stopped"
    assert [f.message for f in driver.seen if isinstance(f, Failure)] == ["cannot build this"]


def test_a_failing_step_is_reported_and_ends_the_run(qtbot, driver):
    with qtbot.waitSignal(driver.ended, timeout=START_S) as ended:
        driver.start(functools.partial(counter, limit=9, fail_at=3))
    assert ended.args == ["failed"] and driver.seen[:3] == [("begin", 0), 1, 2]
    assert "step failed on purpose" in driver.seen[-1].message and not driver.alive


def test_stop_cuts_a_long_step_short(qtbot, driver):
    """A 30 s step that checks between its "layers": stop returns long before it would end (real figure: bench)."""
    driver.start(functools.partial(counter, limit=3, seconds=30.0))
    qtbot.waitUntil(lambda: bool(driver.seen), timeout=START_S)  # the worker is inside its first step
    started = time.perf_counter()
    driver.stop()
    assert time.perf_counter() - started < 2.0
    assert not driver.alive and driver.state == "stopped" and driver.seen == [("begin", 0)]


def test_halt_pauses_mid_step_and_resume_goes_on(qtbot, driver):
    driver.start(functools.partial(counter, limit=2, seconds=30.0))
    qtbot.waitUntil(lambda: bool(driver.seen), timeout=START_S)
    with qtbot.waitSignal(driver.ended, timeout=5000) as ended:
        driver.halt()
    assert ended.args == ["halted"] and driver.state == "paused" and driver.alive
    driver.post("where")
    qtbot.waitUntil(lambda: ("at", 0) in driver.seen, timeout=5000)  # the cut step changed nothing


def test_a_process_that_does_not_answer_is_terminated(qtbot):
    driver = RunDriver("process")
    seen = []
    driver.delivered.connect(seen.extend)
    driver.start(functools.partial(counter, limit=3, seconds=60.0, deaf=True))
    qtbot.waitUntil(lambda: bool(seen), timeout=START_S)
    started = time.perf_counter()
    driver.stop()
    assert time.perf_counter() - started < 3.0 and not driver.alive


def flooding(qtbot) -> RunDriver:
    """A process driver whose worker sends big payloads without end, once the first one has come."""
    driver = RunDriver("process")
    seen = []
    driver.delivered.connect(seen.extend)
    driver.start(Flood)
    qtbot.waitUntil(lambda: bool(seen), timeout=START_S)
    return driver


def test_a_process_killed_halfway_through_a_payload_is_reported_not_waited_for(qtbot):
    """Its half message is never completed: reading it must end (the pipe's end of file), not wait for ever."""
    import os
    import signal

    driver = flooding(qtbot)
    with qtbot.waitSignal(driver.ended, timeout=START_S) as ended:
        os.kill(driver._worker.process.pid, signal.SIGKILL)
    assert ended.args == ["failed"] and not driver.alive and driver.state == "stopped"


def test_stopping_a_process_busy_sending_returns(qtbot):
    driver = flooding(qtbot)
    started = time.perf_counter()
    driver.stop()  # it does not answer in time (it is writing): terminated mid-payload
    assert time.perf_counter() - started < 5.0 and not driver.alive


def test_the_frame_driver_coalesces_requests_into_one_redraw(qtbot):
    drawn = []
    frames = FrameDriver(lambda: drawn.append(1))
    for _ in range(10):
        frames.request()
    with qtbot.waitSignal(frames.rendered, timeout=2000):
        pass
    assert drawn == [1]
    ticks = []
    frames._tick = lambda: ticks.append(1)
    frames.start()
    qtbot.waitUntil(lambda: len(ticks) >= 3, timeout=2000)
    frames.stop()
    assert len(drawn) >= 3


def test_the_navigator_builds_the_owner_tab_and_calls_its_handler():
    shown, built = [], []

    def select(key):  # the window's select_tab: the tab registers its handler when it is first built
        if key not in built:
            built.append(key)
            nav.register("landscape.scene", lambda scene: shown.append(scene))

    nav = Navigator(select=select)
    nav.declare("landscape.scene", "landscape")
    nav.go("landscape.scene", scene="bowl")
    nav.go("landscape.scene", scene="saddle")
    assert shown == ["bowl", "saddle"] and built == ["landscape"]
    with pytest.raises(NavigationError, match=r"nothing can show 'lab\.page'"):
        nav.go("lab.page", page="init")


def test_a_worker_process_ends_when_the_app_that_started_it_is_killed():
    """SIGKILL (or SIGTERM, or a crash) gives the app no chance to say Stop: the worker must not train on."""
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    parent = subprocess.Popen([sys.executable, "-c", """
import functools, sys, time
sys.path.insert(0, "tests/app")
from app.runtime.workers import ProcessWorker
import runtime_toys
worker = ProcessWorker(functools.partial(runtime_toys.counter, limit=10**9, seconds=0.01, deaf=True), False)
worker.start()
print(worker.process.pid, flush=True)
time.sleep(120)
"""], cwd=Path(__file__).resolve().parents[2], stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    try:
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.kill(child, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)  # polling another process's exit (not a GUI test)
        else:
            raise AssertionError("the worker outlived the app by 10 s")
    finally:
        with __import__("contextlib").suppress(ProcessLookupError):
            os.kill(child, signal.SIGKILL)
        parent.stdout.close()


def test_a_worker_process_sends_its_steps_in_batches_and_holds_nothing_back_when_it_waits(monkeypatch):
    """One put per batch, not per step (a put per step costs the training loop ~15 % in a process); anything
    that is not a step's result goes at once, after the steps before it; nothing is held while the loop waits."""
    import queue
    import threading

    from app.runtime import workers
    from app.runtime.workers import Finished, Stop, _Batches, serve
    from tests.app.runtime_toys import Counter

    monkeypatch.setattr(workers, "BATCH_S", 3600.0)  # only what is not a step, or a wait, sends a batch here
    sent: list = []

    class Outbox:
        def put(self, batch):
            sent.append(list(batch))

    class Inbox:
        """Nothing while the loop runs; Stop once it waits (it waits only when done or paused)."""
        def get(self, block, timeout=None):
            if not block:
                raise queue.Empty
            sent.append("waits")
            return Stop()

    emit = _Batches(Outbox())
    serve(lambda: Counter(limit=3), Inbox(), emit, threading.Event())
    assert sent == [[("begin", 0)], [1, 2, 3, Finished("done")], "waits", [Finished("stopped")]]
    emit(4, step=True)
    assert len(sent) == 4  # a fresh step waits for company...
    monkeypatch.setattr(workers, "BATCH_S", 0.0)
    emit(5, step=True)
    assert sent[4] == [4, 5]  # ...for at most BATCH_S
    monkeypatch.setattr(workers, "BATCH_S", 3600.0)

    class PausingInbox(Inbox):
        """Pause after the first step: the loop then waits with that step's result held, unless it flushes."""
        asked = 0

        def get(self, block, timeout=None):
            if not block:
                self.asked += 1
                if self.asked == 2:
                    return workers.Pause(True)
            return super().get(block, timeout)

    sent.clear()
    serve(lambda: Counter(limit=3), PausingInbox(), _Batches(Outbox()), threading.Event())
    assert sent == [[("begin", 0)], [1], "waits", [Finished("stopped")]]
