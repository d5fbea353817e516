"""run / iterate / Runner: shapes, statuses, early stops, noise, live edits and evaluation counts."""
import warnings

import numpy as np
import pytest

import core
from core.methods import get_method, keys, make_optimizer
from core.paths import ALL_METHODS, Runner, iterate, run

FIRST_ORDER = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")
START = (-1.2, 1.0)


@pytest.fixture(scope="module")
def rosenbrock():
    return core.SURFACES["rosenbrock"]


@pytest.fixture(scope="module")
def bowl():
    return core.from_expression("x**2 + 3*y**2", view=(-2, 2, -2, 2))


def manual(surface, method, start, steps, change_at=None, change=None, **hparams):
    """The reference: make_optimizer on {"xy": point} with the surface's exact gradient."""
    opt, xy = make_optimizer(method, **hparams), np.array(start, dtype=float)
    points = [xy.copy()]
    for k in range(steps):
        if k == change_at:
            opt.set(**change)
        opt.step({"xy": xy}, {"xy": np.asarray(surface.gradient(*xy), dtype=float)})
        points.append(xy.copy())
    return np.array(points)


@pytest.mark.parametrize("method", ALL_METHODS)
def test_path_arrays_match_the_surface(rosenbrock, method):
    path = run(rosenbrock, method, START, 5, **({"lr": 1e-3} if method in FIRST_ORDER else {}))
    n = len(path)
    assert path.status == "running" and path.stop_step is None and n == 6
    assert path.points.shape == (n, 2) and path.losses.shape == (n,) and path.grad_norms.shape == (n,)
    assert path.evals.shape == (n, 3) and path.evals.dtype.kind == "i"
    np.testing.assert_array_equal(path.points[0], START)
    np.testing.assert_allclose(path.losses, rosenbrock.value(path.points[:, 0], path.points[:, 1]), rtol=1e-12)
    grads = rosenbrock.gradient(path.points[:, 0], path.points[:, 1])
    np.testing.assert_allclose(path.grad_norms, np.hypot(*grads), rtol=1e-12)
    assert np.all(np.diff(path.evals, axis=0) >= 0)  # cumulative


def test_first_order_paths_are_the_optimizers_paths(rosenbrock):
    for method in FIRST_ORDER:
        path = run(rosenbrock, method, START, 30, lr=2e-3)
        np.testing.assert_allclose(path.points, manual(rosenbrock, method, START, 30, lr=2e-3), rtol=1e-14)


def test_converged_stops_early_below_the_tolerance(bowl):
    path = run(bowl, "sgd", (1.5, -1.0), 1000, lr=0.1)
    assert path.status == "converged" and len(path) < 1001 and path.stop_step == len(path) - 1
    assert path.grad_norms[-1] < 1e-8 <= path.grad_norms[-2]
    assert path.message.startswith(f"converged at step {path.stop_step}: ‖∇f‖ = ")
    looser = run(bowl, "sgd", (1.5, -1.0), 1000, lr=0.1, tol=1e-3)
    assert looser.stop_step < path.stop_step and looser.grad_norms[-1] < 1e-3


def test_a_start_at_the_minimum_is_converged_at_step_zero(bowl):
    path = run(bowl, "adam", (0.0, 0.0), 10)
    assert path.status == "converged" and len(path) == 1 and path.stop_step == 0


@pytest.mark.parametrize("method", FIRST_ORDER)
def test_a_huge_learning_rate_diverges_with_a_message_and_no_warning(bowl, method):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy overflow warnings escape, no exception
        path = run(bowl, method, (1.5, -1.0), 200, lr=1e6)
    assert path.status == "diverged" and path.stop_step == len(path) - 1
    assert path.message == (f"diverged at step {path.stop_step}: the point left the view by a factor of 100 "
                            "(learning rate too high?)")


@pytest.mark.parametrize("formula, lr, reason", [
    ("exp(x**2) + y**2", 30.0, "diverged at step 1: |f| overflowed at (-38"),  # e^(38²): float64 overflows
    ("log(1 + x) + y**2", 3.0, "diverged at step 1: f is undefined (NaN) at (-1.5, 0)"),  # log of a negative
])
def test_overflow_and_undefined_values_are_divergence(formula, lr, reason):
    surface = core.from_expression(formula, view=(-10, 10, -10, 10))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        path = run(surface, "sgd", (0.5, 0.0), 100, lr=lr)
    assert path.status == "diverged" and path.message.startswith(reason)


def test_a_start_where_f_is_undefined_says_the_start_is_outside_the_domain():
    path = run(core.from_expression("sqrt(x) + y**2"), "adam", (-1.0, 0.0), 5)
    assert path.status == "failed" and path.stop_step == 0 and len(path) == 1
    assert path.message == ("the start (-1, 0) is outside the surface's domain (f is undefined there): "
                            "pick another start")
    assert "diverged" not in path.message


