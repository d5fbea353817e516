"""Newton and L-BFGS against small exact oracles, SciPy's L-BFGS-B, and the Wolfe conditions themselves."""
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize

import core
from core.optim import LBFGS, Newton
from core.oracle import Oracle
from core.quadratic import QuadraticModel


class Quadratic:
    """f(p) = ½ (p − c)ᵀ A (p − c) + f0 with exact derivatives, for scalars and arrays: a tiny surface oracle."""

    view = (-3.0, 3.0, -3.0, 3.0)

    def __init__(self, a, c=(0.0, 0.0), f0=0.0):
        self.a, self.c, self.f0 = np.asarray(a, dtype=float), np.asarray(c, dtype=float), f0

    def value(self, x, y):
        dx, dy = x - self.c[0], y - self.c[1]
        (a, b), (_, d) = self.a
        return self.f0 + 0.5 * (a * dx * dx + 2 * b * dx * dy + d * dy * dy)

    def gradient(self, x, y):
        dx, dy = x - self.c[0], y - self.c[1]
        return np.array([self.a[0, 0] * dx + self.a[0, 1] * dy, self.a[1, 0] * dx + self.a[1, 1] * dy])

    def hessian(self, x, y):
        return self.a.copy()


class Rosenbrock:
    view = (-2.0, 2.0, -1.0, 3.0)

    def value(self, x, y):
        return (1 - x) ** 2 + 100 * (y - x * x) ** 2

    def gradient(self, x, y):
        return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])

    def hessian(self, x, y):
        return np.array([[2 - 400 * (y - x * x) + 800 * x * x, -400 * x], [-400 * x, 200.0]])


ROSEN_START = np.array([-1.2, 1.0])
coord = st.floats(-2.0, 2.0)


@st.composite
def spd_quadratics(draw):
    """Random SPD A (condition number ≤ 1e4), centre and start."""
    angle = draw(st.floats(0.0, np.pi))
    lo, ratio = draw(st.floats(1e-2, 10.0)), draw(st.floats(1.0, 1e4))
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    a = rot @ np.diag([lo, lo * ratio]) @ rot.T
    return Quadratic(a, (draw(coord), draw(coord)), draw(st.floats(-5, 5))), np.array([draw(coord), draw(coord)])


def lbfgs_until(surface, start, tol=1e-8, max_steps=200, **hparams):
    """(points, infos, oracle) of L-BFGS until ‖∇f‖ < tol."""
    method, oracle, p = LBFGS(**hparams), Oracle(surface), np.array(start, dtype=float)
    points, infos = [p], []
    for _ in range(max_steps):
        if np.linalg.norm(surface.gradient(*p)) < tol:
            break
        p, info = method.step(p, oracle)
        assert "failure" not in info, info["failure"]
        points.append(p)
        infos.append(info)
    return np.array(points), infos, oracle


# ── Newton ──────────────────────────────────────────────────────────────────────────────────────────────────


@settings(max_examples=60, deadline=None)
@given(spd_quadratics())
def test_newton_solves_a_positive_definite_quadratic_in_one_step(case):
    surface, start = case
    oracle = Oracle(surface)
    new, info = Newton().step(start, oracle)
    np.testing.assert_allclose(new, surface.c, atol=1e-8)
    assert not info["indefinite"]
    assert tuple(oracle.evals) == (0, 1, 1)  # pure Newton needs no f


@settings(max_examples=30, deadline=None)
@given(spd_quadratics())
def test_newton_model_is_the_quadratic_itself(case):
    surface, start = case
    model = Newton().step(start, Oracle(surface))[1]["model"]
    xs, ys = np.meshgrid(np.linspace(-3, 3, 7), np.linspace(-2, 2, 5))
    np.testing.assert_allclose(model.value(xs, ys), surface.value(xs, ys), rtol=1e-9, atol=1e-9)
    assert isinstance(model.value(0.5, -0.25), float)
    np.testing.assert_allclose(model.stationary_point, surface.c, atol=1e-5)
    assert model.kind == "minimum"


@pytest.mark.parametrize("formula, minimum", [("3*(x - 1)**2 + 2*(x - 1)*(y + 2) + 5*(y + 2)**2", (1, -2)),
                                              ("(x + 2*y - 1)**2 + (x - y)**2/100 + 7", (1 / 3, 1 / 3))])
def test_newton_solves_typed_quadratics_in_one_step(formula, minimum):
    new, _info = Newton().step(np.array([2.5, -0.5]), Oracle(core.from_expression(formula)))
    np.testing.assert_allclose(new, minimum, atol=1e-12)


def test_pure_newton_goes_to_the_saddle_of_x2_minus_y2():
    saddle = Quadratic([[2.0, 0.0], [0.0, -2.0]])
    new, info = Newton().step(np.array([1.3, -0.7]), Oracle(saddle))
    np.testing.assert_allclose(new, [0.0, 0.0], atol=1e-12)
    assert info["indefinite"] and info["model"].kind == "saddle"


