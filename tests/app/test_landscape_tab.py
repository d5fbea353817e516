"""The Landscape tab shows what core computes: heatmap = Surface.grid, markers = core.run's points, badges."""
import itertools
import json
import types

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

import core
from app.landscape import LandscapeTab
from app.landscape.controller import GRID_N
from app.landscape.model import Scene, SceneError
from app.landscape.panels.controls import point_text
from core.measures import heat, heat_box, inner_columns
from core.paths import ALL_METHODS as METHODS


def drawn(tab):
    """The tab after the redraw it asked for (redraws are coalesced into one per frame)."""
    tab.controller.player.frames.flush()
    return tab


def marker(tab, method):
    return drawn(tab).trails.marker_position(method)


def expected_points(tab, method, steps):
    c = tab.controller
    return core.run(c.surface, method, c.start_point(), steps, **c.tuning.hparams_for(method)).points


def test_opens_on_the_saddle_with_all_eight_racers(tab):
    assert tab.controller.surface.key == "saddle"
    assert tab.controller.race.methods() == list(METHODS)
    assert all(marker(tab, m) == pytest.approx(tab.controller.surface.starts[0]) for m in METHODS)
    left, right = drawn(tab).charts.plots["loss"].viewRange()[0]
    assert left <= 0 and right >= 10  # the charts' iteration axis starts at a readable range


@pytest.mark.parametrize("key", ["rosenbrock", "himmelblau"])
def test_choosing_a_surface_shows_its_grid_in_the_chosen_colouring(tab, key):
    before = tab.view.image.image.copy()
    index = tab.picker.combo.findData(key)
    tab.picker.combo.setCurrentIndex(index)
    tab.picker.combo.activated.emit(index)  # what a user's pick emits
    surface = core.get_surface(key)
    assert tab.controller.surface.key == key
    shown = tab.view.image.image
    assert shown.shape != before.shape or not np.array_equal(shown, before, equal_nan=True)
    xs, _, z = surface.grid(GRID_N, view=heat_box(surface.view))  # the view, widened to fill the plot
    inner = inner_columns(xs, surface.view)
    expected = heat(z, surface.log_colors, surface.fmin, inner)
    np.testing.assert_array_equal(shown, expected.values)
    if surface.log_colors:  # Rosenbrock's valley floor gets its own colours: log10(f − f* + ε)
        eps = 1e-6 * np.nanmax(z[:, inner] - surface.fmin)
        np.testing.assert_allclose(shown, np.log10(z - surface.fmin + eps), rtol=1e-5)
    else:
        np.testing.assert_array_equal(shown, z.astype(np.float32))
    step = xs[1] - xs[0]
    assert 0 <= xs[inner][0] - surface.view[0] < step and 0 <= surface.view[1] - xs[inner][-1] < step
    assert tuple(tab.view.image.levels) == pytest.approx(expected.levels)
    assert len(tab.view.contours.xData) > 0
    assert tab.picker.lesson.full_text() == surface.lesson_at(surface.starts[0])
    xmin, xmax, ymin, ymax = tab.view.visible_box()
    vx0, vx1, vy0, vy1 = surface.view
    assert xmin <= vx0 + 1e-9 and xmax >= vx1 - 1e-9 and ymin <= vy0 + 1e-9 and ymax >= vy1 - 1e-9


def test_critical_points_are_marked(tab):
    tab.controller.set_surface("six_hump_camel")
    kinds = list(tab.view.critical.data["data"])
    assert kinds.count("minimum") == 6 and kinds.count("saddle") >= 1


def test_enabling_a_racer_adds_its_path(tab):
    tab.controller.set_racer("adam", False)
    assert marker(tab, "adam") is None and len(drawn(tab).trails.drawn("adam")) == 0
    for _ in range(3):
        tab.controller.player.step()
    tab.controller.set_racer("adam", True)
    points = expected_points(tab, "adam", 3)
    assert tab.controller.race.tracks["adam"].n == 4
    trail = drawn(tab).trails.drawn("adam")
    # The trail is core's points, thinned to one per screen pixel, from the start to the current point.
    assert all(any(np.array_equal(p, q) for q in points) for p in trail)
    np.testing.assert_array_equal(trail[[0, -1]], points[[0, -1]])
    assert marker(tab, "adam") == pytest.approx(tuple(points[3]))


def test_one_step_moves_every_marker_exactly_one_step(tab):
    tab.controller.set_surface("beale")
    tab.controller.player.step()
    for method in METHODS:
        assert marker(tab, method) == pytest.approx(tuple(expected_points(tab, method, 1)[1]), rel=1e-12)


