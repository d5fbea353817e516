"""A race computed ahead (core.ahead, as a worker process would) is the race computed here, to the last bit."""
import gc
import pickle
import tracemalloc

import numpy as np
import pytest

import core
from core import ahead
from core.ahead import AHEAD, FOCUS_EVERY, STATE_EVERY, Ahead, advance_guarded, pack, recipe, surface_from, unpack
from core.paths import ALL_METHODS, Runner
from core.surface_race import CHECKPOINT_EVERY, KEEP_STATES, PRUNE_EVERY, SurfaceRace
from tests.core.test_surface_race import MAX_BYTES_PER_STEP, info_equal

SURFACE = core.SURFACES["rosenbrock"]


def factory(noise=0.3, **hparams):
    def make(method, surface, start):
        first = method not in ("newton", "lbfgs")
        return Runner(surface, method, start, tol=0.0, noise=noise if first else 0.0, seed=5,
                      **hparams.get(method, {}))
    return make


def race_pair(steps, make=None, surface=SURFACE):
    make = make or factory()
    here, fed = (SurfaceRace(surface, surface.starts[0], make, steps) for _ in range(2))
    for method in ALL_METHODS:
        here.add(method)
        fed.add(method)
    return here, fed


def crossed(chunk):
    """What a process would receive: the chunk pickled and unpickled."""
    return pickle.loads(pickle.dumps(chunk))


def play_fed(fed, worker, per_frame=37):
    """Frames that play only what the worker computed (they wait for it), the worker stepping between them."""
    while not fed.finished:
        if not worker.done:
            assert fed.receive(crossed(worker.step()))
            worker.play(fed.generation, fed.head)
        made = fed.advance(per_frame, wait=True)
        assert made or not worker.done, "the race waits for a worker that has nothing more to give"


def _worker_for(race):
    worker = Ahead()
    worker.job(*race.job())
    return worker


def assert_same(here, fed, pictures=()):
    for method, a in here.tracks.items():
        b = fed.tracks[method]
        assert a.n == b.n, (method, a.n, b.n)
        for name in ("points", "losses", "grad_norms", "evals"):
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=f"{method} {name}")
        assert (a.status, a.message, a.error) == (b.status, b.message, b.error), method
        for i in pictures:
            i = a.at(i)
            sa, sb = a.step_at(i), b.step_at(i)
            assert np.array_equal(sa.point, sb.point) and sa.evals == sb.evals, (method, i)
            assert info_equal(sa.info, sb.info), (method, i)


def test_a_race_computed_ahead_is_the_race_computed_here_to_the_last_bit():
    here, fed = race_pair(1500)
    here.advance(1500)
    fed.advance(10)  # the GUI stepped a little before the worker's first rows came
    worker = Ahead()
    worker.job(*pickle.loads(pickle.dumps(fed.job())))
    play_fed(fed, worker)
    c = STATE_EVERY
    assert_same(here, fed, pictures=(0, 1, 9, 10, 11, c - 1, c, c + 1, CHECKPOINT_EVERY, 1000, 1498, 1499, 1500))
    for method, track in fed.tracks.items():  # the live runner, brought to the head when asked, walks on alike
        a, b = here.tracks[method].runner, track.runner
        assert a.index == b.index
        if not a.done:
            a.advance(), b.advance()
            assert a.last.point.tolist() == b.last.point.tolist(), method