def test_line_search_newton_refuses_to_climb_to_the_saddle():
    saddle, start = Quadratic([[2.0, 0.0], [0.0, -2.0]]), np.array([0.5, 1.0])  # f < 0 here: the saddle is uphill
    new, info = Newton(line_search=True).step(start, Oracle(saddle))
    assert "fallback" in info  # Newton's direction goes up here, so −∇f is taken instead
    assert saddle.value(*new) < saddle.value(*start)


@pytest.mark.parametrize("a", [[[2.0, 2.0], [2.0, 2.0]], [[0.0, 0.0], [0.0, 0.0]]], ids=["(x+y)^2", "flat"])
def test_singular_hessian_is_a_message_not_an_exception(a):
    new, info = Newton().step(np.array([0.5, 1.0]), Oracle(Quadratic(a)))
    assert info["failure"].startswith("Hessian is singular at (0.5, 1): Newton's step is undefined")
    np.testing.assert_array_equal(new, [0.5, 1.0])


def test_damping_makes_a_singular_hessian_solvable_and_descends():
    surface, start = Quadratic([[2.0, 2.0], [2.0, 2.0]]), np.array([0.5, 1.0])
    new, info = Newton(damping=1.0).step(start, Oracle(surface))
    assert "failure" not in info
    # (H + λI)d = −g: the step of the damped model, which shortens Newton's step along every eigen-direction
    np.testing.assert_allclose((surface.a + np.eye(2)) @ (new - start), -surface.gradient(*start), atol=1e-12)
    assert surface.value(*new) < surface.value(*start)


def test_newton_line_search_satisfies_armijo_and_reaches_the_rosenbrock_minimum():
    surface, p, method = Rosenbrock(), ROSEN_START.copy(), Newton(line_search=True)
    oracle = Oracle(surface)
    for _ in range(60):
        new, info = method.step(p, oracle)
        g = surface.gradient(*p)
        assert surface.value(*new) <= surface.value(*p) + 1e-4 * info["t"] * g @ info["direction"]
        p = new
        if np.linalg.norm(surface.gradient(*p)) < 1e-10:
            break
    np.testing.assert_allclose(p, [1.0, 1.0], atol=1e-8)
    assert oracle.evals[1] == oracle.evals[2]  # one ∇f and one ∇²f per step
    assert oracle.evals[0] > oracle.evals[1]  # plus f at θ and at each trial


def test_newton_validates_its_hyperparameters():
    with pytest.raises(ValueError, match="damping"):
        Newton(damping=-1)
    with pytest.raises(ValueError, match="no hyperparameter 'momentum'"):
        Newton(momentum=0.9)
    method = Newton()
    method.set(line_search=True, lr=0.5)
    assert method.hparams["line_search"] is True and method.hparams["lr"] == 0.5


# ── L-BFGS ──────────────────────────────────────────────────────────────────────────────────────────────────


def test_lbfgs_takes_rosenbrock_to_the_minimum_about_as_fast_as_scipy():
    surface = Rosenbrock()
    points, _infos, oracle = lbfgs_until(surface, ROSEN_START)
    ours = next(k for k, p in enumerate(points) if np.linalg.norm(p - 1) < 1e-6)
    iterates = []
    minimize(lambda z: surface.value(*z), ROSEN_START, jac=lambda z: surface.gradient(*z), method="L-BFGS-B",
             callback=lambda z: iterates.append(np.array(z)), options=dict(maxcor=10, gtol=1e-12, ftol=0))
    theirs = next(k + 1 for k, z in enumerate(iterates) if np.linalg.norm(z - 1) < 1e-6)
    print(f"\nRosenbrock from (-1.2, 1) to within 1e-6 of (1, 1): ours {ours} iterations "
          f"({oracle.evals[0]} f, {oracle.evals[1]} ∇f), SciPy L-BFGS-B {theirs}")
    assert ours <= 1.5 * theirs + 5
    np.testing.assert_allclose(points[-1], [1.0, 1.0], atol=1e-6)