def test_at_timeline_position_k_each_marker_is_where_core_run_was(tab, qtbot):
    tab.controller.set_surface("rosenbrock")
    tab.controller.race.advance(40)
    tab.controller.player.seek(tab.controller.race.head)
    drawn(tab).playback.timeline.setValue(12)  # a drag of the scrubber lands here
    assert tab.controller.player.position == 12
    for method in METHODS:
        points = expected_points(tab, method, 40)
        assert marker(tab, method) == pytest.approx(tuple(points[min(12, len(points) - 1)]), rel=1e-12)
    tab.controller.player.play()  # playing resumes from the end, not from the scrubbed step
    assert tab.controller.player.position == 40
    with qtbot.waitSignal(tab.controller.player.frameDrawn, timeout=2000):
        pass
    assert tab.controller.player.position > 40
    tab.controller.player.pause()


def test_playing_draws_one_frame_per_tick_coalescing_the_steps(tab, qtbot, monkeypatch):
    frames = []
    tab.controller.player.frameDrawn.connect(frames.append)
    tab.controller.player.set_speed(5.0)
    tab.controller.player.play()
    qtbot.waitUntil(lambda: tab.controller.race.head >= 20, timeout=5000)
    tab.controller.player.pause()
    steps = np.diff([0, *frames[:frames.index(tab.controller.race.head) + 1]])
    assert steps.min() >= 1 and steps.max() <= 5  # at most 5 steps per frame at 5×, each frame drawn once
    assert tab.controller.race.tracks["sgd"].n == tab.controller.race.head + 1
    # Unhurried (no time budget), every tick is exactly five steps and one redraw.
    import app.landscape.player as module

    monkeypatch.setattr(module, "STEP_BUDGET_S", 10.0)
    c = tab.controller
    c.player.playing, c.player.frames.ticking, head, frames[:] = True, True, c.race.head, []
    for _ in range(3):
        c.player.frames.frame()
    c.player.playing = c.player.frames.ticking = False
    assert tab.controller.race.head == head + 15 and frames == [head + 5, head + 10, head + 15]


def test_playing_a_chart_takes_a_new_x_range_on_its_own_turn_and_paused_all_show_the_same(tab):
    """A growing race widens the charts' x range now and then: while playing, each chart takes the new range in
    the frame of its turn (its lines then painted afresh once, not the old lines at the new scale first, and not
    all three charts in one frame); paused, every chart shows the same range."""
    import app.landscape.views.renderer as module

    c, charts = tab.controller, tab.charts
    c.scene.aids = dict.fromkeys(c.scene.aids, False)  # a chart every frame
    c.player.set_speed(4.0)  # stepped here, four steps a frame: the range grows every few frames
    c.player.set_max_steps(600)
    c.player.play()
    c.player.frames.stop()  # frames driven by hand
    c.player.playing = c.player.frames.ticking = True
    turns = []
    real = charts.refresh_dots
    charts.refresh_dots = lambda due, **kw: (turns.append(tuple(due)), real(due, **kw))[1]
    changes = 0
    for _ in range(120):
        before = dict(charts._right)
        turns.clear()
        c.player.frames.frame()
        moved = {name for name in module.CHARTS if charts._right[name] != before[name]}
        assert moved <= set(turns[0]), (moved, turns)  # only the chart whose turn it was
        changes += len(moved)
    assert changes >= 6  # the range grew several times (for each chart)
    c.player.pause()
    assert len(set(charts._right.values())) == 1


def test_playing_fast_the_charts_x_range_holds_the_next_second_and_standing_it_fits(tab, monkeypatch):
    """At 50× the x axis reaches where the race will be a second from now, so it steps out a few times a race
    (each step draws a chart afresh) instead of at every nice number; a paused, reset or finished race is fitted
    exactly, and the range is never wider than Max steps needs."""
    import app.landscape.player as player

    c, charts = tab.controller, tab.charts
    c.ahead.enabled = False  # every owed step made by the frames, 50 a frame
    c.scene.aids = dict.fromkeys(c.scene.aids, False)  # a chart's turn every frame (aids frames skip theirs)
    monkeypatch.setattr(player, "STEP_BUDGET_S", 10.0)
    c.player.set_max_steps(20_000)
    c.player.set_speed(50.0)
    c.player.play()
    c.player.frames.stop()  # frames driven by hand
    c.player.playing = c.player.frames.ticking = True
    changes, ahead = 0, 50 * 1000 / player.FRAME_MS  # a second of play: 3,125 iterations
    for frame in range(120):
        before = dict(charts._right)
        c.player.frames.frame()
        changes += sum(charts._right[name] != before[name] for name in before)
        if frame >= 3:  # every chart has had its turn
            assert min(charts._right.values()) >= c.race.head + ahead, (c.race.head, charts._right)
    assert c.race.head == 6000
    assert changes <= 3 * 3  # 5,000, 10,000, 20,000 for each chart (at every nice number from 10: 3 × 27)
    assert max(charts._right.values()) == 20_000.0  # 1.1 × (6,000 + 3,125), up to 1, 2 or 5 × 10ᵏ (on their turns)
    c.player.toggle_play()  # paused: every chart fits the race, 1.1 × 6,000 to a nice number
    c.player.frames.flush()
    assert set(charts._right.values()) == {8000.0}
    c.player.reset()
    c.player.frames.flush()
    assert set(charts._right.values()) == {10.0}  # a new race starts tight again
    c.player.set_max_steps(1000)  # playing, the range reaches 1.1 × (0 + 3,125), but Max steps is 1,000
    c.player.play()
    c.player.frames.stop()
    c.player.playing = c.player.frames.ticking = True
    for _ in range(3):
        c.player.frames.frame()
    assert max(charts._right.values()) == 1500.0  # not 5,000
    while c.player.playing:
        c.player.frames.frame()
    c.player.frames.flush()
    assert c.race.head == 1000 and set(charts._right.values()) == {1500.0}  # 1.1 × 1,000, to a nice number
    c.player.set_max_steps(300)  # lowered below the head: the race stands at 1,000, and still fits
    c.player.frames.flush()
    assert set(charts._right.values()) == {1500.0}


