"""Optimizer speed: steps per second on a 2-D point, and per-step time on the default MLP's float32 parameters
(784-100-100-100-100-10 weights and biases) against torch.optim on the same shapes, when torch is installed.

Run by hand: .venv/bin/python tests/benchmarks/bench_optim.py [--quick]
"""
from __future__ import annotations

import itertools
import sys
import time

import numpy as np
from report import emit

from core.methods import first_order, get_method, make_optimizer

METHODS = tuple(m.key for m in first_order())

LAYERS = (784, 100, 100, 100, 100, 10)


def mlp_shapes():
    shapes = {}
    for i, (n_in, n_out) in enumerate(itertools.pairwise(LAYERS), start=1):
        shapes[f"W{i}"], shapes[f"b{i}"] = (n_in, n_out), (n_out,)
    return shapes


def timed(fn, steps, repeats=7):
    """Seconds per call of `fn`: the best of `repeats` runs of `steps` calls (after a warm-up run), as timeit
    advises — the minimum is the least disturbed by other processes on the machine."""
    fn()
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(steps):
            fn()
        runs.append((time.perf_counter() - t0) / steps)
    return min(runs)


def bench_point(name, steps, read_last):
    opt = make_optimizer(name, lr=1e-3)
    params = {"xy": np.array([1.0, -1.5])}
    grads = {"xy": np.array([0.3, -0.2])}

    def step():
        opt.step(params, grads)
        if read_last:
            opt.last["xy"]

    return 1.0 / timed(step, steps)


def bench_mlp(name, steps, read_last=False):
    rng = np.random.default_rng(0)
    shapes = mlp_shapes()
    params = {k: (0.05 * rng.standard_normal(s)).astype(np.float32) for k, s in shapes.items()}
    grads = {k: (1e-3 * rng.standard_normal(s)).astype(np.float32) for k, s in shapes.items()}
    opt = make_optimizer(name, lr=1e-4)

    def step():
        opt.step(params, grads)
        if read_last:  # every record of every layer: the worst case
            dict(opt.last)

    return timed(step, steps)


def bench_torch(torch, name, steps, foreach, threads=2):
    method = get_method(name)
    cls, preset = type(method.make()), dict(method.preset)
    rng = np.random.default_rng(0)
    tensors = []
    for s in mlp_shapes().values():
        p = torch.from_numpy((0.05 * rng.standard_normal(s)).astype(np.float32)).requires_grad_()
        p.grad = torch.from_numpy((1e-3 * rng.standard_normal(s)).astype(np.float32))
        tensors.append(p)
    opt = getattr(torch.optim, cls.__name__)(tensors, lr=1e-4, foreach=foreach, **preset)
    torch.set_num_threads(threads)
    try:
        return timed(opt.step, steps)
    finally:
        torch.set_num_threads(2)


def main(quick=False):
    point_steps, mlp_steps = (2000, 50) if quick else (20000, 300)
    try:
        import torch

        torch.set_num_threads(2)
    except ImportError:
        torch = None
    params = sum(int(np.prod(s)) for s in mlp_shapes().values())
    print(f"numpy {np.__version__}" + (f", torch {torch.__version__}" if torch else ", torch not installed"))
    print(f"\n2-D point: steps per second (best of 7 runs of {point_steps})")
    print(f"{'method':<10} {'step':>12} {'step + last':>12}")
    for name in METHODS:
        plain, noisy = bench_point(name, point_steps, False), bench_point(name, point_steps, True)
        print(f"{name:<10} {plain:>12,.0f} {noisy:>12,.0f}")
        emit(f"2-D optimizer step: {name}", 1e6 / plain, "µs")

    print(f"\nMLP {'-'.join(map(str, LAYERS))} float32, {params:,} parameters in 10 arrays: µs per step "
          f"(best of 7 runs of {mlp_steps})")
    print("numpy+last also reads every record of every array; torch runs with 2 threads (set_num_threads(2)),")
    print("'1 thr' with one (2 threads suffer most when other processes share the cores)")
    header = f"{'method':<10} {'numpy':>7} {'numpy+last':>11}"
    if torch:
        header += f" {'torch':>7} {'foreach':>8} {'1 thr':>7} {'numpy/best torch':>17}"
    print(header)
    for name in METHODS:
        ours = bench_mlp(name, mlp_steps)
        row = f"{name:<10} {ours * 1e6:>7.0f} {bench_mlp(name, mlp_steps, True) * 1e6:>11.0f}"
        if torch:
            theirs = [bench_torch(torch, name, mlp_steps, foreach=False),
                      bench_torch(torch, name, mlp_steps, foreach=True),
                      bench_torch(torch, name, mlp_steps, foreach=False, threads=1)]
            row += "".join(f" {t * 1e6:>{w}.0f}" for t, w in zip(theirs, (7, 8, 7), strict=False))
            row += f" {ours / min(theirs):>17.2f}"
            emit(f"MLP optimizer update: {name}", ours * 1e6, "µs", peer="PyTorch CPU, best of its three ways",
                 peer_value=min(theirs) * 1e6)
        else:
            emit(f"MLP optimizer update: {name}", ours * 1e6, "µs")
        print(row)


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
