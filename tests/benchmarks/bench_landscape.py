"""Landscape tab timings (run by hand, not collected by pytest): .venv/bin/python tests/benchmarks/bench_landscape.py

1. Frame time with all eight racers, 5,000-step trails and every visual aid on: one timer tick (optimizer steps +
   setData on every item) plus the repaint it causes (processEvents delivers the views' update requests and
   they paint synchronously), median and 95th percentile, per speed and mode.
   Target: p95 < 16 ms at 1× (one frame of a 60 Hz display).
2. Launch to the first painted Landscape frame, in a fresh subprocess (Python start, imports, window, surface
   grid, contours, first paint), against a bare PySide6 + pyqtgraph window showing one plot, the two alternated
   in one run. Target: at most 1.5× the bare window.

3. Frame time against trail length: the same frames at 1× with 1,000-, 10,000- and 99,000-step trails (Max
   steps allows 100,000): a frame's cost should not grow with the trail (each frame works on the new points).

`--against OLD_TREE` alternates the frame figures of this tree and another checkout in fresh processes;
`--launch` gives the launch figures only, `--trails` the trail-length figures only.

Runs offscreen (Qt's raster backend, as on a laptop without GPU compositing). Racers run with tol = 0 so none
converges early: every trail but L-BFGS's (which stops at the minimum when its line search can find no lower
point) really is 5,000 points long.
"""
from __future__ import annotations

import contextlib
import math
import os
import statistics
import subprocess
import sys
import time

from report import emit

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

TRAIL = 5000
TRAILS = (1_000, 10_000, 99_000)  # the trail-length figure: up to Max steps' cap, less the frames' own steps
FRAMES = 200
FRAME_S = 0.016  # the frame timer's interval
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

BARE = LAUNCH.replace("""from app.main import build_parser, create_window
app = QApplication(sys.argv[:1])
window = create_window(build_parser().parse_args([]))
view = window.tab("landscape").view.viewport()""", """import numpy as np
import pyqtgraph as pg
app = QApplication(sys.argv[:1])
window = pg.PlotWidget()
window.plot(np.arange(100.0), np.sin(np.arange(100.0) / 10))
view = window.viewport()""")


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def frame_times(tab, app, speed, presentation, trail=TRAIL):
    tab.set_presentation(presentation)
    tab.controller.set_surface("rosenbrock")
    factory = tab.controller.race.factory

    def no_early_stop(method, surface, start):
        runner = factory(method, surface, start)
        runner.tol = 0.0  # keep every racer running so each trail has TRAIL points
        return runner

    from app.landscape.model import MAX_STEPS_LIMIT

    tab.controller.player.set_max_steps(min(trail + 4 * FRAMES * int(max(speed, 1)) + 10, MAX_STEPS_LIMIT))
    tab.controller.race.factory = no_early_stop
    for method in list(tab.controller.race.tracks):
        tab.controller.race.add(method)
    tab.controller.race.advance(trail)
    tab.controller.tuning.select("adam")
    for aid in tab.controller.scene.aids:
        tab.controller.tuning.set_aid(aid, True)
    tab.controller.player.set_speed(speed)
    tab.controller.player.playing = True  # frames are driven by hand below, not by the timer
    tab.controller.player.frames.ticking = True
    tab.controller.player.position = tab.controller.race.head
    tab.controller.player.render()
    app.processEvents()
    def frame():
        """What the frame timer does: the steps owed, then one redraw (processEvents delivers the update
        requests: the views repaint what changed, as in the app), then the rest of the frame's 16 ms."""
        start, start_cpu = time.perf_counter(), time.thread_time()
        tab.controller.player.frames.frame()
        app.processEvents()
        took, took_cpu = time.perf_counter() - start, time.thread_time() - start_cpu
        time.sleep(max(0.0, FRAME_S - took))  # a worker computing ahead gets the frame's time, as in the app
        return took * 1000, took_cpu * 1000

    # A tree that computes fast races ahead in a worker process (app/landscape/ahead.py): frames until its rows
    # come, so that what is measured is the steady state, not the process starting.
    waited = time.perf_counter()
    while not getattr(tab.controller.race, "fed", True) and speed >= 5 and time.perf_counter() - waited < 60:
        frame()
    times, cpu = [], []
    head = tab.controller.race.head
    for _ in range(FRAMES):
        took, took_cpu = frame()
        times.append(took)
        cpu.append(took_cpu)
    tab.controller.player.playing = tab.controller.player.frames.ticking = False
    achieved = (tab.controller.race.head - head) / FRAMES  # steps per frame the 5 ms stepping budget allowed
    lengths = {m: t.n for m, t in tab.controller.race.tracks.items()}
    # A racer may still stop by itself (a second-order one at the minimum): all but one must be long.
    assert sorted(lengths.values())[1] > trail, lengths
    return times, cpu, achieved