def test_playing_the_aids_take_frames_of_their_own_and_the_charts_keep_their_turns(tab, monkeypatch):
    """While playing, the three charts take turns and the aids come at 10 Hz; a frame that redraws the aids skips
    its chart's turn (the two do not stack up in one frame), but never two frames running: were the aids due every
    frame (a slow machine), the charts would still be drawn every other frame."""
    import app.landscape.views.renderer as module

    c = tab.controller
    frames = []  # per frame: (the charts whose turn it was, whether the aids were drawn)
    turn, aids_shown = [], []
    monkeypatch.setattr(tab.aids, "show", lambda *args: aids_shown.append(1))
    monkeypatch.setattr(tab.charts, "refresh_dots", lambda due: turn.append(tuple(due)))
    c.player.set_speed(5.0)
    c.player.play()  # frames are driven by hand below
    c.player.frames.stop()
    c.player.playing = c.player.frames.ticking = True

    clock = [1000.0]  # the renderer's clock: 16 ms a frame, however long a frame takes on a loaded machine
    monkeypatch.setattr(module, "time", types.SimpleNamespace(perf_counter=lambda: clock[0]))

    def frame():
        turn.clear()
        aids_shown.clear()
        clock[0] += 0.016
        c.player.frames.frame()
        assert len(turn) == 1  # one draw per frame
        frames.append((turn[0], bool(aids_shown)))

    for _ in range(3):
        frames.clear()
        for _ in range(20):  # three aids frames (every 0.1 s)
            frame()
        assert sum(aids for _, aids in frames) == 3
        assert all(not due for due, aids in frames if aids) and all(len(due) == 1 for due, aids in frames if not aids)
        turns = [module.CHARTS.index(due[0]) for due, _ in frames if due]
        assert all(b == (a + 1) % 3 for a, b in itertools.pairwise(turns)), turns  # in turn, none left out
    monkeypatch.setattr(module, "AIDS_EVERY_S", 0.0)  # the aids due every frame
    frames.clear()
    for _ in range(12):
        frame()
    assert all(aids for _, aids in frames)
    charted = [bool(due) for due, _ in frames]
    assert charted in ([False, True] * 6, [True, False] * 6)
    assert {due[0] for due, _ in frames if due} == set(module.CHARTS)
    tab.controller.scene.aids = dict.fromkeys(tab.controller.scene.aids, False)  # no aids: a chart every frame
    frames.clear()
    for _ in range(6):
        frame()
    assert all(len(due) == 1 for due, _ in frames)
    c.player.playing = c.player.frames.ticking = False
    c.player.pause()


def test_a_click_on_the_surface_sets_the_start_point(tab):
    tab.controller.set_surface("himmelblau")
    target = (1.5, -2.0)
    QTest.mouseClick(tab.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     tab.view.map_to_widget(*target))
    (xmin, xmax, _, _) = tab.view.visible_box()
    pixel = (xmax - xmin) / tab.view.viewport().width()
    assert tab.controller.scene.start == pytest.approx(target, abs=2 * pixel)
    assert tab.view.start_point() == pytest.approx(tab.controller.scene.start)
    assert all(marker(tab, m) == pytest.approx(tab.controller.scene.start) for m in METHODS)
    box = tab.picker.presets
    assert box.currentIndex() == -1 and box.currentText() == point_text(*tab.controller.scene.start)
    assert box.lineEdit().width() >= box.fontMetrics().horizontalAdvance(box.currentText())  # not cut off


def test_the_lesson_follows_the_start_a_preset_keeps_its_own_a_clicked_start_the_general_one(tab):
    tab.controller.set_surface("saddle")
    surface = tab.controller.surface
    assert tab.picker.lesson.full_text() == surface.start_lessons[0] != surface.lesson
    QTest.mouseClick(tab.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     tab.view.map_to_widget(1.0, 1.0))
    assert tab.picker.lesson.full_text() == surface.lesson  # no longer the preset's "started almost on the line"
    tab.picker.presets.activated.emit(0)
    assert tab.picker.lesson.full_text() == surface.start_lessons[0]


