"""A racer's memory stays compact at any length, and every earlier step comes back exactly as it was."""
import gc
import tracemalloc

import numpy as np
import pytest

import core
from core.paths import ALL_METHODS, Runner
from core.surface_race import CHECKPOINT_EVERY, SurfaceRace

MAX_BYTES_PER_STEP = 100


def factory(**hparams):
    def make(method, surface, start):
        return Runner(surface, method, start, tol=0.0, **hparams.get(method, {}))
    return make


def info_equal(a: dict, b: dict) -> bool:
    if set(a) != set(b):
        return False
    for key, value in a.items():
        other = b[key]
        if isinstance(value, dict):
            if not info_equal(value, other):
                return False
        elif hasattr(value, "contours"):  # a quadratic model: compare what it is made of
            if not (np.array_equal(value.center, other.center) and np.array_equal(value.hessian, other.hessian)):
                return False
        elif not _values_equal(value, other):
            return False
    return True


def _values_equal(value, other) -> bool:
    try:
        return bool(np.array_equal(np.asarray(value), np.asarray(other), equal_nan=True))
    except TypeError:  # text or a mixed record (a line search's trials): as Python compares them
        return bool(value == other)


@pytest.mark.parametrize("method", ALL_METHODS)
def test_an_earlier_step_is_rebuilt_exactly_as_it_was_taken(method):
    surface = core.SURFACES["beale"]
    start = surface.starts[1]
    hparams = {"noise": 0.2, "seed": 3} if method not in ("newton", "lbfgs") else {}
    race = SurfaceRace(surface, start, factory(**{method: hparams}), max_steps=3 * CHECKPOINT_EVERY)
    track = race.add(method)
    race.advance(3 * CHECKPOINT_EVERY)
    direct = Runner(surface, method, start, tol=0.0, **hparams)
    taken = {0: direct.last}
    for _ in range(track.n - 1):
        step = direct.step()
        taken[step.index] = step
    c = CHECKPOINT_EVERY
    for i in sorted({0, 1, 2, 37, c - 1, c, c + 1, 2 * c + 5, track.n - 2, track.n - 1}):
        if i >= track.n:
            continue
        rebuilt, original = track.step_at(i), taken[i]
        assert rebuilt.index == i and np.array_equal(rebuilt.point, original.point, equal_nan=True)
        assert np.array_equal(rebuilt.grad, original.grad, equal_nan=True) and rebuilt.evals == original.evals
        assert info_equal(rebuilt.info, original.info), (method, i)
        np.testing.assert_array_equal(track.points[i], original.point)


def test_memory_per_racer_step_stays_under_100_bytes():
    surface = core.SURFACES["rosenbrock"]
    lr = {m: {"lr": 1e-4} for m in ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")}
    steps = 6000
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]  # everything the race holds counts: columns, runners, snapshots
    race = SurfaceRace(surface, surface.starts[0], factory(**lr), max_steps=steps)
    for method in ALL_METHODS:
        race.add(method)
    race.advance(steps)
    gc.collect()
    grown = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    racer_steps = sum(track.n for track in race.tracks.values())
    assert racer_steps > 5 * (steps - 100)  # most racers really walked the whole way
    assert grown / racer_steps <= MAX_BYTES_PER_STEP, f"{grown / racer_steps:.0f} bytes per racer-step"


def test_a_step_after_an_edit_is_rebuilt_with_the_edited_values():
    """An edit applies from the next step: replaying a later step from a snapshot taken before the edit would
    walk on with the old values."""
    surface = core.SURFACES["rosenbrock"]
    race = SurfaceRace(surface, surface.starts[0], factory(), max_steps=600)
    track = race.add("momentum")
    race.advance(300)
    race.set("momentum", lr=5e-4, momentum=0.5)
    race.advance(300)
    direct = Runner(surface, "momentum", surface.starts[0], tol=0.0)
    for _ in range(300):
        direct.advance()
    direct.set(lr=5e-4, momentum=0.5)
    taken = {}
    for _ in range(300):
        step = direct.step()
        taken[step.index] = step
    for i in (301, 450, 599):
        rebuilt = track.step_at(i)
        assert np.array_equal(rebuilt.point, taken[i].point) and info_equal(rebuilt.info, taken[i].info), i