FROM_START_STEPS = 20_000  # a race from its start to Max steps, as in class
FROM_START_FRAMES = 400


def from_start_times(tab, app, speed, presentation):
    """A race of eight (none stopping early), all aids on, from step 0 at `speed`: the speed is chosen, a lecturer's
    1.5 s pass, then Play, and FROM_START_FRAMES frames paced as the frame timer paces them. Frame times (wall,
    CPU), steps a frame and how many times a chart took a new x range (each draws it afresh)."""
    c = tab.controller
    tab.set_presentation(presentation)
    c.set_surface("rosenbrock")
    factory = c.race.factory

    def no_early_stop(method, surface, start):
        runner = factory(method, surface, start)
        runner.tol = 0.0
        return runner

    c.race.factory = no_early_stop
    for method in list(c.race.tracks):
        c.race.add(method)
    c.tuning.select("adam")
    for aid in c.scene.aids:
        c.tuning.set_aid(aid, True)
    c.player.set_max_steps(FROM_START_STEPS)
    c.player.set_speed(speed)
    chosen = time.perf_counter()
    while time.perf_counter() - chosen < 1.5:
        app.processEvents()
        time.sleep(0.01)
    ranges = []
    set_x_range = tab.charts.set_x_range
    tab.charts.set_x_range = lambda *a, **k: (lambda changed: (ranges.extend(changed), changed)[1])(
        set_x_range(*a, **k))
    c.player.play()
    c.player.frames.stop()  # driven by hand, as frame_times does
    c.player.playing = c.player.frames.ticking = True
    times, cpu = [], []
    for _ in range(FROM_START_FRAMES):
        start, start_cpu = time.perf_counter(), time.thread_time()
        c.player.frames.frame()
        app.processEvents()
        took, took_cpu = time.perf_counter() - start, time.thread_time() - start_cpu
        times.append(took * 1000)
        cpu.append(took_cpu * 1000)
        time.sleep(max(0.0, FRAME_S - took))
        if not c.player.playing:
            break
    c.player.pause()
    return times, cpu, c.race.head / len(times), len(ranges)


def from_start_once(speed: float, presentation: bool) -> None:
    """The from-start figures as one JSON line (what --against runs in each tree)."""
    import json

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    with landscape_tab(app) as tab:
        times, cpu, achieved, ranges = from_start_times(tab, app, speed, presentation)
    print(json.dumps({"median": statistics.median(times), "p95": percentile(times, 95),
                      "cpu_p95": percentile(cpu, 95), "max": max(times), "steps": achieved, "ranges": ranges}))


@contextlib.contextmanager
def landscape_tab(app):
    """A Landscape tab at 1920×1050, shown, and gone afterwards."""
    from app.landscape import LandscapeTab

    tab = LandscapeTab()
    tab.resize(1920, 1050)
    tab.show()
    app.processEvents()
    try:
        yield tab
    finally:
        tab.shutdown()
        tab.close()
        tab.deleteLater()
        app.processEvents()


def play_default_race(tab, speed, max_steps):
    """All eight racers on Rosenbrock from its first start, playing at `speed`; the controller."""
    c = tab.controller
    c.set_surface("rosenbrock")
    c.player.set_max_steps(max_steps)
    c.player.set_speed(speed)
    c.player.play()
    return c


