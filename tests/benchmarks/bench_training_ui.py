"""Training tab benchmark (run by hand, not collected): what the GUI costs the trainer, and how late the GUI gets.

    .venv/bin/python tests/benchmarks/bench_training_ui.py [--iterations 1500] [--repeats 3]

1. Throughput: iterations per second of core's Trainer alone (headless) versus the same run inside the Training
   tab (worker thread, charts redrawn every frame, diagnostics every 0.2 s, predictions when shown).
   Target: the app loses less than 15 %.
2. UI latency: a 16 ms precise QTimer in the GUI thread while training runs; how late each timeout fires.
   Target: p95 under 50 ms.
Runs headless (QT_QPA_PLATFORM=offscreen) unless a display is set. Variants alternate within each repeat (a busy
machine then hurts them alike); the median and the best repeat are reported (the best is what timeit recommends
when other processes add noise); "worker thread, no views" separates what the thread
itself costs from what drawing costs. Set OPENBLAS_NUM_THREADS=1 on small machines: multi-threaded BLAS makes
these small matrix products tens of times slower when cores are busy.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from typing import ClassVar

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen" if not os.environ.get("DISPLAY") else "xcb")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

import numpy as np
from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication

import app.training.tab as tab_module
from app.training import TrainingTab
from app.training.engines import Solo
from app.training.panels import SIDE_PAGES
from core.data import load_mnist
from core.training import TrainConfig, Trainer

CONFIG = dict(hidden=(100, 100, 100, 100), batch_size=64, eval_every=50, optimizer="sgd", hparams={"lr": 0.01})


def headless(data, iterations: int) -> float:
    """Iterations per second of a bare Trainer (construction not timed)."""
    trainer = Trainer(data, TrainConfig(iterations=iterations, **CONFIG))
    start = time.perf_counter()
    while not trainer.done:
        trainer.step()
    return iterations / (time.perf_counter() - start)


class TimedSolo(Solo):
    """Solo that notes when its worker starts stepping and when it is done (written by the worker thread)."""

    marks: ClassVar[dict] = {}

    def begin(self):
        TimedSolo.marks["begin"] = time.perf_counter()
        return super().begin()

    @property
    def done(self):
        finished = self.trainer.done
        if finished and "end" not in TimedSolo.marks:
            TimedSolo.marks["end"] = time.perf_counter()
        return finished


def wait_for(app, condition, timeout: float = 600.0) -> None:
    """Run the event loop (idle between events, not spinning) until `condition()` holds."""
    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(10)
    poll.timeout.connect(lambda: loop.quit() if condition() else None)
    poll.start()
    QTimer.singleShot(int(timeout * 1000), loop.quit)
    if not condition():
        loop.exec()
    poll.stop()
    if not condition():
        raise TimeoutError("benchmark run did not finish")


class Lateness:
    """A 16 ms precise timer in the GUI thread; records how late each timeout came."""

    def __init__(self, interval_ms: int = 16):
        self.interval = interval_ms / 1000
        self.late: list[float] = []
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self._last = None

    def start(self):
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self):
        self.timer.stop()

    def _tick(self):
        now = time.perf_counter()
        self.late.append(max(0.0, now - self._last - self.interval))
        self._last = now


def in_app(app, tab: TrainingTab, iterations: int, side_page: str) -> tuple[float, Lateness, float]:
    """Iterations per second of the same run inside the tab, the GUI timer's lateness, frames per second."""
    tab.reset()
    tab.clear_ghosts()
    tab.side.setCurrentIndex(SIDE_PAGES.index(side_page))
    tab.controls.iterations.setValue(iterations)
    TimedSolo.marks = {}
    lateness = Lateness()
    ended = threading.Event()
    tab.session.ended.connect(lambda *_: ended.set())  # GUI thread: Session lives there
    lateness.start()
    frames, started = tab.session.frames, time.perf_counter()
    tab.start_solo()
    wait_for(app, ended.is_set)
    lateness.stop()
    fps = (tab.session.frames - frames) / (time.perf_counter() - started)
    tab.session.ended.disconnect()
    tab.session.ended.connect(tab._ended)
    marks = TimedSolo.marks
    return iterations / (marks["end"] - marks["begin"]), lateness, fps


