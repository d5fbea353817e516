"""A run in its own thread: the worker steps an engine; the GUI posts commands and drains results on a timer."""
from __future__ import annotations

import itertools
import queue
import threading
import time
import traceback

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

FRAME_MS = 33  # at most ~30 deliveries per second, however fast the engine steps
MAX_FRAME_MS = 100  # never fewer than 10 frames per second
# Share of one core the GUI thread may spend showing results while training: its Python work (pyqtgraph
# painting included) holds the GIL that the trainer's steps need.
GUI_BUDGET = 0.15

_WAKE = object()  # a command that does nothing but wake a paused worker


class Failure:
    """An exception raised in the worker, as text (crosses threads instead of the exception)."""

    __slots__ = ("details", "fatal", "message")

    def __init__(self, message: str, details: str = "", fatal: bool = True):
        self.message = message
        self.details = details
        self.fatal = fatal

    def __repr__(self):
        return f"Failure({self.message!r})"


class Worker(QObject):
    """Runs `engine = build()`: `engine.begin()`, then `engine.step()` until `engine.done` or abort.

    `build()`, the steps and the commands posted by the GUI all run in the worker thread, commands between steps;
    whatever they return goes to an outbox that the GUI thread drains. Payloads must be immutable or fresh copies.
    """

    finished = Signal(int, str)  # (serial, "done" | "stopped" | "failed")
    _serials = itertools.count(1)

    def __init__(self, build, paused: bool = False):
        super().__init__()
        self.serial = next(self._serials)  # tells a stale queued `finished` from the current run's
        self._build = build
        self._commands: queue.SimpleQueue = queue.SimpleQueue()
        self._abort = threading.Event()
        self._paused = paused
        self._lock = threading.Lock()
        self._outbox: list = []
        self.engine = None  # read by the GUI thread only after the thread has ended

    # -- called from the GUI thread --------------------------------------------------------------------------
    def post(self, command) -> None:
        """Queue `command(engine) -> payload | None`, run between two steps (also while paused)."""
        self._commands.put(command)

    def set_paused(self, paused: bool) -> None:
        self._commands.put(_Pause(paused))

    def abort(self) -> None:
        self._abort.set()
        self._commands.put(_WAKE)

    def drain(self) -> list:
        """Everything produced since the last drain, in order."""
        with self._lock:
            out, self._outbox = self._outbox, []
        return out

    # -- the worker thread ---------------------------------------------------------------------------------
    def _emit(self, payload) -> None:
        """Queue one payload, or each of a list of them."""
        if payload is None or (isinstance(payload, list) and not payload):
            return
        with self._lock:
            if isinstance(payload, list):
                self._outbox.extend(payload)
            else:
                self._outbox.append(payload)

    def _apply(self, engine, block: bool) -> None:
        while not self._abort.is_set():
            try:
                command = self._commands.get(block=block)
            except queue.Empty:
                return
            if isinstance(command, _Pause):
                self._paused = command.paused
            elif command is not _WAKE:
                try:
                    self._emit(command(engine))
                except Exception as exc:  # a refused command (e.g. a bad hyperparameter) leaves the run going
                    self._emit(Failure(_describe(exc), traceback.format_exc(), fatal=False))
            block = self._paused and self._commands.empty()

    @Slot()
    def run(self) -> None:
        reason = "stopped"
        try:
            engine = self.engine = self._build()
            self._emit(engine.begin())
            while not self._abort.is_set():
                self._apply(engine, block=self._paused)
                if self._abort.is_set():
                    break
                if self._paused:
                    continue
                self._emit(engine.step())
                if engine.done:
                    reason = "done"
                    break
        except Exception as exc:  # shown in the GUI; the app keeps working
            self._emit(Failure(_describe(exc), traceback.format_exc()))
            reason = "failed"
        self.finished.emit(self.serial, reason)


class _Pause:
    __slots__ = ("paused",)

    def __init__(self, paused: bool):
        self.paused = paused


def _describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if isinstance(exc, ValueError) else f"{type(exc).__name__}: {text}"


