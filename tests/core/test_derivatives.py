"""The derivative compiler: exact f, ∇f, ∇²f as numpy and plain-float code, each order compiled once, on first use."""
import threading

import numpy as np
import pytest
import sympy as sp

import core
from core import derivatives
from core.derivatives import Compiled
from core.expr import ExpressionError, X, Y, parse_expression
from core.surfaces import Surface


@pytest.fixture
def lambdified(monkeypatch):
    """The expressions handed to sympy's lambdify, in order."""
    seen = []
    real = sp.lambdify

    def counting(args, expr, **kwargs):
        seen.append(expr)
        return real(args, expr, **kwargs)

    monkeypatch.setattr(derivatives.sp, "lambdify", counting)
    return seen


def test_each_order_is_compiled_when_first_asked_and_only_once(lambdified):
    compiled = Compiled(parse_expression("x^2*y + sin(y)"))
    f = compiled.numpy(0)
    assert len(lambdified) == 2  # f as numpy and as math code, no derivative yet
    assert f(2.0, 0.0) == 0.0 and compiled.floats(0)(1.0, 2.0) == pytest.approx(2 + np.sin(2))
    compiled.numpy(1)
    compiled.numpy(1)
    assert len(lambdified) == 4
    fxx = compiled.numpy(2)(np.array([1.0, 2.0]), 3.0)[1]
    np.testing.assert_allclose(fxx, [6.0, 6.0])  # ∂²(x²y)/∂x² = 2y
    compiled.build()
    assert len(lambdified) == 6


def test_build_gives_every_order_as_sympy_numpy_and_floats():
    built = Compiled(parse_expression("x^3 - 3*x*y^2")).build()
    _f, (_, fx, fy), (_, fxx, fxy, fyy) = built.exprs
    assert sp.simplify(fx - (3 * X**2 - 3 * Y**2)) == 0 and sp.simplify(fy + 6 * X * Y) == 0
    assert sp.simplify(fxx - 6 * X) == 0 and sp.simplify(fxy + 6 * Y) == 0 and sp.simplify(fyy + 6 * X) == 0
    assert built.floats[1](1.0, 1.0) == (-2.0, 0.0, -6.0)
    np.testing.assert_array_equal(built.numpy[2](1.0, 2.0), (-11.0, 6.0, -12.0, -6.0))


def test_a_surface_draws_its_heatmap_before_its_derivatives_exist(lambdified):
    typed = core.get_surface("beale").formula.replace(" ", "")  # not a built-in's text: sympy compiles it
    surface = Surface("beale_copy", "Beale", typed, "classic", (-4.5, 4.5, -4.5, 4.5), ((1, 1.5),))
    surface.grid(16)
    assert len(lambdified) == 2
    np.testing.assert_allclose(surface.gradient(3.0, 0.5), [0.0, 0.0], atol=1e-12)
    assert len(lambdified) == 4


def test_threads_asking_at_once_compile_each_order_once(lambdified):
    compiled = Compiled(parse_expression("exp(-(x^2 + y^2)) * cos(3*x) + y^4"))
    start = threading.Barrier(8)
    results = []

    def ask():
        start.wait()
        results.append(compiled.numpy(2)(0.1, 0.2))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(lambdified) == 2 and len(results) == 8
    assert all(np.array_equal(r, results[0]) for r in results)


def test_an_underivable_expression_fails_when_its_derivative_is_asked():
    u = sp.Function("u")(X)  # an unknown function: its derivative stays a Derivative
    compiled = Compiled(u + Y)
    with pytest.raises(ExpressionError, match="cannot differentiate"):
        compiled.numpy(1)
    with pytest.raises(ExpressionError, match="cannot differentiate"):
        compiled.build()