def test_dragging_the_start_marker_moves_the_start_and_leaves_the_view(tab):
    tab.controller.set_surface("himmelblau")
    viewport, box = tab.view.viewport(), tab.view.visible_box()
    begin, end = tab.view.map_to_widget(*tab.controller.start_point()), tab.view.map_to_widget(2.0, -1.0)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, begin)
    for t in range(1, 11):
        QTest.mouseMove(viewport, begin + (end - begin) * (t / 10))
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    pixel = (box[1] - box[0]) / viewport.width()
    assert tab.controller.scene.start == pytest.approx((2.0, -1.0), abs=2 * pixel)
    assert tab.view.visible_box() == pytest.approx(box)  # the marker moved, the map did not pan
    assert all(marker(tab, m) == pytest.approx(tab.controller.scene.start) for m in METHODS)


def test_a_start_preset_restarts_every_racer_there(tab):
    surface = tab.controller.surface
    tab.controller.race.advance(5)
    tab.picker.presets.activated.emit(1)
    assert tab.controller.race.head == 0 and tab.controller.start_point() == surface.starts[1]
    assert all(marker(tab, m) == pytest.approx(surface.starts[1]) for m in METHODS)


def test_sgd_with_a_huge_lr_is_marked_diverged_while_the_others_go_on(tab, qtbot):
    tab.controller.load_scene(Scene(surface="bowl", hparams={"sgd": {"lr": 1e6}}, speed=10.0))
    tab.controller.player.play()
    qtbot.waitUntil(lambda: "diverged" in drawn(tab).racers.badges["sgd"].text(), timeout=5000)
    assert "✗" in drawn(tab).racers.badges["sgd"].text()
    head = tab.controller.race.head
    qtbot.waitUntil(lambda: tab.controller.race.head > head + 10, timeout=5000)
    assert tab.controller.race.tracks["adam"].status == "running"
    assert drawn(tab).racers.badges["adam"].text().startswith("…")
    tab.controller.player.pause()


def test_converged_badge_names_the_step(tab):
    tab.controller.set_surface("bowl")
    tab.controller.race.advance(5)
    tab.controller.player.seek(5)
    assert drawn(tab).racers.badges["newton"].text().startswith("✓ converged at step 1")
    tab.controller.player.seek(0)
    assert drawn(tab).racers.badges["newton"].text() == "… running"


def test_an_invalid_formula_shows_the_parser_message_and_keeps_the_surface(tab):
    tab.controller.set_surface("beale")
    image = tab.view.image.image.copy()
    tab.formula.set_formula("x**2 + z")
    tab.formula.apply()
    assert "unknown name 'z'" in tab.formula.error()
    assert tab.controller.surface.key == "beale" and tab.controller.scene.surface == "beale"
    np.testing.assert_array_equal(tab.view.image.image, image)


def test_a_valid_formula_becomes_the_surface(tab):
    tab.formula.set_formula("x**2 + 4*y**2")
    tab.formula.set_view((-2, 2, -1, 1))
    tab.formula.apply()
    assert tab.controller.surface.key == "custom" and tab.controller.scene.formula == "x**2 + 4*y**2"
    assert tab.controller.scene.domain == (-2, 2, -1, 1)
    assert tab.picker.current_key() == "custom"
    surface = tab.controller.surface
    xs, _, z = surface.grid(GRID_N, view=heat_box(surface.view))
    np.testing.assert_array_equal(tab.view.image.image,
                                  heat(z, surface.log_colors, None, inner_columns(xs, surface.view)).values)


def test_an_hparam_edit_mid_run_applies_from_the_next_step(tab):
    tab.controller.set_surface("bowl")
    tab.controller.tuning.select("adam")
    for _ in range(5):
        tab.controller.player.step()
    old = tab.controller.tuning.hparams_for("adam")
    tab.editor.editor("lr").control.box.setValue(0.5)  # as if typed, then Enter
    assert tab.controller.tuning.hparams_for("adam")["lr"] == 0.5
    tab.controller.player.step()
    runner = core.Runner(tab.controller.surface, "adam", tab.controller.start_point(), **old)
    for _ in range(5):
        runner.step()
    runner.set(lr=0.5)
    assert marker(tab, "adam") == pytest.approx(tuple(runner.step().point), rel=1e-12)
    assert "lr = 0.5" in tab.equation.values_label.text() or "γ = 0.5" in tab.equation.values_label.text()


def test_shared_lr_reaches_every_first_order_racer(tab):
    tab.shared_lr_value.setValue(0.02)
    tab.shared_lr.setChecked(True)
    tab.shared_lr_value.valueChanged.emit(0.02)
    for method in METHODS[:6]:
        assert tab.controller.race.tracks[method].runner.optimizer.hparams["lr"] == 0.02
    assert tab.controller.race.tracks["newton"].runner.optimizer.hparams["lr"] == 1.0
    tab.controller.tuning.select("adam")
    assert not tab.editor.editor("lr").isEnabled()


