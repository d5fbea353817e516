"""Training tab benchmark (run by hand, not collected): what the GUI costs the trainer, and how late the GUI gets.

    .venv/bin/python tests/benchmarks/bench_training_ui.py [--iterations 1500] [--repeats 3]

1. Throughput: iterations per second of core's Trainer alone (headless) versus the same run inside the Training
   tab (a worker process, charts redrawn every frame, diagnostics every 0.5 s, predictions when shown), and the
   run driver alone with nothing drawn, in a thread and in a process. Inside the app a run is timed from its
   first delivered step to its last (the delivery interval, ~33 ms, bounds the error).
2. UI latency: a 16 ms precise QTimer in the GUI thread while training runs; how late each timeout fires.
   Target: p95 under 50 ms.
Runs headless (QT_QPA_PLATFORM=offscreen) unless a display is set. Variants alternate within each repeat (a busy
machine then hurts them alike); the median and the best repeat are reported (the best is what timeit recommends
when other processes add noise); "worker thread, no views" separates what the thread
itself costs from what drawing costs. Set OPENBLAS_NUM_THREADS=1 on small machines: multi-threaded BLAS makes
these small matrix products tens of times slower when cores are busy. Prints one JSON line per figure at the end.
"""
from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the app: one BLAS thread, set before numpy loads
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen" if not os.environ.get("DISPLAY") else "xcb")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

import numpy as np
from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication

from app.runtime.runs import RunDriver
from app.training import TrainingTab
from app.training.engines import Tick, build_solo
from app.training.panels.pages import SIDE_PAGES
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


class Clock:
    """Wall time of the first and the last delivered step of the run a driver runs (GUI thread)."""

    def __init__(self, driver):
        self.first = self.last = None
        self.steps = 0
        self.ended = False
        driver.delivered.connect(self._delivered)
        driver.ended.connect(self._ended)

    def _delivered(self, items):
        ticks = [item for item in items if isinstance(item, Tick)]
        if ticks:
            now = time.perf_counter()
            self.first = self.first or now
            self.last, self.steps = now, self.steps + len(ticks)

    def _ended(self, reason):
        self.ended = reason == "done"

    def rate(self) -> float:
        return (self.steps - 1) / (self.last - self.first)


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
    controller = tab.controller
    controller.reset()
    tab.curves.clear_ghosts()
    tab.side.setCurrentIndex(SIDE_PAGES.index(side_page))
    tab.controls.iterations.setValue(iterations)
    lateness = Lateness()
    clock = Clock(controller.driver)
    lateness.start()
    frames, started = controller.driver.frames, time.perf_counter()
    controller.start_solo()
    wait_for(app, lambda: clock.ended)
    lateness.stop()
    fps = (controller.driver.frames - frames) / (time.perf_counter() - started)
    controller.driver.delivered.disconnect(clock._delivered)
    controller.driver.ended.disconnect(clock._ended)
    return clock.rate(), lateness, fps


def bare(app, data, iterations: int, backend: str) -> float:
    """The run driver and the engine with nothing drawn: what the worker alone costs, apart from the views."""
    config = TrainConfig(iterations=iterations, **CONFIG)
    driver = RunDriver(backend)
    clock = Clock(driver)
    driver.start(functools.partial(build_solo, data, 0, config, "bare"))
    wait_for(app, lambda: clock.ended)
    driver.stop()
    return clock.rate()


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
    data = load_mnist("bundled")
    tab = TrainingTab()
    tab.resize(1400, 900)
    tab.show()
    tab.controls.method.setCurrentIndex(tab.controls.method.findData("sgd"))
    tab.controls.editor.set_values({"lr": 0.01})
    tab.controls._hparams_edited({"lr": 0.01})
    tab.controls.batch_size.setValue(CONFIG["batch_size"])
    tab.controls.eval_every.setValue(CONFIG["eval_every"])

    rows = {"headless": [], "worker thread, no views": [], "worker process, no views": [],
            "app (diagnostics shown)": [], "app (predictions shown)": []}
    late = {"app (diagnostics shown)": [], "app (predictions shown)": []}
    fps = {"app (diagnostics shown)": [], "app (predictions shown)": []}
    for _ in range(args.repeats):  # interleaved, so a busy machine hurts every variant alike
        rows["headless"].append(headless(data, args.iterations))
        rows["worker thread, no views"].append(bare(app, data, args.iterations, "thread"))
        rows["worker process, no views"].append(bare(app, data, args.iterations, "process"))
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
    for key, values in rows.items():
        if key != "headless":
            print(json.dumps({"name": f"training throughput: {key} vs headless", "value": statistics.median(values),
                              "unit": "it/s", "peer": "headless Trainer", "peer_value": base,
                              "ratio": statistics.median(values) / base}))
    for key, values in late.items():
        print(json.dumps({"name": f"GUI timer lateness p95: {key}", "value": float(np.percentile(values, 95)) * 1000,
                          "unit": "ms"}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