def bare_thread(app, data, iterations: int) -> float:
    """The app's worker thread and engine with nothing drawn: what threads alone cost, apart from the views."""
    from app.training.engines import Wants
    from app.training.worker import Session

    wants = Wants()
    wants.diagnostics = wants.predictions = False
    config = TrainConfig(iterations=iterations, **CONFIG)
    session = Session()
    ended = threading.Event()
    session.ended.connect(lambda *_: ended.set())
    session.delivered.connect(lambda items: None)
    TimedSolo.marks = {}
    session.start(lambda: TimedSolo(data, config, wants, "bare"))
    wait_for(app, ended.is_set)
    return iterations / (TimedSolo.marks["end"] - TimedSolo.marks["begin"])


def idle_lateness(app, seconds: float = 2.0) -> Lateness:
    lateness = Lateness()
    lateness.start()
    deadline = time.perf_counter() + seconds
    wait_for(app, lambda: time.perf_counter() > deadline)
    lateness.stop()
    return lateness


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iterations", type=int, default=1500)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    load = os.getloadavg()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    tab_module.Solo = TimedSolo
    data = load_mnist("bundled")
    tab = TrainingTab()
    tab.resize(1400, 900)
    tab.show()
    tab.controls.method.setCurrentIndex(tab.controls.method.findData("sgd"))
    tab.controls.editor.set_values({"lr": 0.01})
    tab.controls.batch_size.setValue(CONFIG["batch_size"])
    tab.controls.eval_every.setValue(CONFIG["eval_every"])

    rows = {"headless": [], "worker thread, no views": [], "app (diagnostics shown)": [],
            "app (predictions shown)": []}
    late = {"app (diagnostics shown)": [], "app (predictions shown)": []}
    fps = {"app (diagnostics shown)": [], "app (predictions shown)": []}
    for _ in range(args.repeats):  # interleaved, so a busy machine hurts every variant alike
        rows["headless"].append(headless(data, args.iterations))
        rows["worker thread, no views"].append(bare_thread(app, data, args.iterations))
        for page, key in (("diagnostics", "app (diagnostics shown)"), ("predictions", "app (predictions shown)")):
            rate, lateness, frames = in_app(app, tab, args.iterations, page)
            rows[key].append(rate)
            late[key].extend(lateness.late)
            fps[key].append(frames)
    idle = idle_lateness(app)
    tab.shutdown()

    base = statistics.median(rows["headless"])
    best_base = max(rows["headless"])
    print(f"\nTraining throughput, 784-100-100-100-100-10 MLP, batch {CONFIG['batch_size']}, SGD, "
          f"{args.iterations} iterations, median of {args.repeats}; BLAS threads: "
          f"{os.environ.get('OPENBLAS_NUM_THREADS', 'default')}")
    print(f"{'variant':<28}{'median it/s':>12}{'vs headless':>13}{'best it/s':>11}{'vs headless':>13}"
          f"{'frames/s':>10}   (target: lose < 15 %)")
    for key, values in rows.items():
        rate, best = statistics.median(values), max(values)
        frames = f"{statistics.median(fps[key]):>10.1f}" if key in fps else f"{'–':>10}"
        print(f"{key:<28}{rate:>12.1f}{(rate / base - 1) * 100:>+12.1f}%{best:>11.1f}"
              f"{(best / best_base - 1) * 100:>+12.1f}%{frames}")
    print("per repeat (it/s): " + "; ".join(f"{k}: " + ", ".join(f"{v:.0f}" for v in vals) for k, vals in rows.items()))
    print(f"\nload average before/after: {load[0]:.1f} / {os.getloadavg()[0]:.1f} (cores: {os.cpu_count()})")
    print("\nGUI latency: 16 ms timer, lateness in ms (target: p95 < 50 ms)")
    print(f"{'while':<28}{'timeouts':>10}{'p50':>8}{'p95':>8}{'max':>8}")
    for key, values in [("idle", idle.late), *late.items()]:
        ms = np.asarray(values) * 1000
        print(f"{key:<28}{len(ms):>10}{np.percentile(ms, 50):>8.1f}{np.percentile(ms, 95):>8.1f}{ms.max():>8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