def test_noise_sigma_goes_to_every_runner(tab):
    tab.noise.valueChanged.emit(0.5)
    assert all(track.runner.noise == 0.5 for track in tab.controller.race.tracks.values())


def test_evaluation_axis_shows_the_price_of_second_order_steps(tab):
    tab.controller.set_surface("rosenbrock")
    tab.controller.race.advance(10)
    tab.controller.player.seek(10)
    tab.controller.tuning.set_x_axis("evaluations")
    newton, _ = drawn(tab).charts.drawn("loss", "newton")
    evals = tab.controller.race.tracks["newton"].evals
    n = tab.controller.race.tracks["newton"].n
    np.testing.assert_array_equal(newton, np.maximum(evals[:n, 0], evals[:n, 1]) + 2 * evals[:n, 2])
    assert newton[1] == 3  # one gradient and one Hessian
    sgd, _ = drawn(tab).charts.drawn("loss", "sgd")
    np.testing.assert_array_equal(sgd, np.arange(11))


@pytest.mark.parametrize("method, aid, parts", [
    ("momentum", "velocity", {"velocity", "velocity.head", "velocity.label"}),
    ("nesterov", "lookahead", {"lookahead", "lookahead.path"}),
    ("adam", "m_hat", {"m_hat", "m_hat.head", "m_hat.label"}),
    ("rmsprop", "accum", {"accum", "accum.text", "legs"}),
    ("newton", "quadratic", {"quadratic", "eigen", "eigen.text"}),
    ("lbfgs", "trials", {"trials", "trials.line"}),
])
def test_visual_aids_appear_for_the_selected_racer(tab, method, aid, parts):
    tab.controller.set_surface("rosenbrock")
    tab.controller.tuning.select(method)
    tab.controller.tuning.set_aid(aid, True)
    tab.controller.player.step()
    tab.controller.player.step()
    tab.controller.player.seek(1)
    assert parts <= drawn(tab).aids.drawn()
    tab.controller.tuning.set_aid(aid, False)
    assert not parts & drawn(tab).aids.drawn()
    aids = drawn(tab).aids  # as they always lay: the lines under the markers, the arrows and notes over them
    assert aids.model_lines.zValue() < aids.under.zValue() < aids.lookahead.zValue() < aids.overlay.zValue()


def test_lookahead_point_is_cores(tab):
    tab.controller.tuning.select("nesterov")
    tab.controller.tuning.set_aid("lookahead", True)
    tab.controller.player.step()
    ahead = tab.controller.race.tracks["nesterov"].step_at(1).info["lookahead"]
    spot = drawn(tab).aids.lookahead.data[0]
    assert (spot["x"], spot["y"]) == pytest.approx(tuple(ahead))


def test_presentation_mode_makes_labels_at_least_20px(tab):
    tab.set_presentation(True)
    assert tab.picker.lesson.font().pixelSize() >= 20
    assert tab.racers.checks["sgd"].font().pixelSize() >= 20
    assert tab.playback.play_button.font().pixelSize() >= 20
    assert tab.view.plot.getAxis("bottom").style["tickFont"].pixelSize() >= 20
    assert drawn(tab).trails.pen("sgd").widthF() > 2
    tab.set_presentation(False)
    assert tab.racers.checks["sgd"].font().pixelSize() < 20


def test_tab_scene_round_trips_through_json(tab, qtbot):
    tab.controller.set_surface("himmelblau")
    tab.controller.set_start(0.5, 0.5)
    tab.controller.set_racer("lbfgs", False)
    tab.controller.tuning.select("adam")
    tab.controller.tuning.set_aid("m_hat", True)
    text = tab.controller.to_json()
    other = LandscapeTab()
    qtbot.addWidget(other)
    other.controller.load_json(text)
    assert other.controller.scene == tab.controller.scene
    assert other.controller.surface.key == "himmelblau" and other.controller.start_point() == (0.5, 0.5)
    assert other.controller.race.methods() == [m for m in METHODS if m != "lbfgs"]
    assert other.racers.radios["adam"].isChecked()
    other.shutdown()


