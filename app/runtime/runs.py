"""One run at a time off the GUI thread: commands in, immutable payloads out, handed to the views once per frame.

Two backends behind one interface (`RunDriver(backend=...)`):

- "thread": a worker QThread in this process, for light work. Cheap to start; shares the GIL with the GUI.
- "process": a worker process ("spawn"), for heavy numeric work (training, searches, slices): a busy GUI costs a
  worker thread ~30 % of its speed through the GIL, a process nothing. Its `build` must be picklable (a module-level
  function or a functools.partial of one) and so must its payloads.

The worker runs `build()` → a core.experiment.Experiment, emits `begin()`, then `step()` until `done`, and then
waits for commands (a finished run can be extended and resumed). Commands run between steps, also while paused:
`post(name, *args)` calls `experiment.name(*args)` there and emits what it returns. Stop and halt are posted too;
for long steps an event inside the driver makes the experiment's `set_interrupt` check raise between layers, so
stop, halt and close return within about 0.2 s. A process that does not answer is terminated. Nothing mutable
is shared between the GUI and a run.
"""
from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import queue
import threading
import traceback
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal

from app.runtime.pacing import FRAME_MS, Pacer
from core.experiment import Interrupted

__all__ = ["BACKENDS", "Failure", "Finished", "RunDriver", "serve"]

BACKENDS = ("thread", "process")
STOP_WAIT_S = 0.2  # what stop() waits for a process before terminating it
_serials = itertools.count(1)


@dataclass(frozen=True)
class Failure:
    """An exception raised in the worker, as text (crosses threads and processes instead of the exception)."""

    message: str
    details: str = ""
    fatal: bool = True


@dataclass(frozen=True)
class Finished:
    """The experiment is done ("done"), was halted mid-step ("halted"), or the worker ended ("stopped", "failed")."""

    reason: str


@dataclass(frozen=True)
class _Call:
    name: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)


@dataclass(frozen=True)
class _Pause:
    paused: bool


@dataclass(frozen=True)
class _Stop:
    pass


def _describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if isinstance(exc, ValueError) else f"{type(exc).__name__}: {text}"


def serve(build, inbox, emit, interrupt, paused: bool = False) -> None:
    """The worker's loop, the same in a thread and in a process.

    `inbox.get(block, timeout)` yields commands; `emit(payload)` sends one payload (lists are sent item by item
    by the caller's side); `interrupt` is an Event the driver sets to cut a long step short.
    """
    try:
        engine = build()
    except Exception as exc:  # shown in the GUI; the app keeps working
        emit(Failure(_describe(exc), traceback.format_exc()))
        emit(Finished("failed"))
        return

    def check():
        if interrupt.is_set():
            raise Interrupted

    if hasattr(engine, "set_interrupt"):
        engine.set_interrupt(check)
    try:
        emit(engine.begin())
        announced = False
        while True:
            idle = paused or engine.done
            if engine.done and not announced:
                emit(Finished("done"))
            announced = engine.done
            try:
                command = inbox.get(block=idle, timeout=None) if idle else inbox.get(block=False)
            except queue.Empty:
                command = None
            if isinstance(command, _Stop):
                emit(Finished("stopped"))
                return
            if isinstance(command, _Pause):
                paused = command.paused
                interrupt.clear()
                continue
            if isinstance(command, _Call):
                try:
                    emit(getattr(engine, command.name)(*command.args, **command.kwargs))
                except Exception as exc:  # a refused command (a bad hyperparameter) leaves the run going
                    emit(Failure(_describe(exc), traceback.format_exc(), fatal=False))
                continue
            try:
                emit(engine.step())
            except Interrupted:
                paused = True
                emit(Finished("halted"))
    except Exception as exc:
        emit(Failure(_describe(exc), traceback.format_exc()))
        emit(Finished("failed"))


class _Thread(QThread):
    """A QThread that runs one function and ends (no event loop)."""

    def __init__(self, target):
        super().__init__()
        self.setObjectName("run")
        self._target = target

    def run(self) -> None:
        self._target()


class _ThreadWorker:
    """serve() in a QThread; its outbox is a list the GUI thread drains under a lock."""

    def __init__(self, build, paused):
        self.inbox: queue.SimpleQueue = queue.SimpleQueue()
        self.interrupt = threading.Event()
        self._lock = threading.Lock()
        self._outbox: list = []
        self._build, self._paused = build, paused
        self.thread = _Thread(self._run)

    def _emit(self, payload) -> None:
        if payload is None or (isinstance(payload, list) and not payload):
            return
        with self._lock:
            self._outbox.extend(payload) if isinstance(payload, list) else self._outbox.append(payload)

    def _run(self) -> None:
        serve(self._build, _Inbox(self.inbox), self._emit, self.interrupt, self._paused)

    def start(self) -> None:
        self.thread.start()

    def put(self, command) -> None:
        self.inbox.put(command)

    def drain(self) -> list:
        with self._lock:
            out, self._outbox = self._outbox, []
        return out

    def alive(self) -> bool:
        return self.thread.isRunning()

    def end(self) -> list:
        self.interrupt.set()
        self.inbox.put(_Stop())
        self.thread.wait()
        return self.drain()


class _Inbox:
    """queue.SimpleQueue with multiprocessing.Queue's get(block, timeout) signature."""

    def __init__(self, q):
        self.q = q

    def get(self, block=True, timeout=None):
        return self.q.get(block=block, timeout=timeout)


