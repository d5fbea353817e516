"""The lean 2-D step (core.optim.lean) is the numpy update to the last bit: on every option of every first-order
method, on special values (0, −0, ±inf, NaN, huge, subnormal), through hyperparameter changes, snapshots and the
steps plain floats refuse (÷0, √ of a negative), which numpy then takes; and an optimizer whose twin walks is
never seen behind, whoever holds it."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import core
from core.methods import BUILTIN, make_optimizer
from core.optim import Optimizer
from core.paths import Runner

FIRST_ORDER = tuple(m.key for m in BUILTIN if m.first_order)

OPTIONS = {
    "sgd": [{}, {"weight_decay": 0.1}, {"maximize": True}, {"momentum": 0.9, "dampening": 0.5},
            {"weight_decay": 0.1, "maximize": True}, {"lr": 10.0}],
    "momentum": [{}, {"dampening": 0.3}, {"weight_decay": 0.05}],
    "nesterov": [{}, {"weight_decay": 0.05, "maximize": True}],
    "adagrad": [{}, {"lr_decay": 0.01, "initial_accumulator_value": 0.1}, {"eps": 0.0}, {"weight_decay": 0.01}],
    "rmsprop": [{}, {"centered": True}, {"momentum": 0.5}, {"centered": True, "momentum": 0.5, "eps": 0.0},
                {"maximize": True, "weight_decay": 0.01}],
    "adam": [{}, {"amsgrad": True}, {"decoupled_weight_decay": True, "weight_decay": 0.1}, {"weight_decay": 0.1},
             {"maximize": True}, {"eps": 0.0}, {"lr": 10.0}, {"amsgrad": True, "eps": 0.0, "lr": 1e6}],
}
CASES = [(m, hp) for m in FIRST_ORDER for hp in OPTIONS[m]]


def ids(case):
    method, hp = case
    return method + "".join(f"-{k}={v}" for k, v in hp.items())


@pytest.fixture
def numpy_only(monkeypatch):
    """Runners built inside this context walk the numpy way only (no twin)."""
    def use_numpy():
        monkeypatch.setattr(Optimizer, "lean", lambda self, key: None)
    return use_numpy


def bits(a) -> bytes:
    return np.asarray(a, dtype=float).tobytes()


def same(a, b) -> bool:
    """Equal to the last bit (NaN payloads included), recursively through info dicts."""
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, tuple):
        return isinstance(b, tuple) and len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, (np.ndarray, float, int, np.floating)):
        return np.shape(a) == np.shape(b) and bits(a) == bits(b)
    return a == b


def walk(surface, method, start, hp, noise, steps=300, look=(1, 2, 3, 40, 119, 120, 121, 299)):
    """A runner's path and the pictures at a few steps; the lr halves at step 120 (the twin must follow)."""
    runner = Runner(surface, method, start, noise=noise, seed=3, **hp)
    seen = {}
    for i in range(1, steps):
        if i == 120:
            runner.set(lr=runner.optimizer.hparams["lr"] * 0.5)
        runner.advance()
        if i in look or runner.done:
            last = runner.last
            seen[last.index] = (last.info, last.loss, last.grad, last.status, str(last.message))
        if runner.done:
            break
    return runner, seen


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_the_lean_walk_is_the_numpy_walk_bit_for_bit(case, numpy_only):
    method, hp = case
    lean_runs = []
    for key in ("rosenbrock", "beale", "saddle", "plateau"):
        surface = core.SURFACES[key]
        for noise in (0.0, 0.3):
            lean_runs.append((surface, noise, *walk(surface, method, surface.starts[0], hp, noise)))
    numpy_only()
    for surface, noise, lean, lean_seen in lean_runs:
        plain, plain_seen = walk(surface, method, surface.starts[0], hp, noise)
        a, b = lean.path, plain.path
        where = (surface.key, noise)
        assert a.status == b.status and str(a.message) == str(b.message) and a.stop_step == b.stop_step, where
        for column in ("points", "losses", "grad_norms"):
            assert bits(getattr(a, column)) == bits(getattr(b, column)), (where, column)
        assert np.array_equal(a.evals, b.evals), where
        assert lean_seen.keys() == plain_seen.keys(), where
        for index, picture in lean_seen.items():
            assert same(picture, plain_seen[index]), (where, index)
        assert same(lean.optimizer.state["xy"], plain.optimizer.state["xy"]), where