def test_badges_tell_ready_saddle_escape_and_max_steps_apart(tab):
    c = tab.controller
    c.set_surface("saddle")
    badges = drawn(tab).racers.badges
    assert badges["sgd"].text().startswith("•") and "ready" in badges["sgd"].text()  # nothing ran yet
    c.player.set_max_steps(300)
    while not c.race.finished:
        c.race.advance(100)
    c.player.seek(c.race.head)
    badges = drawn(tab).racers.badges
    assert badges["newton"].text().startswith("⊘") and "saddle point" in badges["newton"].text()  # not a ✓
    assert badges["sgd"].text().startswith("■") and "Max steps" in badges["sgd"].text()  # not "… running"
    c.player.set_max_steps(1000)
    while not c.race.finished:
        c.race.advance(100)
    c.player.seek(c.race.head)
    badges = drawn(tab).racers.badges
    assert badges["momentum"].text().startswith("↘") and "unbounded below" in badges["momentum"].text()
    tab.set_presentation(True)  # a projector's panel: one line per badge, the whole status on hover
    badges = drawn(tab).racers.badges
    assert badges["newton"].text() == "⊘ saddle" and "Hessian is indefinite" in badges["newton"].toolTip()
    assert badges["momentum"].text() == "↘ escaped" and "unbounded below" in badges["momentum"].toolTip()
    assert badges["sgd"].text().startswith("↘ escaped") or badges["sgd"].text().startswith("■")
    metrics = badges["newton"].fontMetrics()
    assert all(b.height() < 2 * metrics.lineSpacing() for b in badges.values())  # one line each
    tab.set_presentation(False)
    assert "Hessian is indefinite" in drawn(tab).racers.badges["newton"].text()  # the whole status again


@pytest.mark.parametrize("formula", ["1e300*x**2 + y**2", "-1e300*x**2 + 1e300*y**2", "1e38*x^2+1e38"])
def test_a_formula_that_overflows_is_shown_with_clipped_colours_never_half_switched(tab, qtbot, formula):
    tab.formula.edit.setText(formula)
    tab.formula.apply()
    drawn(tab).repaint()  # paint now: the colour bar must not raise
    c = tab.controller
    assert c.surface.formula == formula and c.race.surface is c.surface  # the racers race what is shown
    levels = tab.view.image.levels
    assert np.all(np.isfinite(levels)) and levels[1] > levels[0]


def test_a_refused_scene_file_changes_nothing(tab):
    c = tab.controller
    c.set_surface("beale")
    before = c.scene.to_dict()
    bad = json.dumps({**before, "surface": "custom", "formula": "x^2", "domain": [-1e308, 1e308, -1, 1]})
    with pytest.raises(SceneError, match="domain"):
        c.load_json(bad)
    assert c.scene.to_dict() == before and c.surface.key == "beale"


def test_an_lr_edit_stays_with_its_surface_unless_pinned(tab):
    c = tab.controller
    c.set_surface("bowl")
    c.tuning.select("momentum")
    tab.editor.changed.emit({"lr": 0.05})
    assert c.tuning.hparams_for("momentum")["lr"] == 0.05
    c.set_surface("rosenbrock")  # Momentum at lr 0.05 would diverge here at step 3: its tuned value comes back
    assert c.tuning.hparams_for("momentum")["lr"] == 1e-3 and "momentum" not in c.scene.hparams
    assert tab.editor.values()["lr"] == 1e-3
    c.set_surface("bowl")  # and the edit comes back with its surface
    assert c.tuning.hparams_for("momentum")["lr"] == 0.05
    tab.side.pinned.setChecked(True)  # pinned: the edit follows, and the box says so
    assert c.scene.pinned
    c.set_surface("rosenbrock")
    assert c.tuning.hparams_for("momentum")["lr"] == 0.05 and tab.side.pinned.isChecked()


def test_the_speed_label_says_what_is_achieved_when_the_machine_cannot_keep_up(tab, monkeypatch):
    import types

    import app.landscape.player as module

    c = tab.controller
    c.ahead.enabled = False  # the GUI thread's own stepping (the worker's is tested in test_landscape_ahead)
    c.player.set_max_steps(20_000)
    # A slow machine, on a clock of its own (a fast one made 50× within the real budget, back to back): every
    # look at the clock takes 1 ms, so the 5 ms stepping budget runs out after a few of the 50 steps owed.
    clock = [100.0]

    def perf_counter():
        clock[0] += 0.001
        return clock[0]

    monkeypatch.setattr(module, "time", types.SimpleNamespace(perf_counter=perf_counter))
    c.player.set_speed(50.0)
    c.player.playing = c.player.frames.ticking = True
    for _ in range(40):
        c.player.frames.frame()
    label = tab.playback.achieved
    assert "now" in label.text() and "50" not in label.text()
    monkeypatch.setattr(module, "STEP_BUDGET_S", 10.0)
    c.player.set_speed(1.0)
    c.player.frames.frame()
    assert label.text() == ""  # keeping up: the label says nothing (its place in the row stays)
    c.player.playing = c.player.frames.ticking = False