def achieved_speed(app, speed, frames=120):
    """Steps per frame a default race of all eight racers makes at `speed` (the second-order racers stop at
    the minimum, as in class), driven frame by frame at the frame timer's pace. (Frames back to back, faster
    than the timer ever runs them, would measure how far a worker computing ahead can outrun 60 frames a second,
    not the speed a lecturer sees.)"""
    with landscape_tab(app) as tab:
        c = play_default_race(tab, speed, 3 * frames * int(speed) + 10)
        c.player.frames.timer.stop()  # frames are driven by hand below (processEvents would also deliver its ticks)

        def frame():  # as the frame timer does: the steps owed, the redraw, then the rest of the frame's 16 ms
            start = time.perf_counter()
            c.player.frames.frame()
            app.processEvents()
            time.sleep(max(0.0, FRAME_S - (time.perf_counter() - start)))

        # Frames until a worker computing ahead (app/landscape/ahead.py) sends its rows: the steady state is
        # measured, not the process starting (which the real-frames figure above includes).
        waited = time.perf_counter()
        while not c.race.fed and speed >= 5 and not c.race.finished and time.perf_counter() - waited < 60:
            frame()
        start = c.race.head
        for _ in range(frames):
            frame()
        made = (c.race.head - start) / frames
        racers = len(c.race.tracks)
        c.player.pause()
    return made, racers


def launch_times():
    """(app wall s, bare wall s) per run, alternated so both see the same machine load.

    Both launch as a user's second and later launches do: from compiled bytecode. Every module's is written
    once, by an untimed launch of each, into a fresh cache of this run's own (PYTHONPYCACHEPREFIX), even where
    the environment says not to write any (PYTHONDONTWRITEBYTECODE, set on some machines here): else the app's
    own ~80 modules were compiled at every launch (0.13 s) while pyqtgraph's came compiled from pip."""
    import tempfile

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = []
    with tempfile.TemporaryDirectory(prefix="descent-pyc-") as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        for run in range(LAUNCH_RUNS + 1):
            pair = []
            for script in (LAUNCH, BARE):
                start = time.perf_counter()
                done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=root,
                                      timeout=120, env=env)
                if done.returncode != 0:
                    raise SystemExit(done.stderr)
                pair.append(time.perf_counter() - start)
            if run:  # the first pair wrote the bytecode
                out.append(tuple(pair))
    return out


def launch_report():
    launches = launch_times()
    print()
    print(f"Launch to first painted frame, wall s incl. the interpreter ({LAUNCH_RUNS} fresh processes each)")
    print(f"{'run':>4} {'Descent Lab':>12} {'bare window':>12}")
    for i, (app_s, bare_s) in enumerate(launches, 1):
        print(f"{i:>4} {app_s:>12.3f} {bare_s:>12.3f}")
    paired = statistics.median(a / b for a, b in launches)  # each pair ran back to back: the steadier ratio
    print(f"median of the five paired ratios: {paired:.2f}×")
    emit("launch to first Landscape frame", statistics.median(a for a, _ in launches), "s",
         peer="bare PySide6 + pyqtgraph window, one plot", peer_value=statistics.median(b for _, b in launches),
         paired_ratio=round(paired, 4), target_ratio=1.5)


def real_speed(app, speed, seconds=3.0):
    """Steps per second of a default race of eight played by the app's own frame timer for `seconds` (real
    frames: painting and timer lateness count), and the speed label's text at the end."""
    from PySide6.QtCore import QEventLoop, QTimer

    with landscape_tab(app) as tab:
        c = play_default_race(tab, speed, 100_000)
        start, began = c.race.head, time.perf_counter()
        loop = QEventLoop()
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        loop.exec()
        rate = (c.race.head - start) / (time.perf_counter() - began)
        label = tab.playback.achieved.text()
        c.player.pause()
    return rate, label


def frames_once(speed: float, presentation: bool) -> None:
    """One tab's frame figures as one JSON line (what --against runs in each tree)."""
    import json

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    with landscape_tab(app) as tab:
        times, cpu, achieved = frame_times(tab, app, speed, presentation)
    print(json.dumps({"median": statistics.median(times), "p95": percentile(times, 95),
                      "cpu_p95": percentile(cpu, 95), "max": max(times), "steps": achieved}))


