"""Steps per second of each method on a few surfaces, and bytes kept per racer-step (run by hand).

The race walks with Runner.advance (the lean step: no Step object, no picture state); Runner.step also builds
the Step with its picture state, which is what every step cost before the lean walk. Both are measured here,
side by side, and printed as a table and as JSON lines.

    .venv/bin/python tests/benchmarks/bench_paths.py [seconds per cell, default 0.5]

Only real steps are timed: a runner that converges, diverges or fails is replaced (untimed) by a fresh one.
Hyperparameters are chosen so that runs last (small learning rates), not to race well.
"""
from __future__ import annotations

import gc
import statistics
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
        walk = runner.advance if lean else runner.step
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


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 0.5)