def _process_main(build, inbox, outbox, interrupt, paused) -> None:
    def emit(payload):
        if payload is None or (isinstance(payload, list) and not payload):
            return
        outbox.put(payload)

    serve(build, inbox, emit, interrupt, paused)


class _ProcessWorker:
    """serve() in a spawned process; payloads come back through a multiprocessing queue."""

    def __init__(self, build, paused):
        context = multiprocessing.get_context("spawn")
        self.inbox, self.outbox = context.Queue(), context.Queue()
        self.interrupt = context.Event()
        self.process = context.Process(target=_process_main, name="run",
                                       args=(build, self.inbox, self.outbox, self.interrupt, paused), daemon=True)

    def start(self) -> None:
        self.process.start()

    def put(self, command) -> None:
        self.inbox.put(command)

    def drain(self) -> list:
        out = []
        while True:
            try:
                item = self.outbox.get_nowait()
            except (queue.Empty, OSError, ValueError):
                return out
            out.extend(item) if isinstance(item, list) else out.append(item)

    def alive(self) -> bool:
        return self.process.is_alive()

    def end(self) -> list:
        """Stop the process within STOP_WAIT_S, terminating it if it does not answer; returns its last payloads."""
        self.interrupt.set()
        with contextlib.suppress(OSError, ValueError):
            self.inbox.put(_Stop())
        self.process.join(STOP_WAIT_S)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(1.0)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        last = self.drain()
        for q in (self.inbox, self.outbox):
            q.cancel_join_thread()  # never wait on a feeder thread for data nobody will read
            q.close()
        return last


class RunDriver(QObject):
    """At most one worker at a time; a timer (~33 ms, longer when the GUI would hog a core) hands everything the
    worker produced since the last frame to `delivered` in one list.

    States: "idle" (nothing started), "running", "paused", "finished" (the experiment is done; the worker waits
    for commands), "stopped" (no worker: stopped, failed or never built).
    """

    delivered = Signal(list)
    state_changed = Signal(str)
    ended = Signal(str)  # "done" | "halted" | "stopped" | "failed", after the payloads before it

    def __init__(self, backend: str = "thread", parent=None):
        super().__init__(parent)
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
        self.backend = backend
        self.state = "idle"
        self.serial = 0  # which run the payloads belong to
        self.frames = 0  # deliveries so far (for benchmarks)
        self.pacer = Pacer()
        self._worker = None
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self.flush)

    @property
    def alive(self) -> bool:
        """A worker exists (running, paused or finished and waiting)."""
        return self._worker is not None

    def start(self, build, paused: bool = False) -> None:
        """End any current worker, then run `build()`'s experiment in a fresh one."""
        self.stop()
        self.serial = next(_serials)
        worker = _ThreadWorker(build, paused) if self.backend == "thread" else _ProcessWorker(build, paused)
        self._worker = worker
        worker.start()
        self.pacer.reset()
        self._timer.start(self.pacer.shortest)
        self._set_state("paused" if paused else "running")

    def post(self, name: str, *args: Any, **kwargs: Any) -> bool:
        """Call `experiment.name(*args, **kwargs)` between two steps; False when there is no worker."""
        if self._worker is None:
            return False
        self._worker.put(_Call(name, args, kwargs))
        return True

    def pause(self) -> None:
        if self.state == "running":
            self._worker.put(_Pause(True))
            self._set_state("paused")

    def resume(self) -> None:
        """Run again (a finished experiment steps again once it was extended)."""
        if self._worker is not None and self.state in ("paused", "finished"):
            self._worker.interrupt.clear()
            self._worker.put(_Pause(False))
            self._set_state("running")

    def halt(self) -> None:
        """Pause now: a step under way is cut short between layers (the experiment stays, to be resumed)."""
        if self._worker is not None and self.state == "running":
            self._worker.interrupt.set()
            self._worker.put(_Pause(True))
            self._set_state("paused")

    def stop(self) -> None:
        """End the worker (within ~0.2 s) and deliver what it produced before it ended."""
        worker, self._worker = self._worker, None
        if worker is None:
            return
        self._timer.stop()
        items = worker.drain() + worker.end()
        self._deliver([item for item in items if not isinstance(item, Finished)])
        self._set_state("stopped")
        self.ended.emit("stopped")

    def flush(self) -> None:
        """Hand everything produced since the last frame to the views; pace the next frame."""
        worker = self._worker
        if worker is None:
            return
        self._deliver(worker.drain())
        if self._worker is worker and not worker.alive():  # it ended by itself (a failure) or died
            self._worker = None
            self._timer.stop()
            self._deliver(worker.end())
            if self.state != "stopped":
                self._set_state("stopped")
                self.ended.emit("failed")
            return
        if self._timer.isActive():
            self._timer.setInterval(self.pacer.next_interval())

    def _deliver(self, items: list) -> None:
        if not items:
            return
        self.frames += 1
        ends = [item.reason for item in items if isinstance(item, Finished)]
        self.delivered.emit([item for item in items if not isinstance(item, Finished)])
        for reason in ends:
            if reason == "done":
                self._set_state("finished")
            elif reason == "halted":
                self._set_state("paused")
            elif reason == "failed":
                self._release()
            self.ended.emit(reason)

    def _release(self) -> None:
        """The worker reported its end: join it and forget it."""
        worker, self._worker = self._worker, None
        if worker is not None:
            self._timer.stop()
            rest = [item for item in worker.end() if not isinstance(item, Finished)]
            if rest:
                self.delivered.emit(rest)
        self._set_state("stopped")

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)
