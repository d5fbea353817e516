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

import itertools
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from app.runtime.pacing import FRAME_MS, Pacer
from app.runtime.workers import Call, Failure, Finished, Pause, ProcessWorker, ThreadWorker, serve

__all__ = ["BACKENDS", "Failure", "Finished", "RunDriver", "serve"]

BACKENDS = ("thread", "process")
_serials = itertools.count(1)


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
        worker = ThreadWorker(build, paused) if self.backend == "thread" else ProcessWorker(build, paused)
        try:
            worker.start()
        except BaseException:
            worker.abandon()  # nothing started: nothing to stop, its queues are closed
            raise
        self._worker = worker
        self.pacer.reset()
        self._timer.start(self.pacer.shortest)
        self._set_state("paused" if paused else "running")

    def post(self, name: str, *args: Any, **kwargs: Any) -> bool:
        """Call `experiment.name(*args, **kwargs)` between two steps; False when there is no worker."""
        if self._worker is None:
            return False
        self._worker.put(Call(name, args, kwargs))
        return True

    def pause(self) -> None:
        if self.state == "running":
            self._worker.put(Pause(True))
            self._set_state("paused")

    def resume(self) -> None:
        """Run again (a finished experiment steps again once it was extended)."""
        if self._worker is not None and self.state in ("paused", "finished"):
            self._worker.interrupt.clear()
            self._worker.put(Pause(False))
            self._set_state("running")

    def halt(self) -> None:
        """Pause now: a step under way is cut short between layers (the experiment stays, to be resumed)."""
        if self._worker is not None and self.state == "running":
            self._worker.interrupt.set()
            self._worker.put(Pause(True))
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