class Himmelblau:
    view = (-5.0, 5.0, -5.0, 5.0)

    def value(self, x, y):
        return (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2

    def gradient(self, x, y):
        a, b = x * x + y - 11, x + y * y - 7
        return np.array([4 * x * a + 2 * b, 2 * a + 4 * y * b])

    def hessian(self, x, y):
        return np.array([[12 * x * x + 4 * y - 42, 4 * (x + y)], [4 * (x + y), 4 * x + 12 * y * y - 26]])


@settings(max_examples=25, deadline=None)
@given(st.sampled_from([Rosenbrock(), Himmelblau()]), coord, coord, st.integers(1, 20))
@example(Himmelblau(), 0.0, -0.796187363114601, 1)  # passes near the saddle at (3.385, 0.074): a concave line
def test_every_accepted_lbfgs_step_satisfies_the_strong_wolfe_conditions(surface, x, y, m):
    points, infos, _ = lbfgs_until(surface, (x, y), tol=1e-6, max_steps=100, history_size=m)
    for p, new, info in zip(points, points[1:], infos, strict=False):
        d, t = info["direction"], info["t"]
        g0, g1 = surface.gradient(*p), surface.gradient(*new)
        assert info["wolfe"]
        assert surface.value(*new) <= surface.value(*p) + 1e-4 * t * (g0 @ d)  # sufficient decrease
        assert abs(g1 @ d) <= 0.9 * abs(g0 @ d)  # curvature (strong)
        np.testing.assert_allclose(info["trials"][-1], new)  # the accepted point was the last trial


def test_dense_hessian_is_the_inverse_of_the_two_loop_recursion():
    method, oracle, p = LBFGS(history_size=5), Oracle(Rosenbrock()), ROSEN_START.copy()
    for _ in range(12):
        p, _info = method.step(p, oracle)
    b = method.dense_hessian()
    g = np.array([0.3, -1.7])
    np.testing.assert_allclose(b @ method.inverse_times(g), g, rtol=1e-8)
    s, y, _ = method.pairs[-1]
    np.testing.assert_allclose(b @ s, y, rtol=1e-8)  # the secant equation for the newest pair
    assert np.all(np.linalg.eigvalsh(b) > 0)  # BFGS keeps B positive definite when yᵀs > 0
    np.testing.assert_allclose(method.model(p, Rosenbrock()).hessian, b)


def test_first_lbfgs_step_follows_torch_initial_step():
    surface, start = Rosenbrock(), ROSEN_START
    _, info = LBFGS(line_search=False, lr=0.5).step(start, Oracle(surface))
    g = surface.gradient(*start)
    assert info["t"] == 0.5 * min(1.0, 1.0 / np.abs(g).sum())
    np.testing.assert_array_equal(info["model"].hessian, np.eye(2))


def test_lbfgs_counts_one_f_and_one_gradient_per_trial():
    method, oracle, p = LBFGS(), Oracle(Rosenbrock()), ROSEN_START.copy()
    trials = 0
    for _ in range(10):
        p, info = method.step(p, oracle)
        trials += len(info["trials"])
    assert tuple(oracle.evals) == (trials + 1, trials + 1, 0)  # + the start, once


def test_lbfgs_history_is_bounded_and_flat_curvature_is_skipped():
    method, oracle, p = LBFGS(history_size=3), Oracle(Rosenbrock()), ROSEN_START.copy()
    for _ in range(8):
        p, _ = method.step(p, oracle)
    assert len(method.pairs) == 3
    method.set(history_size=1)
    assert len(method.pairs) == 1

    class Plane:  # f = x + 2y: y = 0 for every step, so no pair is ever stored
        def value(self, x, y):
            return x + 2 * y

        def gradient(self, x, y):
            return np.array([1.0, 2.0])

    method = LBFGS()
    _, info = method.step(np.zeros(2), Oracle(Plane()))
    assert info["skipped_pair"] and method.pairs == [] and not info["wolfe"]


def test_lbfgs_validates_its_hyperparameters():
    for bad in (dict(history_size=0), dict(history_size=21), dict(history_size=2.5), dict(c1=0.95),
                dict(line_search="backtracking"), dict(nesterov=True)):
        with pytest.raises(ValueError):
            LBFGS(**bad)
    assert LBFGS(line_search=None).hparams["line_search"] is False
    assert LBFGS(line_search="strong_wolfe").hparams["line_search"] is True


def test_the_model_is_reachable_from_core():
    assert core.QuadraticModel is QuadraticModel and core.LBFGS is LBFGS


@pytest.mark.parametrize("method", ["newton", "lbfgs"])
def test_a_played_racer_leaves_the_picture_only_work_until_its_step_is_shown(method, monkeypatch):
    from core.paths import Runner

    surface = core.SURFACES["rosenbrock"]
    plain = Runner(surface, method, surface.starts[0], tol=0.0)
    shown = [plain.step() for _ in range(12)]  # every step's pictures, the usual way
    built = []
    spied = (LBFGS, "dense_hessian") if method == "lbfgs" else (np.linalg, "eigvalsh")
    original = getattr(*spied)
    monkeypatch.setattr(*spied, lambda *a, **k: built.append(1) or original(*a, **k))
    lean = Runner(surface, method, surface.starts[0], tol=0.0)
    for _ in range(12):
        lean.advance()
    assert not built  # only played: no model (L-BFGS), no eigenvalues of the raw Hessian (Newton)
    last = lean.last
    assert built  # shown: computed now, from that step's own history and Hessian
    expected = shown[-1].info
    assert last.info.keys() == expected.keys()
    if method == "lbfgs":
        np.testing.assert_array_equal(last.info["model"].hessian, expected["model"].hessian)
    else:
        np.testing.assert_array_equal(last.info["eigvals"], expected["eigvals"])
        assert last.info["indefinite"] == expected["indefinite"]
    assert isinstance(Newton().step(np.array([0.5, 0.5]), Oracle(surface))[1]["eigvals"], np.ndarray)