def test_the_racer_in_focus_gets_a_state_every_few_steps_and_its_pictures_are_the_same(monkeypatch):
    """The racer whose aids are drawn is sent a state every FOCUS_EVERY steps (its picture is rebuilt ten times a
    second), the others every STATE_EVERY; a change of focus holds from the next chunk on; the pictures replayed
    from those states are the ones computed here."""
    monkeypatch.setattr(ahead, "CHUNK_S", 0.002)  # chunks of a few dozen steps: a fast machine does all 700 in 20 ms
    here, fed = race_pair(700)
    here.advance(700)
    worker = _worker_for(fed)
    worker.focus("adam")
    sent = {method: set() for method in fed.tracks}
    switched = None  # the worker's head when the focus moved to sgd
    while not fed.finished:
        if not worker.done:
            chunk = crossed(worker.step())
            for method, states in chunk.states.items():
                sent[method] |= set(states)
            assert fed.receive(chunk)
            worker.play(fed.generation, fed.head)
            if fed.head > 300 and switched is None:
                worker.focus("sgd")
                switched = worker.head
        fed.advance(37, wait=True)
    assert switched is not None and switched < 700 - 4 * FOCUS_EVERY
    def every(step, after=0, until=700):
        return set(range((after // step + 1) * step, until + 1, step))
    assert {i for i in sent["adam"] if i <= switched} == every(FOCUS_EVERY, until=switched)
    assert {i for i in sent["adam"] if i > switched} == every(STATE_EVERY, after=switched)
    assert {i for i in sent["sgd"] if i > switched} == every(FOCUS_EVERY, after=switched)
    assert sent["momentum"] == every(STATE_EVERY)
    assert_same(here, fed, pictures=(FOCUS_EVERY - 1, FOCUS_EVERY + 1, 3 * FOCUS_EVERY + 5, 399, 650, 699, 700))


def test_an_edit_at_the_head_starts_a_new_generation_and_the_worker_follows_it():
    here, fed = race_pair(900)
    worker = Ahead()
    here.advance(300)
    worker.job(*fed.job())
    while fed.head < 300:
        assert fed.receive(crossed(worker.step()))
        fed.advance(300 - fed.head, wait=True)
    stale = crossed(worker.step())  # computed before the edit: beyond the head, with the old lr
    for race in (here, fed):
        race.set("momentum", lr=3e-4)
        race.set("adam", lr=0.02, betas=(0.8, 0.99))
    assert not fed.receive(stale)  # another generation's rows are refused...
    assert not fed.fed  # ...and until the new job's come, the frame steps itself
    worker.job(*fed.job())
    here.advance(600)
    play_fed(fed, worker)
    assert_same(here, fed, pictures=(299, 300, 301, 450, 899))


def test_a_typed_formula_is_rebuilt_from_its_recipe_and_walks_alike():
    surface = core.from_expression("x**4 - 2*x**2 + y**2 + 0.3*x*y", view=(-2, 2, -2, 2))
    twin = surface_from(pickle.loads(pickle.dumps(recipe(surface))))
    assert twin is not surface and twin.formula == surface.formula and twin.view == surface.view
    here, fed = race_pair(400, surface=surface)
    here.advance(400)
    worker = Ahead()
    worker.job(*fed.job())
    play_fed(fed, worker)
    assert_same(here, fed, pictures=(3, 200, 399))


@pytest.mark.parametrize("method", ALL_METHODS)
def test_a_packed_state_walks_on_exactly_as_the_runner_it_came_from(method):
    runner = factory(noise=0.5)(method, SURFACE, SURFACE.starts[1])
    for _ in range(40):
        runner.advance()
    data = pack(runner)
    assert len(data) < 4000  # a state every STATE_EVERY steps stays a small share of a step's 44 bytes
    copy = unpack(data, SURFACE)
    assert copy.surface is SURFACE and copy.columns is None
    assert copy._rng._generator is None  # the noise generator is made again only when a step draws from it
    for _ in range(60):
        runner.advance(), copy.advance()
        assert runner.last.point.tolist() == copy.last.point.tolist() and runner.status == copy.status
    again = unpack(pack(copy), SURFACE)  # a state packed from an unpacked one (a new job from the GUI's runner)
    for _ in range(70):  # past two more blocks of normals
        runner.advance(), again.advance()
        assert runner.last.point.tolist() == again.last.point.tolist() and runner.status == again.status


def test_the_worker_stays_within_ahead_of_what_was_played_and_goes_on_when_told():
    _here, fed = race_pair(3 * AHEAD, make=factory(noise=0.0))
    worker = Ahead()
    assert worker.done and worker.step() is None  # no job: nothing to do
    worker.job(*fed.job())
    while not worker.done:
        assert fed.receive(crossed(worker.step()))
    assert worker.head == AHEAD and worker.step() is None
    fed.advance(1000, wait=True)
    worker.play(fed.generation, fed.head)
    worker.play(fed.generation - 1, 10 * AHEAD)  # an old generation's news moves nothing
    while not worker.done:
        fed.receive(crossed(worker.step()))
    assert worker.head == 1000 + AHEAD


def test_rows_out_of_order_are_refused_not_joined():
    _here, fed = race_pair(600)
    worker = Ahead()
    worker.job(*fed.job())
    first, second = crossed(worker.step()), crossed(worker.step())
    assert not fed.receive(second)  # a gap: refused, nothing taken
    assert fed.receive(first) and fed.receive(second)
    assert fed.receive(first)  # the same rows again change nothing (already known)
    fed.advance(second.last, wait=True)
    here, _ = race_pair(600)
    here.advance(second.last)
    assert_same(here, fed)


def test_a_racer_whose_step_raises_stops_with_the_same_message_either_way():
    runner = factory()("adam", SURFACE, SURFACE.starts[0])

    def broken():
        raise ZeroDivisionError("a bug")

    runner.advance = broken
    assert advance_guarded(runner) == "stopped at step 1: core raised ZeroDivisionError: a bug"


def test_memory_per_racer_step_of_a_race_computed_ahead_stays_under_100_bytes():
    lr = {m: {"lr": 1e-4} for m in ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")}
    steps = 6000
    _here, warm = race_pair(300)  # what a first use imports (pickle's helpers) is not the race's memory
    play_fed(warm, _worker_for(warm))
    del _here, warm
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    fed = SurfaceRace(SURFACE, SURFACE.starts[0], factory(noise=0.0, **lr), steps)
    for method in ALL_METHODS:
        fed.add(method)
    worker = _worker_for(fed)
    while not fed.finished:
        while not worker.done and worker.head < fed.head + 500:
            fed.receive(crossed(worker.step()))
            worker.play(fed.generation, fed.head)
        fed.advance(97, wait=True)
    del worker
    gc.collect()
    grown = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    racer_steps = sum(track.n for track in fed.tracks.values())
    assert racer_steps > 5 * (steps - 100)
    assert grown / racer_steps <= MAX_BYTES_PER_STEP, f"{grown / racer_steps:.0f} bytes per racer-step"
    for track in fed.tracks.values():  # far behind the head only a state per CHECKPOINT_EVERY steps is kept
        far = track.n - 1 - KEEP_STATES * STATE_EVERY - PRUNE_EVERY
        assert all(c % CHECKPOINT_EVERY == 0 for c in track._states if c < far), track.method


def test_rows_behind_the_head_do_not_make_the_frames_wait_for_the_worker():
    """While a worker process starts, the frames step on; its first rows may be behind the head."""
    here, fed = race_pair(2000)
    worker = _worker_for(fed)  # given the race at iteration 0...
    fed.advance(700)  # ...which meanwhile went on here
    chunk = crossed(worker.step())
    assert chunk.last < 700 and fed.receive(chunk)
    assert not fed.fed and fed.fed_behind == 700 - chunk.last
    assert fed.advance(5, wait=True) == 5  # still stepped here
    while worker.head <= fed.head:
        fed.receive(crossed(worker.step()))
    assert fed.fed and fed.fed_behind == 0  # its rows are ahead now: from here on the frames play them
    play_fed(fed, worker)
    here.advance(2000)
    assert_same(here, fed)
