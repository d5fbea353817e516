"""Steps per second of each method through Runner.step on a few surfaces, printed as a table (run by hand).

    .venv/bin/python tests/benchmarks/bench_paths.py [seconds per cell, default 0.5]

Only real steps are timed: a runner that converges, diverges or fails is replaced (untimed) by a fresh one.
Hyperparameters are chosen so that runs last (small learning rates), not to race well.
"""
from __future__ import annotations

import sys
import time

import core
from core.paths import ALL_METHODS, Runner

SURFACES = ("bowl", "rosenbrock", "himmelblau", "six_hump_camel", "plateau")
HPARAMS = {"sgd": {"lr": 1e-4}, "momentum": {"lr": 1e-5}, "nesterov": {"lr": 1e-5}, "adagrad": {"lr": 1e-3},
           "rmsprop": {"lr": 1e-4}, "adam": {"lr": 1e-4}, "newton": {"line_search": True}, "lbfgs": {}}


def steps_per_second(surface, method: str, seconds: float) -> float:
    steps, elapsed = 0, 0.0
    runner = Runner(surface, method, surface.starts[0], **HPARAMS[method])
    while elapsed < seconds:
        if runner.done:
            runner = Runner(surface, method, surface.starts[0], **HPARAMS[method])
        first = runner.index
        begin = time.perf_counter()
        for _ in range(50):
            if runner.step().status != "running":
                break
        elapsed += time.perf_counter() - begin
        steps += runner.index - first
    return steps / elapsed


def main(seconds: float) -> None:
    surfaces = [core.SURFACES[key] for key in SURFACES]
    print(f"Runner.step() per second ({seconds:g} s per cell)\n")
    print(f"{'method':<10}" + "".join(f"{key:>16}" for key in SURFACES))
    for method in ALL_METHODS:
        rates = [steps_per_second(surface, method, seconds) for surface in surfaces]
        print(f"{method:<10}" + "".join(f"{rate:>16,.0f}" for rate in rates))


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 0.5)