def test_the_speed_label_counts_frames_that_come_late_and_is_gone_once_the_race_stands(tab, monkeypatch):
    """A slow machine may make every step it owes per frame but paint fewer frames than FRAME_MS allows: the
    label then says the speed really reached (steps per second against 1×'s step per nominal frame)."""
    import types

    import app.landscape.player as module

    clock = [100.0]
    monkeypatch.setattr(module, "time", types.SimpleNamespace(perf_counter=lambda: clock[0]))
    c = tab.controller
    c.ahead.enabled = False  # every owed step made by the frame itself, whatever a worker would deliver
    c.player.set_max_steps(20_000)
    c.player.set_speed(50.0)
    c.player.play()
    for _ in range(30):
        c.player.frames.frame()  # every owed step is made (the clock stands still within a frame)...
        clock[0] += 0.07  # ...but a frame comes every 70 ms instead of every 16
    label = tab.playback.achieved
    made_per_s = 50 / 0.07
    expected = round(made_per_s * module.FRAME_MS / 1000)  # 11×
    assert label.text() == f"≈ {expected}× now", label.text()
    c.player.pause()
    assert label.text() == ""  # a standing race claims no speed
    c.player.play()
    for _ in range(30):
        c.player.frames.frame()
        clock[0] += 0.016  # frames on time: 50× is really reached, and the label says nothing
    assert label.text() == ""
    c.player.pause()


def test_while_playing_the_aids_follow_at_10_hz_and_are_exact_when_the_race_stands(tab, monkeypatch):
    shown = []
    real = tab.aids.show
    monkeypatch.setattr(tab.aids, "show", lambda *args: (shown.append(args[2]), real(*args)))
    race, scene, renderer = tab.controller.race, tab.controller.scene, tab.renderer
    race.advance(3)
    renderer.draw(race, 1, True, scene)
    renderer.draw(race, 2, True, scene)  # the next frame, well within 0.1 s: the aids wait
    assert shown == [1]
    renderer.draw(race, 3, False, scene)  # paused, stepped or scrubbed: exact at once
    assert shown == [1, 3]


def test_the_aids_notes_stay_inside_the_view(tab):
    """Newton's eigenvalue note beside a point near the view's right edge moves left to end inside the view (it
    was cut at the edge), and never past the left edge."""
    c = tab.controller
    c.set_surface("rosenbrock")
    c.tuning.select("newton")
    for aid in c.scene.aids:
        c.tuning.set_aid(aid, True)
    c.race.advance(3)
    box = tab.view.visible_box()
    aids, track = tab.aids, c.race.tracks["newton"]
    pixel = tab.view.plot.getViewBox().viewPixelSize()[0]
    shown = 0
    for k in range(track.n - 1):
        aids.show("newton", track, k, c.scene.aids, box)
        note = aids.overlay.note_rect("eigen.text")
        if note is None:
            continue
        shown += 1
        assert box[0] - pixel <= note.left() and note.right() <= box[1] + pixel, (k, note, box)
    assert shown
    tab.view.plot.getViewBox().setXRange(box[0] - 3.0, box[0] + 2.0, padding=0)  # the points near the right edge
    box = tab.view.visible_box()
    aids.show("newton", track, 1, c.scene.aids, box)
    pixel = tab.view.plot.getViewBox().viewPixelSize()[0]
    note = aids.overlay.note_rect("eigen.text")
    assert box[0] - pixel <= note.left() and note.right() <= box[1] + pixel, (note, box)
    assert note.right() > box[1] - 3 * note.width() / 2  # it was moved left, not dropped at the left edge


def test_each_chart_dot_marks_where_its_racer_is_at_the_timeline_position(tab):
    c = tab.controller
    c.set_surface("rosenbrock")
    c.race.advance(30)
    c.player.seek(12)
    dot = drawn(tab).charts.dots["grad_norm"]["sgd"]
    track = c.race.tracks["sgd"]
    assert dot.isVisible()
    assert (dot.x(), dot.y()) == pytest.approx((12.0, np.log10(track.grad_norms[12])))
    c.set_racer("sgd", False)
    assert not drawn(tab).charts.dots["grad_norm"]["sgd"].isVisible()


def test_playing_at_the_head_the_timeline_is_not_reset_every_frame_but_is_exact_when_paused(tab, monkeypatch):
    from app.landscape.panels import playback

    monkeypatch.setattr(playback, "TIMELINE_EVERY_S", 1e9)  # however slow the machine: within one refresh
    bar = tab.playback
    bar.show_state(False, 10, 10)
    bar.show_state(True, 10, 10)
    assert (bar.timeline.maximum(), bar.timeline.value()) == (10, 10)
    bar.show_state(True, 11, 11)  # the handle would not move: left alone
    assert bar.timeline.maximum() == 10 and bar.position.text().endswith("11 / 11")
    bar.show_state(False, 11, 11)  # paused: exact
    assert (bar.timeline.maximum(), bar.timeline.value()) == (11, 11)
    bar.show_state(True, 5, 11)  # replaying behind the head: exact every frame
    assert bar.timeline.value() == 5


