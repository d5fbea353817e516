"""Playing fast, the Landscape race is computed ahead in a real worker process; what is shown is what the GUI
thread would have computed, and a worker that dies or cannot start only makes the frames step themselves."""
import os
import signal

import numpy as np
import pytest

from app.landscape.model import Scene
from app.runtime import workers
from core.surface_race import SurfaceRace, Track

FED_WITHIN_MS = 30_000  # a spawned process imports numpy and core: about a second here, far more on a loaded CI


def play_fast(tab, qtbot, surface="rosenbrock"):
    c = tab.controller
    c.set_surface(surface)
    c.player.set_max_steps(100_000)
    c.player.set_speed(50.0)
    c.player.play()
    qtbot.waitUntil(lambda: c.race.fed, timeout=FED_WITHIN_MS)
    return c


def computed_here(c):
    """The tab's race as it starts now, to be computed on this thread."""
    here = SurfaceRace(c.surface, c.start_point(), c.tuning._runner, c.race.max_steps)
    for method in c.race.tracks:
        here.add(method)
    return here


def same_as_computed_here(c, edits=(), here=None):
    """A race computed on this thread with the same racers (and `edits`: (head, method, values)) agrees to the bit."""
    here = here or computed_here(c)
    for head, method, values in edits:
        here.advance(head - here.head)
        here.set(method, **values)
    here.advance(c.race.head - here.head)
    for method, track in c.race.tracks.items():
        other = here.tracks[method]
        assert track.n == other.n, method
        np.testing.assert_array_equal(track.points, other.points, err_msg=method)
        np.testing.assert_array_equal(track.losses, other.losses, err_msg=method)
        assert (track.status, track.message) == (other.status, other.message), method


def count_local_steps(monkeypatch):
    made = []
    step_forward = Track.step_forward

    def counted(self):
        made.append(self.method)
        step_forward(self)

    monkeypatch.setattr(Track, "step_forward", counted)
    return made


def test_at_50x_a_worker_process_computes_the_race_and_the_frames_only_play_it(tab, qtbot, monkeypatch):
    c = play_fast(tab, qtbot)
    assert c.ahead.running
    made = count_local_steps(monkeypatch)
    head = c.race.head
    qtbot.waitUntil(lambda: c.race.head > head + 1000, timeout=FED_WITHIN_MS)
    c.player.pause()
    assert made == []  # not one step on the GUI thread once the worker's rows came
    same_as_computed_here(c)
    tab.controller.player.frames.flush()
    for method, track in c.race.tracks.items():  # what is drawn is the fed race
        assert tab.trails.marker_position(method) == pytest.approx(tuple(track.points[track.at(c.player.position)]))


def test_an_edit_while_the_worker_runs_reaches_the_race_from_the_head_on(tab, qtbot):
    c = play_fast(tab, qtbot)
    here = computed_here(c)  # with the values before the edits
    c.tuning.select("momentum")
    c.tuning._hparams_edited({"lr": 0.0005})
    c.tuning.select("adam")
    c.tuning._hparams_edited({"lr": 0.02})
    edited_at = c.race.head
    generation = c.race.generation
    qtbot.waitUntil(lambda: c.race.head > edited_at + 1000, timeout=FED_WITHIN_MS)
    c.player.pause()
    assert c.race.fed and c.race.generation == generation  # the worker took the edited race over
    same_as_computed_here(c, [(edited_at, "momentum", {"lr": 0.0005}), (edited_at, "adam", {"lr": 0.02})], here)


def test_a_worker_that_dies_mid_race_leaves_the_frames_to_step_it_themselves(tab, qtbot):
    c = play_fast(tab, qtbot)
    os.kill(c.ahead.driver._worker.process.pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: bool(c.ahead.broken), timeout=FED_WITHIN_MS)
    assert not c.race.fed and not c.ahead.running
    head = c.race.head
    qtbot.waitUntil(lambda: c.race.head > head + 200, timeout=FED_WITHIN_MS)  # still playing, stepped here
    c.player.pause()
    same_as_computed_here(c)


def test_a_worker_that_cannot_start_changes_nothing_but_where_steps_are_made(tab, qtbot, monkeypatch):
    def refuse(self):
        raise OSError("no more processes")

    monkeypatch.setattr(workers.ProcessWorker, "start", refuse)
    c = tab.controller
    c.set_surface("rosenbrock")
    c.player.set_speed(50.0)
    c.player.play()
    qtbot.waitUntil(lambda: c.race.head > 300, timeout=FED_WITHIN_MS)
    c.player.pause()
    assert "no more processes" in c.ahead.broken and not c.ahead.running
    same_as_computed_here(c)


def test_slow_play_starts_no_process(tab, qtbot):
    c = tab.controller
    c.player.set_speed(2.0)
    c.player.play()
    qtbot.waitUntil(lambda: c.race.head > 30, timeout=FED_WITHIN_MS)
    c.player.pause()
    assert not c.ahead.running


def test_choosing_a_fast_speed_starts_the_worker_before_play_and_a_slow_one_does_not(tab, qtbot, monkeypatch):
    """The process takes about a second to send its first rows, in which the frames would step the race
    themselves at a fraction of the speed asked for: it is started and given the race when the speed is chosen,
    so that from the first frame of Play not one step is made on the GUI thread."""
    c = tab.controller
    c.set_surface("rosenbrock")
    c.player.set_max_steps(100_000)
    c.player.set_speed(2.0)
    assert not c.ahead.running
    c.player.set_speed(20.0)
    assert c.ahead.running and not c.player.playing  # started
    assert tab.playback.speed.currentText() == "20×"  # the combo shows a speed set from code too
    qtbot.waitUntil(lambda: c.race.fed, timeout=FED_WITHIN_MS)  # its rows come before Play...
    assert c.race.head == 0 and c.player.position == 0  # ...and nothing is played until then
    made = count_local_steps(monkeypatch)
    c.player.play()
    qtbot.waitUntil(lambda: c.race.head > 500, timeout=FED_WITHIN_MS)
    c.player.pause()
    assert made == []
    same_as_computed_here(c)