@pytest.mark.parametrize("surface, method, lr", [("saddle", "momentum", None), ("monkey_saddle", "momentum", 0.05),
                                                 ("saddle", "lbfgs", None)])
def test_sliding_off_a_surface_unbounded_below_is_an_escape_not_a_divergence(surface, method, lr):
    s = core.SURFACES[surface]
    path = run(s, method, s.starts[0], 3000, **({} if lr is None else {"lr": lr}))
    assert path.status == "escaped" and "unbounded below" in path.message and "too high" not in path.message
    assert path.message.key == "status.escaped"


def test_blowing_up_where_f_rises_still_blames_the_step_size():
    s = core.SURFACES["bowl"]
    path = run(s, "sgd", s.starts[0], 50, lr=1e6)
    assert path.status == "diverged" and "learning rate too high?" in path.message


def test_newton_is_drawn_to_the_saddle_and_says_so():
    saddle = core.SURFACES["saddle"]  # x² − y²
    path = run(saddle, "newton", saddle.starts[0], 10)
    assert path.status == "converged" and path.stop_step == 1
    np.testing.assert_allclose(path.points[-1], [0.0, 0.0], atol=1e-12)
    assert "a saddle point, not a minimum" in path.message


def test_a_singular_hessian_fails_with_a_message():
    surface = core.from_expression("(x + y)**2")
    path = run(surface, "newton", (1.0, 0.5), 10)
    assert path.status == "failed" and path.stop_step == 1 and len(path) == 2
    assert path.message == ("failed at step 1: Hessian is singular at (1, 0.5): Newton's step is undefined "
                            "(damping λ > 0 makes it solvable)")
    assert run(surface, "newton", (1.0, 0.5), 10, damping=0.1).status != "failed"


def test_noise_is_deterministic_per_seed_and_zero_noise_is_plain(rosenbrock):
    a = run(rosenbrock, "sgd", START, 50, lr=1e-3, noise=2.0, seed=7)
    b = run(rosenbrock, "sgd", START, 50, lr=1e-3, noise=2.0, seed=7)
    c = run(rosenbrock, "sgd", START, 50, lr=1e-3, noise=2.0, seed=8)
    np.testing.assert_array_equal(a.points, b.points)
    assert not np.allclose(a.points, c.points)
    plain = run(rosenbrock, "sgd", START, 50, lr=1e-3)
    np.testing.assert_array_equal(run(rosenbrock, "sgd", START, 50, lr=1e-3, noise=0.0, seed=3).points,
                                  plain.points)
    # the recorded gradient norm is of the true gradient, not the noisy one the optimizer saw
    np.testing.assert_allclose(a.grad_norms, np.hypot(*rosenbrock.gradient(a.points[:, 0], a.points[:, 1])))


def test_noise_is_gaussian_of_scale_sigma_on_the_gradient_sgd_sees(bowl):
    runner = Runner(bowl, "sgd", (1.0, 1.0), noise=0.5, seed=1, lr=1e-9)
    seen = []
    for _ in range(4000):
        true = runner.last.grad
        seen.append(runner.step().info["grad"] - true)
    seen = np.array(seen)
    np.testing.assert_allclose(seen.mean(axis=0), 0.0, atol=0.05)
    np.testing.assert_allclose(seen.std(axis=0), 0.5, rtol=0.05)


def test_the_noise_is_default_rng_of_the_seed_in_order_even_when_made_late_or_copied(bowl):
    """The generator is made at the first draw (a launch steps no racer), a snapshot before or after it
    continues the same stream."""
    runner = Runner(bowl, "sgd", (1.0, 1.0), noise=0.5, seed=4, lr=1e-9)
    early = runner.snapshot()  # before any draw
    expected = np.random.default_rng(4).standard_normal(2 * 6).reshape(6, 2) * 0.5
    seen = []
    for _ in range(3):
        true = runner.last.grad
        seen.append(runner.step().info["grad"] - true)
    later = runner.snapshot()
    for _ in range(3):
        true = runner.last.grad
        seen.append(runner.step().info["grad"] - true)
    np.testing.assert_allclose(seen, expected, rtol=0, atol=1e-12)
    for copy, skip in ((early, 0), (later, 3)):
        for i in range(skip, 6):
            true = copy.last.grad
            np.testing.assert_array_equal(copy.step().info["grad"] - true, seen[i])


def test_second_order_methods_see_the_exact_surface(rosenbrock):
    for method in ("newton", "lbfgs"):
        np.testing.assert_array_equal(run(rosenbrock, method, START, 10, noise=1.0).points,
                                      run(rosenbrock, method, START, 10).points)


@pytest.mark.parametrize("method, change", [("sgd", {"lr": 3e-4}), ("momentum", {"lr": 5e-4, "momentum": 0.5}),
                                            ("adam", {"lr": 0.05})])
