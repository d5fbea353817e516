"""Built-in surfaces: exact derivatives against finite differences, critical points, grids, API shapes."""
import math
import warnings

import numpy as np
import pytest

import core
from core.catalogue import SURFACES, get_surface
from core.expr import ExpressionError, parse_expression
from core.surfaces import CATEGORIES, CriticalPoint, Surface, from_expression

KEYS = list(SURFACES)


@pytest.fixture(autouse=True)
def numpy_warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def random_points(surface, n, seed=0):
    xmin, xmax, ymin, ymax = surface.view
    rng = np.random.default_rng(seed)
    return rng.uniform(xmin, xmax, n), rng.uniform(ymin, ymax, n)


def fd_gradient(f, x, y):
    """Central differences of a scalar function (the reference, never used by the app)."""
    hx, hy = 1e-6 * max(1.0, abs(x)), 1e-6 * max(1.0, abs(y))
    return np.array([(f(x + hx, y) - f(x - hx, y)) / (2 * hx), (f(x, y + hy) - f(x, y - hy)) / (2 * hy)])


def test_catalogue_covers_the_lessons():
    required = {"bowl", "rotated_ravine", "rosenbrock", "saddle", "monkey_saddle", "flat_saddle", "himmelblau",
                "two_wells", "six_hump_camel", "plateau", "beale"}
    assert required <= set(SURFACES)
    assert {s.category for s in SURFACES.values()} == set(CATEGORIES) - {"custom"}
    assert parse_expression(SURFACES["bowl"].formula) == from_expression("x**2/20 + y**2").expr
    assert SURFACES["bowl"].starts[0] == (-7.0, 2.0)
    assert SURFACES["rosenbrock"].log_colors and SURFACES["beale"].log_colors
    assert SURFACES["beale"].starts[0] == (1.0, 1.5)


@pytest.mark.parametrize("key", KEYS)
def test_surface_fields(key):
    s = SURFACES[key]
    assert s.key == key and s.name and s.category in CATEGORIES
    xmin, xmax, ymin, ymax = s.view
    assert all(xmin < sx < xmax and ymin < sy < ymax for sx, sy in s.starts)
    assert s.lesson.endswith(".") and s.lesson.count(". ") == 0, "one sentence"
    assert all(isinstance(p, CriticalPoint) for p in s.critical_points)
    assert s.minima == tuple(p for p in s.critical_points if p.kind == "minimum")
    assert get_surface(key) is s


@pytest.mark.parametrize("key", KEYS)
def test_gradient_matches_finite_differences(key):
    s = SURFACES[key]
    for x, y in zip(*random_points(s, 60), strict=False):
        g = s.gradient(x, y)
        fd = fd_gradient(s.value, x, y)
        scale = 1.0 + abs(s.value(x, y))
        np.testing.assert_allclose(g, fd, rtol=1e-7, atol=1e-8 * scale, err_msg=f"{key} at {(x, y)}")


@pytest.mark.parametrize("key", KEYS)
def test_hessian_matches_finite_differences_of_gradient(key):
    s = SURFACES[key]
    for x, y in zip(*random_points(s, 60, seed=1), strict=False):
        H = s.hessian(x, y)
        fd = np.column_stack([fd_gradient(lambda a, b, i=i: s.gradient(a, b)[i], x, y) for i in range(2)]).T
        scale = 1.0 + np.abs(s.gradient(x, y)).max()
        np.testing.assert_allclose(H, fd, rtol=1e-7, atol=1e-8 * scale, err_msg=f"{key} at {(x, y)}")
        assert H[0, 1] == H[1, 0]


@pytest.mark.parametrize("key", KEYS)
def test_critical_points_are_exact_and_of_their_kind(key):
    s = SURFACES[key]
    assert s.critical_points
    for p in s.critical_points:
        H = s.hessian(p.x, p.y)
        assert np.abs(s.gradient(p.x, p.y)).max() <= 1e-12 * (1 + np.abs(H).max()), p
        eig = np.linalg.eigvalsh(H)
        if np.abs(eig).min() > 1e-9:  # non-degenerate: the Hessian decides
            expected = {"minimum": eig.min() > 0, "maximum": eig.max() < 0, "saddle": eig.min() < 0 < eig.max()}
            assert expected[p.kind], (p, eig)
        # and f around the point agrees (this also covers the monkey saddle, whose Hessian vanishes)
        angles = np.linspace(0, 2 * np.pi, 64, endpoint=False)
        r = 1e-3
        ring = s.value(p.x + r * np.cos(angles), p.y + r * np.sin(angles)) - s.value(p.x, p.y)
        if p.kind == "minimum":
            assert ring.min() > 0, p
        elif p.kind == "maximum":
            assert ring.max() < 0, p
        else:
            assert ring.min() < 0 < ring.max(), p


