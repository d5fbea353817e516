"""Surface speed: 512×512 grids, scalar value/gradient/Hessian calls, typed formulas (not collected by pytest).

Run: .venv/bin/python tests/benchmarks/bench_surfaces.py [--runs N]
"""
import argparse
import statistics
import time
import timeit

import numpy as np
from report import emit

from core.catalogue import SURFACES
from core.expr import MAX_LENGTH, ExpressionError
from core.surfaces import from_expression

GRID_BUDGET_MS = 20.0

TYPED = {
    "bowl": "x^2 + 10*y^2",
    "gaussian bumps": " + ".join(f"exp(-((x-{i})^2 + (y+{i})^2))" for i in range(-4, 5)),
    "nested 8 deep": "sin(cos(tan(exp(log(sqrt(abs(tanh(x*y))))))))",
    "product of nests": "*".join(["sin(cos(tan(exp(x*y)+y)*x)+y)"] * 5),
    "power tower": "x^y^x^y^x^y^x^y",
}
HOSTILE = ["9**9**9", "10**10**10", "(x+1)**100000", "x**1e9", "(" * 1000, "x+" * (MAX_LENGTH // 2) + "x",
           "__import__('os')", "exp(exp(exp(10)))", "(10**100)**100", "x" + "**x" * 40]


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:8.2f}"


def us(seconds: float) -> str:
    return f"{seconds * 1e6:7.2f}"


def per_call(fn, number: int = 20000) -> float:
    return min(timeit.repeat(fn, number=number, repeat=5)) / number


def main(runs: int) -> None:
    print(f"Built-in surfaces: grid(512) median of {runs} runs; scalar calls per call (best of 5)")
    print(f"{'surface':16} {'compile ms':>10} {'grid ms':>8} {'value µs':>9} {'grad µs':>8} {'hess µs':>8}")
    slow = []
    for key, s in SURFACES.items():
        start = time.perf_counter()
        s.value(0.1, 0.2)  # first call compiles (lazily)
        compile_s = time.perf_counter() - start
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            s.grid(512)
            times.append(time.perf_counter() - start)
        grid = statistics.median(times)
        if grid * 1e3 > GRID_BUDGET_MS:
            slow.append(key)
        x, y = s.starts[0]
        fns = (s.value, s.gradient, s.hessian)
        value, gradient, hessian = (per_call(lambda fn=fn, x=x, y=y: fn(x, y)) for fn in fns)
        print(f"{key:16} {ms(compile_s):>10} {ms(grid):>8} {us(value):>9} {us(gradient):>8} {us(hessian):>8}")
        emit(f"grid(512): {key}", grid * 1e3, "ms", target=GRID_BUDGET_MS)
        emit(f"gradient at a point: {key}", gradient * 1e6, "µs")
    print(f"grid budget {GRID_BUDGET_MS:.0f} ms: " + (f"OVER for {', '.join(slow)}" if slow else "all within"))

    print("\nTyped formulas: from_expression (parse + exact derivatives + compile), then grid(512)")
    for name, text in TYPED.items():
        start = time.perf_counter()
        s = from_expression(text)
        made = time.perf_counter() - start
        start = time.perf_counter()
        s.grid(512)
        print(f"{name:18} len {len(text):3}  build {ms(made)} ms  grid {ms(time.perf_counter() - start)} ms")

    print("\nHostile formulas: time to refuse")
    for text in HOSTILE:
        start = time.perf_counter()
        try:
            from_expression(text)
            verdict = "ACCEPTED"
        except ExpressionError as err:
            verdict = err.message
        print(f"{text[:24]!r:28} {ms(time.perf_counter() - start)} ms  {verdict[:60]}")

    xs = np.linspace(-2, 2, 512)
    X, Y = np.meshgrid(xs, xs)
    s = SURFACES["beale"]
    start = time.perf_counter()
    s.gradient(X, Y), s.hessian(X, Y)
    print(f"\nbeale gradient + Hessian on 512×512 arrays: {ms(time.perf_counter() - start)} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    main(parser.parse_args().runs)