def against(tree: str, rounds: int = 3) -> None:
    """Frames of this tree and another checkout (say `git worktree add /tmp/old 0722ce7`) in alternating fresh
    processes: the other tree's app, this benchmark."""
    import json

    here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    bench = os.path.dirname(os.path.abspath(__file__))
    cases = [("frames_once", False, 1.0), ("frames_once", False, 10.0), ("frames_once", False, 50.0),
             ("frames_once", True, 1.0), ("frames_once", True, 50.0),
             ("from_start_once", False, 50.0), ("from_start_once", True, 50.0)]
    for once, presentation, speed in cases:
        samples: dict[str, list[dict]] = {here: [], tree: []}
        for _ in range(rounds):
            for root in (here, tree):
                code = (f"import sys; sys.path[:0] = [{root!r}, {bench!r}]; import bench_landscape as b; "
                        f"b.{once}({speed!r}, {presentation!r})")
                out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root,
                                     timeout=600, check=True)
                samples[root].append(json.loads(out.stdout.strip().splitlines()[-1]))
        mode = ("projector" if presentation else "normal") + (
            f", from step 0 to {FROM_START_STEPS:,}" if once == "from_start_once" else "")
        for root, label in ((here, "this tree"), (tree, tree)):
            median = statistics.median(s["median"] for s in samples[root])
            p95 = statistics.median(s["p95"] for s in samples[root])
            cpu = statistics.median(s["cpu_p95"] for s in samples[root])
            worst = statistics.median(s.get("max", math.nan) for s in samples[root])
            each = ", ".join(f"{s['median']:.1f}/{s['p95']:.1f}/{s['cpu_p95']:.1f}/{s.get('max', math.nan):.0f}"
                             for s in samples[root])
            steps = statistics.median(s["steps"] for s in samples[root])
            ranges = (f", {statistics.median(s['ranges'] for s in samples[root]):.0f} new chart x ranges"
                      if "ranges" in samples[root][0] else "")
            print(f"{mode} {speed:g}×, {label}: median {median:.1f} ms, p95 {p95:.1f} ms, GUI-thread CPU p95 "
                  f"{cpu:.1f} ms, slowest {worst:.0f} ms, {steps:.1f} steps a frame{ranges} (rounds, median/p95/"
                  f"CPU p95/slowest: {each})")
        emit(f"landscape frame p95 ({mode}, {speed:g}×), this tree vs another",
             statistics.median(s["p95"] for s in samples[here]), "ms", peer=tree,
             peer_value=statistics.median(s["p95"] for s in samples[tree]),
             median=statistics.median(s["median"] for s in samples[here]),
             peer_median=statistics.median(s["median"] for s in samples[tree]))
        emit(f"landscape frame GUI-thread CPU p95 ({mode}, {speed:g}×), this tree vs another",
             statistics.median(s["cpu_p95"] for s in samples[here]), "ms", peer=tree,
             peer_value=statistics.median(s["cpu_p95"] for s in samples[tree]), target=8)
        emit(f"landscape slowest frame ({mode}, {speed:g}×), this tree vs another",
             statistics.median(s["max"] for s in samples[here]), "ms", peer=tree,
             peer_value=statistics.median(s["max"] for s in samples[tree]))
        if "ranges" in samples[here][0]:
            emit(f"landscape new chart x ranges ({mode}, {speed:g}×), this tree vs another",
                 statistics.median(s["ranges"] for s in samples[here]), "ranges", peer=tree,
                 peer_value=statistics.median(s["ranges"] for s in samples[tree]))


def trails_report(app) -> None:
    """Frame time at 1× (normal mode, 8 racers, all aids) against the length of every trail."""
    print()
    print("Frame against trail length, normal 1×, 8 racers, all aids, 200 frames (CPU = this thread's CPU time)")
    print(f"{'trail':>8} {'median ms':>10} {'p95 ms':>8} {'CPU med':>8} {'CPU p95':>8}")
    first = None
    for trail in TRAILS:
        with landscape_tab(app) as tab:
            times, cpu, _ = frame_times(tab, app, 1.0, False, trail)
        row = (statistics.median(times), percentile(times, 95), statistics.median(cpu), percentile(cpu, 95))
        first = first or row
        print(f"{trail:>8,} {row[0]:>10.2f} {row[1]:>8.2f} {row[2]:>8.2f} {row[3]:>8.2f}")
        emit(f"landscape frame CPU median, {trail:,}-step trails (normal 1×)", row[2], "ms",
             peer=f"{TRAILS[0]:,}-step trails", peer_value=first[2], ratio=row[2] / first[2], p95=row[1],
             cpu_p95=row[3], median=row[0])