class Pacer:
    """The delivery interval: FRAME_MS while showing results is cheap, longer when the GUI thread would otherwise
    use more than GUI_BUDGET of a core (measured as its CPU time since the previous frame)."""

    def __init__(self, budget: float = GUI_BUDGET, shortest: int = FRAME_MS, longest: int = MAX_FRAME_MS):
        self.budget, self.shortest, self.longest = budget, shortest, longest
        self.interval = float(shortest)
        self._cpu = self._wall = None

    def reset(self) -> None:
        self.interval = float(self.shortest)
        self._cpu = self._wall = None

    def next_interval(self) -> int:
        """Milliseconds until the next frame, from the GUI thread's CPU use since the last call."""
        cpu, wall = time.thread_time(), time.perf_counter()
        if self._cpu is not None and wall > self._wall:
            wanted = 1000.0 * (cpu - self._cpu) / self.budget  # frame length that keeps CPU/wall ≤ budget
            wanted = min(max(wanted, self.shortest), self.longest)
            self.interval = 0.6 * self.interval + 0.4 * wanted
        self._cpu, self._wall = cpu, wall
        return round(self.interval)


class Session(QObject):
    """At most one worker thread at a time; a timer (~33 ms, longer if the GUI would hog the GIL) hands everything
    the worker produced since the last frame to the views in one go.

    States: "idle" (nothing started), "running", "paused", "finished" (the thread has ended).
    """

    delivered = Signal(list)
    state_changed = Signal(str)
    ended = Signal(str)  # the worker's reason, after the last delivery

    def __init__(self, parent=None):
        super().__init__(parent)
        self.thread: QThread | None = None
        self.worker: Worker | None = None
        self.engine = None  # the last run's engine once its thread has ended (safe to use from the GUI)
        self.state = "idle"
        self.pacer = Pacer()
        self.frames = 0  # deliveries so far (for benchmarks)
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self.flush)

    @property
    def alive(self) -> bool:
        return self.thread is not None and self.thread.isRunning()

    def start(self, build, paused: bool = False) -> None:
        """Stop any current run, then run `build()`'s engine in a fresh thread."""
        self.stop()
        self.engine = None
        self.worker = Worker(build, paused=paused)
        self.thread = QThread()
        self.thread.setObjectName("training")
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.finished.connect(self._on_finished)
        self.thread.start()
        self.pacer.reset()
        self._timer.start(self.pacer.shortest)
        self._set_state("paused" if paused else "running")

    def post(self, command) -> bool:
        """Run `command(engine)` between steps; False when no thread is alive to run it."""
        if not self.alive:
            return False
        self.worker.post(command)
        return True

    def pause(self) -> None:
        if self.state == "running":
            self.worker.set_paused(True)
            self._set_state("paused")

    def resume(self) -> None:
        if self.state == "paused":
            self.worker.set_paused(False)
            self._set_state("running")

    def stop(self) -> None:
        """Abort, quit, wait (from the GUI thread); delivers what the run produced before it stopped."""
        if self.thread is None:
            return
        self.worker.abort()
        self.thread.quit()
        self.thread.wait()
        self._finish("stopped")

    def flush(self) -> None:
        """Hand everything produced since the last frame to the views; pace the next frame."""
        if self.worker is None:
            return
        items = self.worker.drain()
        if items:
            self.frames += 1
            self.delivered.emit(items)
        if self._timer.isActive():
            self._timer.setInterval(self.pacer.next_interval())

    @Slot(int, str)
    def _on_finished(self, serial: int, reason: str) -> None:
        if self.worker is None or serial != self.worker.serial:
            return  # queued before stop() had already finished that run
        self.thread.quit()
        self.thread.wait()
        self._finish(reason)

    def _finish(self, reason: str) -> None:
        self._timer.stop()
        self.flush()
        self.engine = self.worker.engine
        self.worker.finished.disconnect(self._on_finished)
        self.worker = self.thread = None  # both are finished; Python owns and frees them
        self._set_state("finished")
        self.ended.emit(reason)

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)
