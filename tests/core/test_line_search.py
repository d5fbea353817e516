"""Line searches: strong Wolfe (bracketing + zoom) on one-dimensional functions, and Armijo backtracking."""
import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import core
from core.line_search import LineSearch, backtracking, strong_wolfe


@settings(max_examples=100, deadline=None)
@given(st.floats(0.05, 50.0), st.floats(-3.0, 3.0), st.floats(1e-3, 100.0), st.floats(0.0, 2.0))
def test_strong_wolfe_finds_a_wolfe_point_on_one_dimensional_functions(scale, shift, t0, wiggle):
    def phi(t):  # convex along t plus a bounded wiggle (so possibly several local minima)
        f = scale * (t - 4.0 - shift) ** 2 + wiggle * np.sin(t)
        df = 2 * scale * (t - 4.0 - shift) + wiggle * np.cos(t)
        return f, np.array([df]), df

    f0, _, d0 = phi(0.0)
    assume(d0 < -1e-3)  # the search needs a descent direction
    ls = strong_wolfe(phi, f0, d0, t0, max_evals=40)
    assert ls.wolfe, ls
    f, _, df = phi(ls.t)
    assert f <= f0 + 1e-4 * ls.t * d0 and abs(df) <= 0.9 * abs(d0)
    assert ls.trials[-1] == ls.t


def test_strong_wolfe_extrapolates_to_the_far_bound_while_the_line_bends_down():
    # Near a saddle the line can be concave for a long way, each slope steeper than the last: the cubic through two
    # trials then has no minimum ahead (for a parabola it degenerates, and rounding picked either bound). Taking
    # the near bound (t + 1.1·Δ) spent all 25 evaluations on L-BFGS's step near Himmelblau's saddle (m = 1, from
    # (0, -0.796)) without reaching the Wolfe point; here the line is a concave parabola up to t = 100.
    k = 0.201 / (3 * 900 ** 2)

    def phi(t):
        u = max(t - 100.0, 0.0)
        return -1e-3 * t - 1e-4 * t * t + k * u ** 3, np.array([0.0]), -1e-3 - 2e-4 * t + 3 * k * u * u

    f0, _, d0 = phi(0.0)
    ls = strong_wolfe(phi, f0, d0, 1.0)
    assert ls.trials[:4] == [1.0, 5.0, 21.0, 85.0]  # t + 4·Δ each time
    assert ls.wolfe, ls
    assert abs(ls.t - 1000) < 1


def test_strong_wolfe_never_accepts_nan():
    def phi(t):  # undefined beyond t = 1: the search must come back
        return (np.nan, np.array([np.nan]), np.nan) if t > 1 else ((t - 0.8) ** 2, np.array([0.0]), 2 * (t - 0.8))

    ls = strong_wolfe(phi, 0.64, -1.6, 5.0)
    assert np.isfinite(ls.f) and 0 < ls.t <= 1


def test_backtracking_halves_until_armijos_condition_holds():
    calls = []

    def phi(t):  # f = (t − 1.5)², f(0) = 2.25, f′(0) = −3: f(8), f(4) > f(0); f(2) = 0.25 decreases enough
        calls.append(t)
        return (t - 1.5) ** 2

    ls = backtracking(phi, 2.25, -3.0, 8.0)
    assert ls.t == 2.0 and ls.f == 0.25 and ls.trials == [8.0, 4.0, 2.0] == calls
    strict = backtracking(phi, 2.25, -3.0, 8.0, c1=0.45)  # f(2) = 0.25 > 2.25 − 0.45·2·3: one more halving
    assert strict.t == 1.0


def test_backtracking_gives_up_with_t_zero_and_counts_every_trial():
    ls = backtracking(lambda t: np.nan, 1.0, -1.0, 1.0, max_evals=5)
    assert ls.t == 0.0 and ls.f == 1.0 and ls.trials == [1.0, 0.5, 0.25, 0.125, 0.0625]


def test_line_searches_are_reachable_from_core():
    assert core.strong_wolfe is strong_wolfe
    assert core.LineSearch is LineSearch