def main():
    if "--launch" in sys.argv:  # only the launch figures
        launch_report()
        return
    if "--trails" in sys.argv:
        from PySide6.QtWidgets import QApplication

        trails_report(QApplication.instance() or QApplication(sys.argv[:1]))
        return
    if "--against" in sys.argv:
        against(sys.argv[sys.argv.index("--against") + 1])
        return
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    load = os.getloadavg()[0]
    rows = []
    for presentation in (False, True):
        for speed in (1.0, 10.0, 50.0):
            with landscape_tab(app) as tab:
                times, cpu, achieved = frame_times(tab, app, speed, presentation)
            rows.append((("projector" if presentation else "normal"), f"{speed:g}×", statistics.median(times),
                         percentile(times, 95), max(times), statistics.median(cpu), percentile(cpu, 95), achieved))
    print(f"Frame: tick (steps + setData) + the repaint it causes, 8 racers, {TRAIL}-step trails, all aids on (Adam), "
          f"1920×1050, {FRAMES} frames, {os.cpu_count()} CPUs")
    print(f"(load average before: {load:.2f}; CPU = this thread's CPU time, robust to other load)")
    print(f"{'mode':<10} {'speed':>6} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'CPU med':>8} {'CPU p95':>8} "
          f"{'steps/frame':>12}")
    for mode, speed, median, p95, worst, cpu_median, cpu_p95, achieved in rows:
        print(f"{mode:<10} {speed:>6} {median:>10.2f} {p95:>8.2f} {worst:>8.2f} {cpu_median:>8.2f} {cpu_p95:>8.2f} "
              f"{achieved:>12.1f}")
    print(f"From step 0 to {FROM_START_STEPS:,} at 50× (the speed chosen 1.5 s before Play), {FROM_START_FRAMES} "
          f"frames:")
    starts = []
    for presentation in (False, True):
        with landscape_tab(app) as tab:
            times, cpu, achieved_start, ranges = from_start_times(tab, app, 50.0, presentation)
        mode = "projector" if presentation else "normal"
        starts.append((mode, percentile(times, 95), percentile(cpu, 95), max(times), ranges))
        print(f"{mode:<10} median {statistics.median(times):.2f} ms, p95 {percentile(times, 95):.2f} ms, CPU p95 "
              f"{percentile(cpu, 95):.2f} ms, slowest {max(times):.1f} ms, {achieved_start:.1f} steps a frame, "
              f"{ranges} new chart x ranges")
    for mode, p95, cpu_p95, worst, ranges in starts:
        emit(f"landscape frame p95 from step 0 ({mode}, 50×)", p95, "ms", target=8)
        emit(f"landscape frame GUI CPU p95 from step 0 ({mode}, 50×)", cpu_p95, "ms", target=8)
        emit(f"landscape slowest frame from step 0 ({mode}, 50×)", worst, "ms")
        emit(f"landscape new chart x ranges from step 0 ({mode}, 50×)", ranges, "ranges")
    for mode, speed, _median, p95, _worst, _cpu_median, cpu_p95, achieved in rows:
        emit(f"landscape frame p95 ({mode}, {speed})", p95, "ms", target=8)
        emit(f"landscape frame GUI CPU p95 ({mode}, {speed})", cpu_p95, "ms", target=8)
        emit(f"landscape steps per frame, every racer running ({mode}, {speed})", achieved, "steps")
    one = None
    print("\nSteps per second in a default race of eight played by the frame timer (real frames), normal:")
    for speed in (1.0, 10.0, 20.0, 50.0):
        rate, label = real_speed(app, speed)
        one = one or rate
        print(f"  {speed:g}×: {rate:,.0f} steps/s = {rate / one:.1f}× the 1× rate; the label says {label or 'nothing'}")
        emit(f"landscape steps per second at {speed:g}× vs at 1× (real frames)", rate, "steps/s", peer="1×",
             peer_value=one, label=label)
    print("\nSteps per frame in a default race of all eight racers (second-order ones stop at the minimum), normal:")
    for speed in (10.0, 20.0, 50.0):
        made, racers = achieved_speed(app, speed)
        print(f"  {speed:g}×: {made:.1f} steps per frame with {racers} racers")
        emit(f"landscape steps per frame, default race ({speed:g}×)", made, "steps", racers=racers, target=speed)
    trails_report(app)
    launch_report()


if __name__ == "__main__":
    main()