@pytest.mark.parametrize("key", KEYS)
def test_fmin_is_the_global_minimum(key):
    s = SURFACES[key]
    if s.fmin is None:
        assert not any(p.is_global for p in s.critical_points)
        return
    best = [p for p in s.minima if p.is_global]
    assert best and all(math.isclose(s.value(p.x, p.y), s.fmin, abs_tol=1e-12) for p in best)
    _, _, Z = s.grid(257)
    assert Z.min() >= s.fmin - 1e-12
    assert all(s.value(p.x, p.y) > s.fmin + 1e-9 for p in s.minima if not p.is_global)


@pytest.mark.parametrize("key", KEYS)
def test_scalar_and_array_paths_agree(key):
    s = SURFACES[key]
    xs, ys = random_points(s, 12, seed=2)
    X, Y = xs.reshape(3, 4), ys.reshape(3, 4)
    V, G, H = s.value(X, Y), s.gradient(X, Y), s.hessian(X, Y)
    assert V.shape == (3, 4) and G.shape == (2, 3, 4) and H.shape == (2, 2, 3, 4)
    for i, j in np.ndindex(3, 4):
        v = s.value(float(X[i, j]), float(Y[i, j]))
        assert isinstance(v, float)
        assert v == pytest.approx(V[i, j], rel=1e-12, abs=1e-12)
        np.testing.assert_allclose(s.gradient(X[i, j], Y[i, j]), G[:, i, j], rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(s.hessian(X[i, j], Y[i, j]), H[:, :, i, j], rtol=1e-12, atol=1e-12)
    assert s.gradient(1, 0).shape == (2,) and s.hessian(1, 0).shape == (2, 2)


def test_arrays_broadcast_and_accept_ints_and_lists():
    s = SURFACES["rosenbrock"]
    assert s.value([0, 1], 1).tolist() == [101.0, 0.0]
    assert s.gradient(np.zeros(5), np.zeros((3, 1))).shape == (2, 3, 5)
    assert s.hessian(np.float32(1), np.int64(1)).tolist() == [[802.0, -400.0], [-400.0, 200.0]]


@pytest.mark.parametrize("key", KEYS)
def test_grid_rows_are_y(key):
    s = SURFACES[key]
    view = (s.view[0], s.view[1], s.view[2] / 2, s.view[3])  # not square, so a transpose would show
    xs, ys, Z = s.grid(33, view)
    assert xs.shape == ys.shape == (33,) and Z.shape == (33, 33) and Z.dtype == np.float64
    assert (xs[0], xs[-1], ys[0], ys[-1]) == view
    for i, j in [(0, 32), (32, 0), (5, 17), (20, 3)]:
        assert Z[i, j] == pytest.approx(s.value(xs[j], ys[i]), rel=1e-12, abs=1e-12)
    xs, ys, Z = s.grid()
    assert Z.shape == (512, 512) and (xs[0], xs[-1], ys[0], ys[-1]) == s.view


def test_grid_rejects_bad_sizes_and_views():
    s = SURFACES["bowl"]
    with pytest.raises(ValueError, match="n >= 2"):
        s.grid(1)
    with pytest.raises(ValueError, match="xmin < xmax"):
        s.grid(8, (1, 0, 0, 1))


def test_with_view_changes_only_the_view():
    s = SURFACES["himmelblau"]
    t = s.with_view((-1, 1, -2, 2))
    assert t.view == (-1.0, 1.0, -2.0, 2.0) and s.view == (-5.0, 5.0, -5.0, 5.0)
    assert (t.key, t.formula, t.critical_points, t.starts) == (s.key, s.formula, s.critical_points, s.starts)
    assert t.value(3.0, 2.0) == 0.0
    with pytest.raises(ValueError):
        s.with_view((0, 0, 0, 1))
    with pytest.raises(ValueError):
        s.with_view((0, math.nan, 0, 1))


def test_surfaces_are_immutable():
    with pytest.raises(AttributeError):
        SURFACES["bowl"].view = (0, 1, 0, 1)


def test_get_surface_names_the_choices():
    with pytest.raises(KeyError, match="rosenbrock"):
        get_surface("banana")


def test_critical_points_are_checked_and_hold_floats():
    with pytest.raises(ValueError, match="minimum"):
        CriticalPoint(0, 0, "valley")
    with pytest.raises(ValueError, match="global"):
        CriticalPoint(0, 0, "saddle", is_global=True)
    p = CriticalPoint(1, 2, "maximum")
    assert type(p.x) is float and type(p.y) is float


def test_surface_rejects_bad_fields():
    with pytest.raises(ValueError, match="category"):
        Surface("k", "n", "x", "bumpy", (-1, 1, -1, 1), ((0, 0),))
    with pytest.raises(ValueError, match="start"):
        Surface("k", "n", "x", "custom", (-1, 1, -1, 1), ())


def test_from_expression_makes_a_custom_surface():
    s = from_expression("x^2 + 3*y^2", view=(-2, 4, -1, 1))
    assert (s.key, s.category, s.formula, s.name) == ("custom", "custom", "x^2 + 3*y^2", "x^2 + 3*y^2")
    assert s.view == (-2.0, 4.0, -1.0, 1.0) and s.fmin is None
    assert [(p.x, p.y, p.kind, p.is_global) for p in s.critical_points] == [(0.0, 0.0, "minimum", True)]  # found
    (sx, sy), = s.starts
    assert -2 < sx < 4 and -1 < sy < 1
    assert s.gradient(1.0, 1.0).tolist() == [2.0, 6.0]
    assert s.hessian(0.0, 0.0).tolist() == [[2.0, 0.0], [0.0, 6.0]]
    assert from_expression("x", name="line").name == "line"
    with pytest.raises(ValueError, match="view"):
        from_expression("x", view=(0, 1))


def test_custom_log_colours_follow_steepness():
    assert from_expression("exp(x^2 + y^2)").log_colors
    assert not from_expression("x^2 + y^2").log_colors
    assert not from_expression("sqrt(-1)").log_colors  # all NaN: nothing to colour


def test_public_names_reach_core():
    assert core.SURFACES is SURFACES and core.from_expression is from_expression
    assert core.get_surface("beale") is SURFACES["beale"]


def test_symbolic_work_is_bounded_so_no_formula_takes_seconds():
    import time

    big = "sin(x)*cos(y)*exp(x)*tanh(y)*sin(x*y)*cos(x+y)*exp(y)*tanh(x)*sin(y)*cos(x)*exp(x*y)*tanh(x+y)"
    started = time.perf_counter()
    with pytest.raises(ExpressionError, match="too big to differentiate quickly"):
        from_expression(big)
    assert time.perf_counter() - started < 1.0  # generous: refused in ~0.1 s, before any compiling
    ten = "sin(x)*cos(y)*exp(x)*tanh(y)*sin(x*y)*cos(x+y)*exp(y)*tanh(x)*sin(y)*cos(x)"
    surface = from_expression(ten)  # still accepted
    assert np.all(np.isfinite(surface.hessian(0.3, 0.2)))


@pytest.mark.parametrize("formula, minima", [
    ("x^2 + y^2", [(0, 0)]),
    ("x^4/4 + x^3/3 - x^2 + y^2", [(-2, 0), (1, 0)]),
    ("(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
     [(3, 2), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848127)]),
    ("x^2 - y^2", []),
    ("log(x) + y^2", []),
])
def test_a_typed_surface_knows_its_minima_on_the_view(formula, minima):
    surface = from_expression(formula, view=(-5, 5, -5, 5))
    found = sorted((round(p.x, 5), round(p.y, 5)) for p in surface.critical_points)
    assert found == sorted((round(x, 5), round(y, 5)) for x, y in minima)
    for p in surface.critical_points:
        assert p.kind == "minimum" and np.hypot(*surface.gradient(p.x, p.y)) < 1e-8
    assert sum(p.is_global for p in surface.critical_points) == (1 if minima else 0)


def test_a_preset_start_may_carry_its_own_lesson_other_starts_get_the_surface_s():
    saddle = core.get_surface("saddle")
    assert saddle.lesson_at(saddle.starts[0]) == saddle.start_lessons[0] != saddle.lesson
    assert saddle.lesson_at(saddle.starts[1]) == saddle.lesson  # no lesson of its own
    assert saddle.lesson_at((0.3, 0.7)) == saddle.lesson and saddle.lesson_at(None) == saddle.lesson
    assert all(s.lesson_at(s.starts[0]) for s in core.SURFACES.values())