@pytest.mark.parametrize("kind", ["counter", "qlabel"])
def test_the_step_counter_changes_without_redoing_the_layout_and_fits_its_widest_text(qtbot, kind):
    """A QLabel asks for a new layout on every setText; the timeline's counter (a new text every frame) does not,
    and is as wide as its widest text."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QWidget

    from app.widgets.counter import CounterLabel

    row = QWidget()
    qtbot.addWidget(row)
    label = CounterLabel("step 100000 / 100000", row) if kind == "counter" else QLabel(row)
    QHBoxLayout(row).addWidget(label)
    row.show()
    qtbot.waitExposed(row)
    row.layout().activate()
    for _ in range(3):  # the layout requests of showing it are done
        QApplication.processEvents()
    requests = []

    class Watch(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.LayoutRequest and obj is row:
                requests.append(obj)
            return False

    watch = Watch()
    row.installEventFilter(watch)
    for k in range(1, 30):
        label.setText(f"step {k * 37} / {k * 37}")
        QApplication.processEvents()
    assert label.text() == "step 1073 / 1073"
    if kind == "counter":
        assert label.accessibleName() == "step 1073 / 1073"  # read out as a QLabel's text would be
    if kind == "qlabel":
        assert requests  # what the counter avoids
    else:
        assert not requests  # a new count only repaints it
        assert label.width() >= label.fontMetrics().horizontalAdvance("step 100000 / 100000")


def test_the_speed_reached_changes_its_number_at_most_twice_a_second_but_goes_at_once(tab, monkeypatch):
    import types

    from PySide6.QtWidgets import QApplication

    from app.landscape.panels import playback

    clock = [50.0]
    monkeypatch.setattr(playback, "time", types.SimpleNamespace(monotonic=lambda: clock[0]))
    bar, label = tab.playback, tab.playback.achieved
    geometry = bar.controls.geometry(), bar.speed.geometry(), bar.max_steps.geometry()
    bar.show_achieved(50.0, 11.0)
    assert label.text() == "≈ 11× now"
    clock[0] += 0.1
    bar.show_achieved(50.0, 13.0)
    assert label.text() == "≈ 11× now"  # too soon: the number stays readable
    clock[0] += 0.5
    bar.show_achieved(50.0, 13.0)
    assert label.text() == "≈ 13× now"
    clock[0] += 0.01
    bar.show_achieved(50.0, None)  # keeping up again: gone at once
    assert label.text() == ""
    QApplication.processEvents()
    assert (bar.controls.geometry(), bar.speed.geometry(), bar.max_steps.geometry()) == geometry  # nothing moved


def test_arrow_labels_at_a_race_start_do_not_cover_each_other(tab, qtbot):
    """Momentum's gradient, velocity and step arrows start almost together on the saddle (the default scene's):
    their labels, drawn over each other before (seen projected at 1280×720), are apart."""
    from app.widgets.overlay import NOTE_PAD

    tab.set_presentation(True)
    tab.resize(1280, 720)
    qtbot.waitUntil(lambda: tab.width() == 1280)
    c = tab.controller
    c.set_surface("saddle")
    c.tuning.select("momentum")
    for aid in ("gradient", "velocity", "step"):
        c.tuning.set_aid(aid, True)
    for _ in range(2):
        c.player.step()
    aids = drawn(tab).aids
    names = [n for n in ("gradient.label", "velocity.label", "step.label") if n in aids.drawn()]
    assert len(names) == 3, aids.drawn()
    rects = [aids.overlay.note_rect(n) for n in names]
    dx, dy = (pixels * (NOTE_PAD - 1) for pixels in tab.view.plot.getViewBox().viewPixelSize())
    texts = [r.adjusted(dx, dy, -dx, -dy) for r in rects]  # within their boxes' padding
    for a, b in itertools.combinations(texts, 2):
        assert not a.intersects(b), (names, rects)


def test_play_and_pause_keep_the_playback_buttons_in_place(tab, qtbot):
    """The Play button was as wide as its text, so every Space moved Step, Reset, Speed and Max steps sideways (seen
    by a helper trying the app at 1280×720): it now asks for the width of its widest text, and
    its neighbours stay where they are. (In projector mode: offscreen, at the normal size, both texts are narrower
    than a push button's minimum width.)"""
    from PySide6.QtWidgets import QPushButton

    tab.set_presentation(True)
    bar, player = tab.playback, tab.controller.player
    plain = QPushButton()
    plain.setFont(bar.play_button.font())
    widest = 0
    for text in ("▶ Play", "❚❚ Pause"):
        plain.setText(text)
        widest = max(widest, plain.sizeHint().width())
    hints, places = set(), set()
    for act in (player.play, player.pause, player.play, player.pause):
        act()
        hints.add(bar.play_button.sizeHint().width())
        qtbot.waitUntil(lambda: bar.play_button.width() == bar.play_button.sizeHint().width())
        places.add(tuple(w.x() for w in (bar.step_button, bar.reset_button, bar.speed)))
    assert hints == {widest}
    assert len(places) == 1, places