@pytest.mark.parametrize("change", ["surface", "start", "edit", "shared lr", "noise", "reset"])
def test_a_change_after_choosing_a_fast_speed_reaches_the_waiting_worker_before_play(tab, qtbot, monkeypatch,
                                                                                     change):
    c = tab.controller
    c.set_surface("rosenbrock")
    c.player.set_max_steps(100_000)
    c.player.set_speed(20.0)
    qtbot.waitUntil(lambda: c.race.fed, timeout=FED_WITHIN_MS)
    before = c.race.generation
    if change == "surface":
        c.set_surface("saddle")
    elif change == "start":
        c.set_start(-0.5, 1.5)
    elif change == "edit":
        c.tuning.select("adam")
        c.tuning._hparams_edited({"lr": 0.03})
    elif change == "shared lr":
        c.tuning.set_shared_lr(True)
    elif change == "noise":
        c.tuning.set_noise(0.05)
    else:
        c.player.reset()
    assert c.race.generation != before and not c.race.fed and not c.player.playing
    qtbot.waitUntil(lambda: c.race.fed, timeout=FED_WITHIN_MS)  # the new race's rows, still before Play
    assert c.race.head == 0
    made = count_local_steps(monkeypatch)
    c.player.play()
    qtbot.waitUntil(lambda: c.race.head > 500, timeout=FED_WITHIN_MS)
    c.player.pause()
    assert made == []  # not one step on the GUI thread: what the worker computed is the race played
    same_as_computed_here(c)


def test_a_scene_loaded_at_a_fast_speed_starts_no_process_until_play(tab, qtbot):
    c = tab.controller
    c.load_scene(Scene(surface="rosenbrock", speed=50.0, max_steps=20_000))
    c.player.frames.flush()
    assert c.scene.speed == 50.0 and not c.ahead.running  # launching with a saved fast scene costs no process
    c.player.play()
    qtbot.waitUntil(lambda: c.race.fed, timeout=FED_WITHIN_MS)
    c.player.pause()
    assert c.ahead.running


def test_a_disabled_or_broken_worker_is_not_started_by_choosing_a_speed(tab):
    c = tab.controller
    c.ahead.enabled = False
    c.player.set_speed(50.0)
    assert not c.ahead.running
    c.ahead.enabled, c.ahead.broken = True, "the worker process ended"
    c.player.set_speed(20.0)
    assert not c.ahead.running


def test_closing_the_window_after_choosing_a_fast_speed_ends_the_waiting_worker(window, qtbot):
    c = window.tab("landscape").controller
    c.player.set_speed(50.0)
    process = c.ahead.driver._worker.process
    window.close()
    assert not c.ahead.running and not process.is_alive()


def test_closing_the_window_while_the_worker_computes_ends_the_process(window, qtbot):
    tab = window.tab("landscape")
    c = play_fast(tab, qtbot)
    process = c.ahead.driver._worker.process
    window.close()
    assert not c.ahead.running and not process.is_alive()


def test_a_job_the_worker_refuses_leaves_that_race_to_the_frames_and_the_worker_for_the_next(tab, qtbot):
    c = play_fast(tab, qtbot)
    c.race.changed()  # a new generation...
    generation = c.race.generation
    bad = ("custom", "f", "x**", "custom", (-1.0, 1.0, -1.0, 1.0), ((0.0, 0.0),))  # ...whose formula cannot be read
    c.ahead._sent = (id(c.race), generation)
    c.ahead.driver.post("job", generation, bad, {}, c.race.head, c.race.max_steps)
    head = c.race.head
    qtbot.waitUntil(lambda: c.race.head > head + 300, timeout=FED_WITHIN_MS)  # stepped here meanwhile
    assert not c.race.fed and c.ahead.running and not c.ahead.broken
    c.race.changed()  # the next generation is the worker's again
    qtbot.waitUntil(lambda: c.race.fed, timeout=FED_WITHIN_MS)
    c.player.pause()
    same_as_computed_here(c)


def test_the_selected_racer_gets_the_workers_states_more_often_and_a_new_selection_follows(tab, qtbot):
    """The aids rebuild the selected racer's picture ten times a second: the worker is told which racer that is
    and sends its states every FOCUS_EVERY steps; selecting another racer moves that to it."""
    from core.ahead import FOCUS_EVERY, STATE_EVERY

    def focused(method, after):
        states = c.race.tracks[method]._states
        return any(i > after and i % FOCUS_EVERY == 0 and i % STATE_EVERY for i in states)

    c = play_fast(tab, qtbot)
    first = c.scene.selected
    qtbot.waitUntil(lambda: focused(first, 0), timeout=FED_WITHIN_MS)
    other = next(m for m in ("adam", "sgd") if m != first and m in c.race.tracks)
    assert not focused(other, 0)
    c.tuning.select(other)
    switched = max(track.fed_to for track in c.race.tracks.values())  # the worker tells it from here on
    qtbot.waitUntil(lambda: focused(other, switched), timeout=FED_WITHIN_MS)
    c.player.pause()
    same_as_computed_here(c)