def test_every_built_in_first_order_method_walks_with_its_twin():
    surface = core.SURFACES["rosenbrock"]
    for method in FIRST_ORDER:
        runner = Runner(surface, method, surface.starts[0], lr=1e-4)
        runner.advance()  # the first step is numpy's, checked; it makes the state the twin starts from
        assert runner.optimizer.lean("xy") is not None, method


SPECIAL = (0.0, -0.0, 1.0, -2.5, 1e308, -1e308, 5e-324, np.inf, -np.inf, np.nan, 3e-160)


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_special_values_take_the_same_step_both_ways(case):
    """Gradients of every special value, one pair per step: the twin (numpy's way when it refuses) and numpy stay
    identical in the point, the state and what the step draws."""
    method, hp = case
    numpy_opt, lean_opt = make_optimizer(method, **hp), make_optimizer(method, **hp)
    p, q = np.array([0.5, -0.25]), np.array([0.5, -0.25])
    pairs = [(0.0, 0.0), (0.0, -0.0), (1.0, -1.0), *itertools.product(SPECIAL, repeat=2)]  # 0 first: 0 / 0
    refused = 0
    with np.errstate(all="ignore"):
        for i, (gx, gy) in enumerate(pairs):
            if not np.all(np.isfinite(p)):  # a lost point stays lost: start again from a finite one
                p[:] = q[:] = (0.5, -0.25)
            numpy_opt.step_one("xy", p, np.array((gx, gy)))
            kernel = lean_opt.lean("xy")
            if kernel is None:  # the first step: checked, numpy's
                lean_opt.step_one("xy", q, np.array((gx, gy)))
            else:
                try:
                    q[0], q[1] = kernel.step(float(q[0]), float(q[1]), gx, gy)
                except (ArithmeticError, ValueError):
                    refused += 1
                    lean_opt.step_one("xy", q, np.array((gx, gy)))
            assert bits(p) == bits(q), (i, gx, gy)
            assert same(numpy_opt.state["xy"], lean_opt.state["xy"]), (i, gx, gy)
            assert same(dict(numpy_opt.last["xy"]), dict(lean_opt.last["xy"])), (i, gx, gy)
    if hp.get("eps") == 0.0:
        assert refused, "a zero denominator must be left to numpy"


def test_a_snapshot_taken_mid_walk_replays_the_lean_steps_exactly():
    surface = core.SURFACES["rosenbrock"]
    runner = Runner(surface, "adam", surface.starts[0], noise=0.2, seed=9, lr=0.05)
    for _ in range(77):
        runner.advance()
    copy = runner.snapshot()
    for _ in range(200):
        runner.advance()
        copy.advance()
        assert bits(copy.last.point) == bits(runner.last.point)
        assert same(copy.last.info, runner.last.info)


def test_a_held_optimizer_is_never_behind_its_twin():
    """Whoever keeps a reference to a racer's optimizer sees its current state, and what they change counts."""
    surface = core.SURFACES["rosenbrock"]
    runner, plain = (Runner(surface, "adam", surface.starts[0], lr=0.05) for _ in range(2))
    held = runner.optimizer
    for _ in range(5):
        runner.advance()
    assert held.state["xy"]["step"] == 5 == runner.index
    np.testing.assert_array_equal(held.last["xy"]["update"], runner.last.info["update"])
    held.set(lr=0.5)  # through the held reference, between steps: applies from the next step
    for _ in range(5):
        plain.advance()
    plain.optimizer.set(lr=0.5)
    for _ in range(5):
        runner.advance()
        plain.advance()
    assert bits(runner.path.points) == bits(plain.path.points)
    held.reset_state()  # forgets everything: the next step starts the state afresh, as numpy would
    runner.advance()
    assert held.state["xy"]["step"] == 1
