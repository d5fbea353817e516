"""The two worker backends of the run driver and the loop they share (see app.runtime.runs).

`serve` is the worker's loop, the same in a thread and in a process; `ThreadWorker` and `ProcessWorker` give the
driver one interface: start, put(command), drain() → payloads, alive(), end() → the last payloads.
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import threading
import time
import traceback
from dataclasses import dataclass, field

from PySide6.QtCore import QThread

from core.experiment import Interrupted

__all__ = ["STOP_WAIT_S", "Call", "Failure", "Finished", "Pause", "ProcessWorker", "Stop", "ThreadWorker", "serve"]

STOP_WAIT_S = 0.05  # what stopping waits for a process to end by itself before terminating it (its work is
# disposable: everything it produced before the stop has been delivered)


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
class Call:
    name: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Pause:
    paused: bool


@dataclass(frozen=True)
class Stop:
    pass


class SharedFlag:
    """An interrupt flag shared with a worker process, read without a lock: `serve` checks it between the layers
    of every update (about twenty times a step), and a multiprocessing Event's `is_set` takes a lock and a
    condition each time (≈ 7 µs: 4 % of a training step). One byte in shared memory; setting it is a single
    store, so a reader sees it set or not, never half of it."""

    def __init__(self, context):
        self._value = context.RawValue("b", 0)

    def set(self) -> None:
        self._value.value = 1

    def clear(self) -> None:
        self._value.value = 0

    def is_set(self) -> bool:
        return bool(self._value.value)


def _describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if isinstance(exc, ValueError) else f"{type(exc).__name__}: {text}"


def serve(build, inbox, emit, interrupt, paused: bool = False) -> None:
    """The worker's loop, the same in a thread and in a process.

    `inbox.get(block, timeout)` yields commands; `emit(payload, step=False)` sends one payload (lists are sent
    item by item by the caller's side; `step=True` marks a step's result, which may wait a moment to travel with
    the next ones); `interrupt` is an Event (or a SharedFlag) the driver sets to cut a long step short. Before it
    waits for a command, the loop calls `emit.flush()` if there is one.
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
            if idle and hasattr(emit, "flush"):
                emit.flush()  # nothing will follow for a while: what is held back goes now
            try:
                command = inbox.get(block=idle, timeout=None) if idle else inbox.get(block=False)
            except queue.Empty:
                command = None
            if isinstance(command, Stop):
                emit(Finished("stopped"))
                return
            if isinstance(command, Pause):
                paused = command.paused
                interrupt.clear()
                continue
            if isinstance(command, Call):
                try:
                    emit(getattr(engine, command.name)(*command.args, **command.kwargs))
                except Exception as exc:  # a refused command (a bad hyperparameter) leaves the run going
                    emit(Failure(_describe(exc), traceback.format_exc(), fatal=False))
                continue
            try:
                emit(engine.step(), step=True)
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


class ThreadWorker:
    """serve() in a QThread; its outbox is a list the GUI thread drains under a lock."""

    def __init__(self, build, paused):
        self.inbox: queue.SimpleQueue = queue.SimpleQueue()
        self.interrupt = threading.Event()
        self._lock = threading.Lock()
        self._outbox: list = []
        self._build, self._paused = build, paused
        self.thread = _Thread(self._run)

    def _emit(self, payload, step: bool = False) -> None:
        if payload is None or (isinstance(payload, list) and not payload):
            return
        with self._lock:
            self._outbox.extend(payload) if isinstance(payload, list) else self._outbox.append(payload)

    def _run(self) -> None:
        serve(self._build, self.inbox, self._emit, self.interrupt, self._paused)

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

    def abandon(self) -> None:
        """After a start that raised: nothing runs."""

    def end(self) -> list:
        self.interrupt.set()
        self.inbox.put(Stop())
        self.thread.wait()
        return self.drain()


PARENT_CHECK_S = 0.5  # how often a worker process checks that the app that started it is still there


def _exit_with_parent() -> None:
    """End this worker process when its parent is gone (killed, say: it could not say Stop), whatever the loop
    is doing; otherwise it would train on, orphaned, for ever."""
    parent = multiprocessing.parent_process()
    while parent is not None and parent.is_alive():
        time.sleep(PARENT_CHECK_S)
    os._exit(0)


BATCH_S = 0.02  # a worker process sends its steps' results at most this long after they were made, in one go


class _Batches:
    """A process's emit: steps' results travel in lists, one put per BATCH_S instead of one per step (each put
    pickles and writes to the pipe, and wakes the GUI to read it);
    anything else (the opening payload, a command's answer, Finished, Failure) goes at once, after them."""

    def __init__(self, outbox):
        self.outbox, self.held, self.since = outbox, [], time.perf_counter()

    def __call__(self, payload, step: bool = False) -> None:
        if payload is None or (isinstance(payload, list) and not payload):
            return
        self.held.extend(payload) if isinstance(payload, list) else self.held.append(payload)
        if not step or time.perf_counter() - self.since >= BATCH_S:
            self.flush()

    def flush(self) -> None:
        if self.held:
            self.outbox.put(self.held)
            self.held = []
        self.since = time.perf_counter()


def _process_main(build, inbox, outbox, interrupt, paused) -> None:
    threading.Thread(target=_exit_with_parent, name="parent watch", daemon=True).start()
    emit = _Batches(outbox)
    try:
        serve(build, inbox, emit, interrupt, paused)
    finally:
        emit.flush()


class ProcessWorker:
    """serve() in a spawned process; payloads come back through a multiprocessing queue."""

    def __init__(self, build, paused):
        context = multiprocessing.get_context("spawn")
        # The outbox is a SimpleQueue: the worker's loop writes each batch itself. A Queue's feeder thread woke
        # for every batch and took the GIL from the training loop between its numpy calls, which cost the loop
        # 8-9 % at a batch per 20 ms (and nothing at one per 200 ms). A full pipe now makes the worker wait for the
        # GUI to read, instead of piling payloads up in its memory.
        self.inbox, self.outbox = context.Queue(), context.SimpleQueue()
        self.interrupt = SharedFlag(context)
        self.process = context.Process(target=_process_main, name="run",
                                       args=(build, self.inbox, self.outbox, self.interrupt, paused), daemon=True)

    def start(self) -> None:
        self.process.start()
        # The process has its own end of the outbox pipe now. Closing ours leaves the process the only writer,
        # so if it dies halfway through sending a payload (killed, terminated by end()), reading gets the end of
        # the file instead of waiting for ever for the rest of the message. This process never puts there.
        self.outbox._writer.close()

    def put(self, command) -> None:
        self.inbox.put(command)

    def drain(self) -> list:
        out = []
        while True:
            try:
                if self.outbox.empty():
                    return out
                item = self.outbox.get()
            except (OSError, EOFError, ValueError):  # EOFError: it died mid-payload (see start)
                return out
            out.extend(item) if isinstance(item, list) else out.append(item)

    def alive(self) -> bool:
        return self.process.is_alive()

    def abandon(self) -> None:
        """After a start that raised (say, a main module that cannot be imported again): close the queues."""
        self._close()

    def _close(self) -> None:
        self.inbox.cancel_join_thread()  # never wait on a feeder thread for data nobody will read
        self.inbox.close()
        self.outbox.close()

    def end(self) -> list:
        """Stop the process within STOP_WAIT_S, terminating it if it does not answer; returns its last payloads."""
        self.interrupt.set()
        with contextlib.suppress(OSError, ValueError):
            self.inbox.put(Stop())
        self.process.join(STOP_WAIT_S)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(1.0)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        last = self.drain()
        self._close()
        return last
