"""Landscape tab timings (run by hand, not collected by pytest): .venv/bin/python tests/benchmarks/bench_landscape.py

1. Frame time with all eight racers, 5,000-step trails and every visual aid on: one timer tick (optimizer steps +
   setData on every item) plus the repaint it causes (processEvents delivers the views' update requests and
   they paint synchronously), median and 95th percentile, per speed and mode.
   Target: p95 < 16 ms at 1× (one frame of a 60 Hz display).
2. Launch to the first painted Landscape frame, in a fresh subprocess (Python start, imports, window, surface
   grid, contours, first paint). Target: < 1.5 s on a 2-core machine.

Runs offscreen (Qt's raster backend, as on a laptop without GPU compositing). Racers run with tol = 0 so none
converges early: every trail but L-BFGS's (which stops at the minimum when its line search can find no lower
point) really is 5,000 points long.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

TRAIL = 5000
FRAMES = 200
LAUNCH_RUNS = 5

LAUNCH = r"""
import time
t0 = time.perf_counter()
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication
from app.main import build_parser, create_window
app = QApplication(sys.argv[:1])
window = create_window(build_parser().parse_args([]))
view = window.tab("landscape").view.viewport()


def painted():
    print(f"{time.perf_counter() - t0:.4f}", flush=True)
    app.quit()


class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and not hasattr(self, "seen"):
            self.seen = True
            QTimer.singleShot(0, painted)  # after the paint event has been handled
        return False


probe = FirstPaint()
view.installEventFilter(probe)
window.show()
app.exec()
"""


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def frame_times(tab, app, speed, presentation):
    tab.set_presentation(presentation)
    tab.controller.set_surface("rosenbrock")
    factory = tab.controller.race.factory

    def no_early_stop(method, surface, start):
        runner = factory(method, surface, start)
        runner.tol = 0.0  # keep every racer running so each trail has TRAIL points
        return runner

    tab.controller.player.set_max_steps(TRAIL + FRAMES * int(max(speed, 1)) + 10)
    tab.controller.race.factory = no_early_stop
    for method in list(tab.controller.race.tracks):
        tab.controller.race.add(method)
    tab.controller.race.advance(TRAIL)
    tab.controller.tuning.select("adam")
    for aid in tab.controller.scene.aids:
        tab.controller.tuning.set_aid(aid, True)
    tab.controller.player.set_speed(speed)
    tab.controller.player.playing = True  # frames are driven by hand below, not by the timer
    tab.controller.player.frames.ticking = True
    tab.controller.player.position = tab.controller.race.head
    tab.controller.player.render()
    app.processEvents()
    times, cpu = [], []
    for _ in range(FRAMES):
        start, start_cpu = time.perf_counter(), time.thread_time()
        tab.controller.player.frames.frame()  # what the frame timer does: the steps owed, then one redraw
        app.processEvents()  # delivers the update requests: the views repaint what changed, as in the app
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - start_cpu) * 1000)
    tab.controller.player.playing = tab.controller.player.frames.ticking = False
    lengths = {m: t.n for m, t in tab.controller.race.tracks.items()}
    # L-BFGS stops by itself once its line search finds no lower point at the minimum (float resolution).
    assert sorted(lengths.values())[1] > TRAIL, lengths
    return times, cpu


def launch_times():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = []
    for _ in range(LAUNCH_RUNS):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", LAUNCH], capture_output=True, text=True, cwd=root, timeout=120)
        total = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(done.stderr)
        out.append((total, float(done.stdout.strip().splitlines()[-1])))
    return out


def main():
    from PySide6.QtWidgets import QApplication

    from app.landscape import LandscapeTab

    app = QApplication.instance() or QApplication(sys.argv[:1])
    load = os.getloadavg()[0]
    rows = []
    for presentation in (False, True):
        for speed in (1.0, 10.0, 50.0):
            tab = LandscapeTab()
            tab.resize(1920, 1050)
            tab.show()
            app.processEvents()
            times, cpu = frame_times(tab, app, speed, presentation)
            rows.append((("projector" if presentation else "normal"), f"{speed:g}×", statistics.median(times),
                         percentile(times, 95), max(times), statistics.median(cpu), percentile(cpu, 95)))
            tab.shutdown()
            tab.close()
            tab.deleteLater()
            app.processEvents()
    print(f"Frame: tick (steps + setData) + the repaint it causes, 8 racers, {TRAIL}-step trails, all aids on (Adam), "
          f"1920×1050, {FRAMES} frames, {os.cpu_count()} CPUs")
    print(f"(load average before: {load:.2f}; CPU = this thread's CPU time, robust to other load)")
    print(f"{'mode':<10} {'speed':>6} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'CPU med':>8} {'CPU p95':>8}")
    for mode, speed, median, p95, worst, cpu_median, cpu_p95 in rows:
        print(f"{mode:<10} {speed:>6} {median:>10.2f} {p95:>8.2f} {worst:>8.2f} {cpu_median:>8.2f} {cpu_p95:>8.2f}")
    launches = launch_times()
    print()
    print(f"Launch to first painted Landscape frame ({LAUNCH_RUNS} fresh processes)")
    print(f"{'run':>4} {'wall s (incl. interpreter)':>27} {'in-process s':>13}")
    for i, (total, inside) in enumerate(launches, 1):
        print(f"{i:>4} {total:>27.3f} {inside:>13.3f}")
    print(f"median wall {statistics.median(t for t, _ in launches):.3f} s (target < 1.5 s)")


if __name__ == "__main__":
    main()
