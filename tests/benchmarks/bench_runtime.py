"""Run driver benchmark (run by hand, not collected): how long stop, halt and close take while a step is under way.

    .venv/bin/python tests/benchmarks/bench_runtime.py [--repeats 5]

A toy experiment spins 30 s per step, calling the driver's check between its "layers" every millisecond (like the
MLP between layers), or ignoring it (a deaf process, which must be terminated). A real training step with
4096-wide layers is measured too. Target (issue 8): stop, halt and close return within 0.2 s. One JSON line per
figure at the end.
"""
from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from app.runtime.runs import RunDriver
from app.training.engines import build_solo
from core.training import TrainConfig
from tests.app.runtime_toys import counter


def wait(app, condition, timeout=60.0):
    loop, poll = QEventLoop(), QTimer()
    poll.setInterval(5)
    poll.timeout.connect(lambda: loop.quit() if condition() else None)
    poll.start()
    QTimer.singleShot(int(timeout * 1000), loop.quit)
    if not condition():
        loop.exec()
    poll.stop()


def measure(app, backend, build, action) -> float:
    driver = RunDriver(backend)
    seen = []
    driver.delivered.connect(seen.extend)
    driver.start(build)
    wait(app, lambda: bool(seen))  # the opening payload: the worker is inside its first step now
    wait(app, lambda: False, timeout=0.3)
    start = time.perf_counter()
    getattr(driver, action)()
    elapsed = time.perf_counter() - start
    driver.stop()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from core.data import load_mnist

    data = load_mnist("bundled")
    wide = TrainConfig(hidden=(4096, 4096, 4096), batch_size=256, eval_every=10**6, iterations=10**6)
    cases = {
        "stop, thread, 30 s step checked between layers": ("thread", functools.partial(counter, seconds=30.0), "stop"),
        "stop, process, 30 s step checked between layers": ("process", functools.partial(counter, seconds=30.0),
                                                            "stop"),
        "stop, process, deaf 30 s step (terminated)": ("process", functools.partial(counter, seconds=30.0, deaf=True),
                                                       "stop"),
        "stop, process, MLP 784-4096-4096-4096-10 step": ("process", functools.partial(build_solo, data, 0, wide,
                                                                                        "wide"), "stop"),
    }
    results = {}
    for name, (backend, build, action) in cases.items():
        results[name] = [measure(app, backend, build, action) for _ in range(args.repeats)]
        print(f"{name:<52} median {statistics.median(results[name]) * 1000:7.1f} ms, "
              f"max {max(results[name]) * 1000:7.1f} ms")
    for name, values in results.items():
        print(json.dumps({"name": name, "value": statistics.median(values) * 1000, "unit": "ms",
                          "max": max(values) * 1000, "target": 200}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