def test_runner_set_applies_from_the_next_step(rosenbrock, method, change):
    runner = Runner(rosenbrock, method, START, lr=1e-3)
    for _ in range(7):
        runner.step()
    runner.set(**change)
    for _ in range(13):
        runner.step()
    expected = manual(rosenbrock, method, START, 20, change_at=7, change=change, lr=1e-3)
    np.testing.assert_allclose(runner.path.points, expected, rtol=1e-14)


def test_runner_set_is_all_or_nothing(bowl):
    runner = Runner(bowl, "sgd", (1.0, 1.0), lr=0.1)
    with pytest.raises(ValueError):
        runner.set(noise=0.5, lr=-1.0)
    assert runner.noise == 0.0 and runner.optimizer.hparams["lr"] == 0.1
    runner.set(noise=0.5, tol=1e-3)
    assert (runner.noise, runner.tol) == (0.5, 1e-3)


def test_iterate_starts_at_the_start_and_stops_when_done(bowl):
    steps = list(iterate(bowl, "newton", (1.5, -1.0)))
    first = steps[0]
    assert first.index == 0 and first.evals == (0, 0, 0) and first.info == {} and first.status == "running"
    np.testing.assert_array_equal(first.point, [1.5, -1.0])
    assert [s.index for s in steps] == [0, 1] and steps[-1].status == "converged"  # a quadratic: one step
    assert len(list(iterate(bowl, "sgd", (1.5, -1.0), 5, lr=0.01))) == 6


def test_bad_input_is_refused_before_the_first_step(bowl):
    for kwargs in (dict(method="newtn"), dict(start=(np.nan, 0.0)), dict(start=(1.0, 2.0, 3.0)),
                   dict(noise=-1.0), dict(lr=-0.1), dict(momentum=0.9, method="adam")):
        args = dict(surface=bowl, method="sgd", start=(1.0, 1.0)) | kwargs
        with pytest.raises(ValueError):
            iterate(**args)
    with pytest.raises(ValueError):
        run(bowl, "sgd", (1.0, 1.0), -1)


def test_a_finished_runner_stays_put(bowl):
    runner = Runner(bowl, "newton", (1.0, 1.0))
    last = runner.step()
    assert runner.done and runner.step() is last and runner.index == 1


def test_evaluation_counts_are_what_each_method_needs(rosenbrock):
    def evals(method, **hp):
        return tuple(run(rosenbrock, method, START, 5, **hp).evals[-1])

    for method in FIRST_ORDER:
        assert evals(method, lr=1e-3) == (0, 5, 0)  # one gradient per step; the drawn loss is free
    assert evals("newton") == (0, 5, 5)
    f, g, h = evals("newton", line_search=True)
    assert g == h == 5 and f >= 10  # f(θ) and at least one trial per step
    runner = Runner(rosenbrock, "lbfgs", START)
    trials = sum(len(runner.step().info["trials"]) for _ in range(5))
    assert runner.last.evals == (trials + 1, trials + 1, 0)


def test_step_info_holds_the_optimizer_state_for_pictures(rosenbrock):
    runner = Runner(rosenbrock, "nesterov", START, lr=1e-3)
    runner.step()
    before = runner.last
    step = runner.step()
    buf = step.info["state"]["momentum_buffer"]
    np.testing.assert_allclose(step.info["lookahead"], before.point - 1e-3 * 0.9 * buf)
    np.testing.assert_allclose(step.point, step.info["lookahead"] - 1e-3 * before.grad)  # momentum leg, gradient leg
    runner.step()
    np.testing.assert_array_equal(step.info["state"]["momentum_buffer"], buf)  # a copy, not the live buffer
    adam = Runner(rosenbrock, "adam", START).step().info
    assert {"m_hat", "v_hat", "effective_lr", "update"} <= set(adam)
    newton = Runner(rosenbrock, "newton", START).step().info
    assert newton["model"].kind in ("minimum", "saddle", "maximum") and "indefinite" in newton
    lbfgs = Runner(rosenbrock, "lbfgs", START).step().info
    assert lbfgs["trials"].shape[1] == 2 and lbfgs["wolfe"]


def test_runner_model_is_the_one_the_next_step_uses(rosenbrock):
    for method in ("newton", "lbfgs"):
        runner = Runner(rosenbrock, method, START)
        for _ in range(3):
            runner.step()
        model = runner.model()
        used = runner.step().info["model"]
        np.testing.assert_allclose(model.hessian, used.hessian, rtol=1e-12)
        np.testing.assert_allclose(model.center, used.center)


def test_the_registry_covers_all_eight_methods():
    for name in ALL_METHODS:
        method = get_method(name)
        assert method.specs and all(spec.kind in ("float", "int", "bool") for spec in method.specs)
        assert "θ" in method.equation() and method.note and method.label and method.drawables
    assert [s.name for s in get_method("lbfgs").specs] == ["lr", "history_size", "line_search"]
    with pytest.raises(ValueError):
        get_method("bfgs")
    assert ALL_METHODS == keys() == ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "newton", "lbfgs")
    assert core.run is run and core.ALL_METHODS == ALL_METHODS
