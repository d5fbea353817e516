"""Steps per second of each method on a few surfaces, and bytes kept per racer-step (run by hand).

The race walks with Runner.advance (the lean step: no Step object, no picture state); Runner.step also builds
the Step with its picture state, which is what every step cost before the lean walk. Both are measured here,
side by side, and printed as a table and as JSON lines.

    .venv/bin/python tests/benchmarks/bench_paths.py [seconds per cell, default 0.5]
    .venv/bin/python tests/benchmarks/bench_paths.py --against OLD_TREE   # the lean step, this tree vs another

--against times the lean walk of the six first-order methods here and in another checkout (say
`git worktree add /tmp/old 0722ce7`, the last commit before issue 10, whose Runner has only step()), in
alternating fresh processes, and prints the ratio.

Only real steps are timed: a runner that converges, diverges or fails is replaced (untimed) by a fresh one.
Hyperparameters are chosen so that runs last (small learning rates), not to race well.
"""
from __future__ import annotations

import gc
import os
import statistics
import subprocess
import sys
import time
import tracemalloc

from report import emit

import core
from core.paths import ALL_METHODS, Runner
from core.surface_race import SurfaceRace

FIRST_ORDER = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")

SURFACES = ("bowl", "rosenbrock", "himmelblau", "six_hump_camel", "plateau")
HPARAMS = {"sgd": {"lr": 1e-4}, "momentum": {"lr": 1e-5}, "nesterov": {"lr": 1e-5}, "adagrad": {"lr": 1e-3},
           "rmsprop": {"lr": 1e-4}, "adam": {"lr": 1e-4}, "newton": {"line_search": True}, "lbfgs": {}}


def steps_per_second(surface, method: str, seconds: float, lean: bool) -> float:
    steps, elapsed = 0, 0.0
    runner = Runner(surface, method, surface.starts[0], **HPARAMS[method])
    while elapsed < seconds:
        if runner.done:
            runner = Runner(surface, method, surface.starts[0], **HPARAMS[method])
        first = runner.index
        walk = getattr(runner, "advance", runner.step) if lean else runner.step  # an old tree: step() only
        begin = time.perf_counter()
        for _ in range(50):
            walk()
            if runner.done:
                break
        elapsed += time.perf_counter() - begin
        steps += runner.index - first
    return steps / elapsed


def bytes_per_racer_step(steps: int = 5000) -> float:
    lr = {m: {"lr": 1e-4} for m in ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")}
    surface = core.SURFACES["rosenbrock"]
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    race = SurfaceRace(surface, surface.starts[0],
                       lambda m, s, start: Runner(s, m, start, tol=0.0, **lr.get(m, {})), steps)
    for method in ALL_METHODS:
        race.add(method)
    race.advance(steps)
    gc.collect()
    grown = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return grown / sum(track.n for track in race.tracks.values())


def main(seconds: float) -> None:
    surfaces = [core.SURFACES[key] for key in SURFACES]
    print(f"steps per second, lean advance() / step() with picture state ({seconds:g} s per cell)\n")
    print(f"{'method':<10}" + "".join(f"{key:>22}" for key in SURFACES))
    lean_us, full_us = [], []
    for method in ALL_METHODS:
        cells = []
        for surface in surfaces:
            lean, full = (steps_per_second(surface, method, seconds, flag) for flag in (True, False))
            cells.append(f"{lean:,.0f} / {full:,.0f}")
            if method in FIRST_ORDER:
                lean_us.append(1e6 / lean)
                full_us.append(1e6 / full)
        print(f"{method:<10}" + "".join(f"{cell:>22}" for cell in cells))
    emit("first-order step on a surface (lean advance, median of methods × surfaces)", statistics.median(lean_us),
         "µs", peer="the same step building its Step and picture state", peer_value=statistics.median(full_us))
    emit("memory per racer-step kept (8 racers, 5,000 steps, everything the race holds)", bytes_per_racer_step(),
         "B", target=100)


def lean_step_us(seconds: float) -> float:
    """Median µs of one lean first-order step over methods × surfaces (what --against compares)."""
    return statistics.median(1e6 / steps_per_second(core.SURFACES[key], method, seconds, True)
                             for method in FIRST_ORDER for key in SURFACES)


def against(tree: str, rounds: int = 3) -> None:
    here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    code = ("import sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]; "  # that tree's core, this benchmark
            "import bench_paths; print(bench_paths.lean_step_us(0.3))")
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    samples: dict[str, list[float]] = {here: [], tree: []}
    for _ in range(rounds):
        for root in (here, tree):
            out = subprocess.run([sys.executable, "-c", code, root, os.path.dirname(os.path.abspath(__file__))],
                                 capture_output=True, text=True, cwd=root, env=env, check=True)
            samples[root].append(float(out.stdout.split()[-1]))
    new, old = min(samples[here]), min(samples[tree])
    print(f"lean first-order step, median of methods × surfaces: this tree {new:.1f} µs, {tree} {old:.1f} µs "
          f"({old / new:.2f}× less)")
    emit("first-order step on a surface, this tree vs another (lean advance)", new, "µs", peer=tree,
         peer_value=old, ratio=old / new)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--against"]:
        against(sys.argv[2])
    else:
        main(float(sys.argv[1]) if len(sys.argv) > 1 else 0.5)
