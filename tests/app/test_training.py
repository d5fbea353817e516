"""The Training tab trains in a worker process: curves grow, switches are marked, stop halts at once, close ends
the worker, divergence shows a banner, races run in lockstep, Space toggles play/pause."""
import math
import time

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.training import TrainingTab
from app.training.engines import Predictions
from app.window import MainWindow
from core.data import Dataset, load_mnist


@pytest.fixture(scope="module")
def tiny():
    """600 training and 150 validation digits from the bundled set: fast enough for many short runs."""
    data = load_mnist("bundled")
    return Dataset(name="tiny digits", train_x=data.train_x[:600], train_y=data.train_y[:600],
                   val_x=data.val_x[:150], val_y=data.val_y[:150])


@pytest.fixture
def tab(qtbot, tiny):
    tab = TrainingTab()
    qtbot.addWidget(tab)
    tab.resize(1300, 850)
    tab.add_dataset(tiny)
    tab.controls.hidden_text.setText("32,32")
    tab.controls._hidden_edited("32,32")
    tab.controls.batch_size.setValue(32)
    tab.controls.eval_every.setValue(10)
    tab.controls.iterations.setValue(100_000)
    yield tab
    tab.shutdown()
    assert not tab.controller.driver.alive, "a test left a training worker running"


def _steps(tab, label=None):
    record = next(iter(tab.curves.records.values())) if label is None else tab.curves.records[label]
    return len(record.steps)


def test_a_short_run_emits_metrics_and_the_charts_grow(qtbot, tab):
    tab.controls.iterations.setValue(60)
    with qtbot.waitSignal(tab.controller.driver.ended, timeout=20000) as ended:
        tab.controller.toggle_play()
        assert tab.controller.driver.alive
    assert ended.args == ["done"] and tab.controller.state == "finished"
    record = next(iter(tab.curves.records.values()))
    assert len(record.steps) == 60
    np.testing.assert_array_equal(record.steps.col("iteration"), np.arange(1, 61))
    assert np.all(np.isfinite(record.steps.col("loss")))
    assert record.steps.col("smooth")[-1] < record.steps.col("smooth")[0]  # it learns
    # evaluation at 0 (before training), every 10 iterations, and at the end
    np.testing.assert_array_equal(record.evals.col("iteration"), [0, 10, 20, 30, 40, 50, 60])
    group = tab.curves.loss._groups[id(record)]
    smooth = group["items"]["smooth"]
    assert len(smooth.xData) == 60 and np.allclose(smooth.yData, record.steps.col("smooth"))
    assert len(tab.curves.accuracy._groups[id(record)]["items"]["val"].xData) == 7
    assert "finished" in tab.toolbar.status.text()
    assert tab.diagnostics.iteration > 0  # core's diagnostics arrived
    assert "ln(10)" in tab.diagnostics.initial.text() and "✓" in tab.diagnostics.initial.text()


def test_the_chart_grows_while_training_runs(qtbot, tab):
    tab.controller.toggle_play()
    record = next(iter(tab.curves.records.values()))
    curve = tab.curves.loss._groups[id(record)]["items"]["raw"]
    qtbot.waitUntil(lambda: curve.xData is not None and len(curve.xData) >= 5, timeout=10000)
    first = len(curve.xData)
    qtbot.waitUntil(lambda: len(curve.xData) > first + 5, timeout=10000)
    assert tab.controller.state == "running"


def test_switching_optimizer_mid_run_marks_the_switch(qtbot, tab):
    tab.controller.toggle_play()
    qtbot.waitUntil(lambda: _steps(tab) >= 15, timeout=10000)
    tab.controls.choose_method("adam")
    record = next(iter(tab.curves.records.values()))
    qtbot.waitUntil(lambda: len(record.events) == 1, timeout=5000)
    group = tab.curves.loss._groups[id(record)]
    qtbot.waitUntil(lambda: len(group["markers"]) == 1, timeout=2000)
    marker = group["markers"][0]
    assert "SGD → Adam" in marker.label.toPlainText()
    assert marker.value() == pytest.approx(record.events[0][0])
    qtbot.waitUntil(lambda: record.steps.last("iteration") > record.events[0][0] + 5, timeout=10000)
    tab.controller.stop()
    assert tab.model.settings["optimizer"] == "adam"  # the next run starts with what was switched to
    # the curve goes on past the switch, and the marker follows a change of x-axis
    tab.toolbar.x_axis.setCurrentIndex(tab.toolbar.x_axis.findData("epochs"))
    assert marker.value() == pytest.approx(record.position(record.events[0][0], "epoch"))
    assert marker.value() < record.steps.last("epoch")


def test_a_hyperparameter_change_mid_run_is_one_marker(qtbot, tab):
    tab.controller.toggle_play()
    qtbot.waitUntil(lambda: _steps(tab) >= 5, timeout=10000)
    tab.controls.editor.editor("lr").control.setValue(0.05)
    tab.controls._hparams_edited({"lr": 0.03})
    tab.controls._hparams_edited({"lr": 0.05})  # a drag: several edits, one change
    record = next(iter(tab.curves.records.values()))
    qtbot.waitUntil(lambda: len(record.events) == 1, timeout=5000)
    assert record.events[0][1] == "lr 0.1 → 0.05"  # from SGD's typical training lr (core.methods)
    qtbot.waitUntil(lambda: _steps(tab) > record.events[0][0] + 2, timeout=5000)
    assert len(record.events) == 1


def test_stop_halts_training_at_once_and_space_continues_the_same_network(qtbot, tab):
    tab.controller.toggle_play()
    qtbot.waitUntil(lambda: _steps(tab) >= 3, timeout=10000)
    tab.controller.stop()
    assert tab.controller.state == "paused"
    qtbot.wait(200)
    tab.controller.driver.flush()
    steps = _steps(tab)
    qtbot.wait(200)  # the event loop runs; nothing more arrives
    tab.controller.driver.flush()
    assert _steps(tab) == steps
    tab.controller.toggle_play()  # continues the same network
    qtbot.waitUntil(lambda: _steps(tab) > steps + 3, timeout=10000)
    assert len(tab.curves.records) == 1 and not tab.curves.ghosts


def test_pause_holds_the_thread_and_resume_goes_on(qtbot, tab):
    tab.controller.toggle_play()
    qtbot.waitUntil(lambda: _steps(tab) >= 3, timeout=10000)
    tab.controller.toggle_play()
    assert tab.controller.state == "paused"
    seen = []
    tab.controller.driver.delivered.connect(seen.extend)
    tab.controller.driver.post("predictions")  # queued after the pause command: answered while paused
    qtbot.waitUntil(lambda: any(isinstance(item, Predictions) for item in seen), timeout=5000)
    frozen = next(item for item in seen if isinstance(item, Predictions)).iteration
    tab.controller.driver.post("predictions")
    qtbot.waitUntil(lambda: sum(isinstance(item, Predictions) for item in seen) == 2, timeout=5000)
    assert [item.iteration for item in seen if isinstance(item, Predictions)] == [frozen, frozen]  # did not move
    assert tab.controller.driver.alive
    tab.controller.toggle_play()
    qtbot.waitUntil(lambda: _steps(tab) > frozen + 3, timeout=10000)


def test_reset_keeps_the_old_curves_as_ghosts_until_cleared(qtbot, tab):
    tab.controller.toggle_play()
    qtbot.waitUntil(lambda: _steps(tab) >= 3, timeout=10000)
    tab.controller.reset()
    assert not tab.controller.driver.alive and len(tab.curves.ghosts) == 1 and not tab.curves.records
    ghost = tab.curves.ghosts[0]
    assert tab.curves.loss._groups[id(ghost)]["items"]["smooth"].opts["pen"].color().alpha() < 255
    tab.controller.toggle_play()
    qtbot.waitUntil(lambda: tab.curves.records and _steps(tab) >= 3, timeout=10000)
    assert next(iter(tab.curves.records.values())).label.startswith("run 2")
    tab.curves.clear_ghosts()
    assert not tab.curves.ghosts and len(tab.curves.loss.records()) == 1


def test_closing_the_window_mid_training_leaves_no_thread(qtbot, tiny):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.select_tab("training")
    tab = window.tab("training")
    tab.add_dataset(tiny)
    tab.controller.toggle_play()
    qtbot.waitUntil(lambda: tab.curves.records and _steps(tab) >= 2, timeout=10000)
    assert tab.controller.driver.alive
    started = time.perf_counter()
    window.close()
    assert not tab.controller.driver.alive and time.perf_counter() - started < 2.0


def test_a_huge_learning_rate_diverges_with_a_banner_and_the_app_keeps_working(qtbot, tab):
    tab.controls.editor.set_values({"lr": 1e6})
    tab.controls._hparams_edited({"lr": 1e6})  # what the editor reports for a typed value
    tab.controls.flush_hparams()
    assert tab.model.hparams["lr"] == 1e6
    with qtbot.waitSignal(tab.controller.driver.ended, timeout=20000) as ended:
        tab.controller.toggle_play()
    assert ended.args == ["done"]
    assert tab.banner.isVisibleTo(tab)
    assert "diverged" in tab.banner.title.text().lower()
    assert any(word in tab.banner.text.text() for word in ("NaN", "infinite", "exploded"))
    assert "too high" in tab.banner.text.text()
    record = next(iter(tab.curves.records.values()))
    assert record.status == "diverged"
    last = record.steps.last("loss")
    assert not math.isfinite(last) or last > 100 * record.steps.col("loss")[0] / 10  # overflowed, or exploded
    assert "diverged" in tab.toolbar.status.text()
    # the suggested fix: reset with a typical lr, then training works again
    assert tab.banner.action.isVisibleTo(tab)
    tab.banner.action.click()
    assert tab.model.hparams["lr"] == pytest.approx(0.1) and not tab.banner.isVisibleTo(tab)
    tab.controller.toggle_play()
    qtbot.waitUntil(lambda: tab.curves.records and _steps(tab) >= 5, timeout=10000)
    assert np.all(np.isfinite(next(iter(tab.curves.records.values())).steps.col("loss")))


def test_invalid_hidden_sizes_explain_themselves_and_start_nothing(qtbot, tab):
    tab.controls.hidden_text.setText("100,abc")
    tab.controls._hidden_edited("100,abc")
    assert tab.controls.hidden_error.isVisibleTo(tab)
    assert "'abc' is not a whole number" in tab.controls.hidden_error.text()
    tab.controller.toggle_play()
    assert not tab.controller.driver.alive and tab.banner.isVisibleTo(tab)
    assert "abc" in tab.banner.text.text()


def test_a_race_of_two_runs_in_lockstep_and_the_table_fills(qtbot, tab):
    tab.controls.race_list.set_entries([{"name": "sgd", "lr": 0.05}, {"name": "adam", "lr": 1e-3}])
    tab.controls.iterations.setValue(40)
    with qtbot.waitSignal(tab.controller.driver.ended, timeout=30000):
        tab.controller.start_race()
    records = list(tab.curves.records.values())
    assert len(records) == 2
    for record in records:
        np.testing.assert_array_equal(record.steps.col("iteration"), np.arange(1, 41))
        assert record.status == "finished"
    # identical start (same weights, same first minibatch): the same first loss; then the optimizers differ
    assert records[0].steps.col("loss")[0] == records[1].steps.col("loss")[0]
    assert records[0].steps.col("loss")[-1] != records[1].steps.col("loss")[-1]
    table = tab.race_panel.table
    assert table.filled() and table.rowCount() == 2
    assert table.item(0, 0).text().startswith("SGD") and table.item(1, 0).text().startswith("Adam")
    assert table.item(0, 3).text() == "40" and "%" in table.item(1, 2).text()
    assert len(tab.curves.loss.legend.items) == 2


def test_space_toggles_play_and_pause_whichever_child_has_focus(qtbot, tiny):
    window = MainWindow()
    qtbot.addWidget(window)
    window.select_tab("training")
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    tab = window.tab("training")
    tab.add_dataset(tiny)
    check = tab.controls.batch_norm
    for widget in (tab.curves.loss.plot, check, tab.toolbar.play_button):
        widget.setFocus()
        qtbot.keyClick(widget, Qt.Key.Key_Space)
        assert tab.controller.state == "running"
        qtbot.keyClick(widget, Qt.Key.Key_Space)
        assert tab.controller.state == "paused"
        tab.controller.stop()
    assert not check.isChecked()  # Space went to the tab, not to the check box
    edit = tab.controls.hidden_text
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    qtbot.keyClick(edit, Qt.Key.Key_Space)
    assert tab.controller.state == "paused" and edit.text().endswith(" ")  # typing a space is not a shortcut
    window.close()
    assert not tab.controller.driver.alive


def test_the_schedule_and_settings_reach_the_trainer(qtbot, tab):
    controls = tab.controls
    controls.schedule.setCurrentIndex(controls.schedule.findData("exponential"))
    controls.batch_norm.setChecked(True)
    controls.activation.setCurrentIndex(controls.activation.findData("tanh"))
    controls.seed.setValue(7)
    tab.controller.toggle_play()
    qtbot.waitUntil(lambda: tab.curves.records and _steps(tab) >= 2, timeout=10000)
    tab.controller.stop()
    config = tab.model.config()  # what the run was built from: the model, never the widgets
    assert config.schedule.kind == "exponential" and config.schedule.gamma == 0.999  # not the dataclass's 0.1
    assert config.batch_norm and config.activation == "tanh" and config.seed == 7 and config.hidden == (32, 32)
    assert config.optimizer == "sgd" and config.hparams["lr"] == 0.1 and config.batch_size == 32


def test_full_mnist_not_downloaded_offers_the_download(qtbot, tab, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    opened = []
    monkeypatch.setattr(tab.data, "open_download", lambda: opened.append(True))
    tab.controls.source.setCurrentIndex(tab.controls.source.findData("full"))
    tab.controller.toggle_play()
    assert not tab.controller.driver.alive and tab.banner.isVisibleTo(tab)
    assert "not downloaded" in tab.banner.title.text()
    tab.banner.action.click()
    assert opened == [True] and not tab.banner.isVisibleTo(tab)


def test_presentation_mode_scales_text_and_lines(qtbot, tab):
    from app.theme import scale

    tab.controller.toggle_play()
    qtbot.waitUntil(lambda: tab.curves.records and _steps(tab) >= 2, timeout=10000)
    record = next(iter(tab.curves.records.values()))
    smooth = tab.curves.loss._groups[id(record)]["items"]["smooth"]
    tab.set_presentation(True)
    assert smooth.opts["pen"].widthF() == scale(True).chart_width
    assert tab.font().pixelSize() == 22
    assert tab.curves.loss.item.getAxis("bottom").style["tickFont"].pixelSize() == scale(True).tick_px
    tab.set_presentation(False)
    assert smooth.opts["pen"].widthF() == scale(False).chart_width
    assert tab.font().pixelSize() != 22


def test_a_corrupt_data_folder_shows_a_banner_and_the_bundled_digits_still_train(qtbot, tab, tiny, tmp_path):
    import gzip

    from core.data import write_idx

    write_idx(tmp_path / "train-images-idx3-ubyte.gz", tiny.train_x[:50].reshape(-1, 28, 28))
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", tiny.train_y[:50])
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", tiny.val_y[:20])
    good = gzip.compress(b"\x00\x00\x08\x03" + (20).to_bytes(4, "big") + (28).to_bytes(4, "big") * 2
                         + tiny.val_x[:20].tobytes())
    (tmp_path / "t10k-images-idx3-ubyte.gz").write_bytes(good[: len(good) // 2])  # cut short, as a broken copy
    tab.data.add_folder(str(tmp_path))
    with qtbot.waitSignal(tab.controller.driver.ended, timeout=20000) as ended:
        tab.controller.toggle_play()
    assert ended.args == ["failed"]
    assert tab.banner.isVisibleTo(tab)
    assert "t10k-images-idx3-ubyte.gz" in tab.banner.text.text()
    assert not tab.controller.driver.alive
    # Nothing is lost: pick the digits again and training works.
    tab.add_dataset(tiny)
    tab.controller.toggle_play()
    qtbot.waitUntil(lambda: any(len(r.steps) >= 5 for r in tab.curves.records.values()), timeout=10000)


def test_a_divergence_from_sigma_one_offers_he_initialisation_not_a_higher_lr(qtbot, tab):
    controls = tab.controls
    controls.hidden_text.setText("256,256,256")
    controls._hidden_edited("256,256,256")
    controls.init.setCurrentIndex(controls.init.findData("large"))
    controls.editor.set_values({"lr": 0.01})
    controls._hparams_edited({"lr": 0.01})
    with qtbot.waitSignal(tab.controller.driver.ended, timeout=30000):
        tab.controller.toggle_play()
    assert tab.banner.isVisibleTo(tab) and "Xavier or He" in tab.banner.text.text()
    assert "He" in tab.banner.action.text() and "lr" not in tab.banner.action.text()
    tab.banner.action.click()
    assert tab.model.settings["init"] == "he" and controls.init.currentData() == "he"
    assert tab.model.hparams["lr"] == 0.01  # the learning rate was not the cause: it stays


def test_adam_at_a_huge_learning_rate_ends_in_the_divergence_banner(qtbot, tab):
    tab.controls.choose_method("adam")
    tab.controls.editor.set_values({"lr": 1e6})
    tab.controls._hparams_edited({"lr": 1e6})
    with qtbot.waitSignal(tab.controller.driver.ended, timeout=30000):
        tab.controller.toggle_play()
    assert tab.banner.isVisibleTo(tab) and "diverged" in tab.banner.title.text().lower()
    assert "too high" in tab.banner.text.text() and "1e-3" in tab.banner.action.text()


def test_pressing_race_while_a_single_run_trains_starts_the_race(qtbot, tab):
    tab.controls.race_list.set_entries([{"name": "sgd", "lr": 0.05}, {"name": "adam", "lr": 1e-3}])
    tab.controller.toggle_play()
    qtbot.waitUntil(lambda: bool(tab.curves.records) and _steps(tab) >= 3, timeout=10000)
    tab.controller.start_race()  # used to raise AttributeError: 'Solo' object has no attribute 'race'
    assert tab.model.race and len(tab.curves.records) == 2 and len(tab.curves.ghosts) == 1
    qtbot.waitUntil(lambda: all(len(r.steps) >= 3 for r in tab.curves.records.values()), timeout=20000)


def test_a_network_that_does_not_learn_gets_a_hint_banner(qtbot, tab):
    controls = tab.controls
    controls.hidden_text.setText(",".join(["50"] * 10))
    controls._hidden_edited(",".join(["50"] * 10))
    controls.activation.setCurrentIndex(controls.activation.findData("sigmoid"))
    controls.init.setCurrentIndex(controls.init.findData("small"))
    tab.controller.toggle_play()
    qtbot.waitUntil(lambda: tab.banner.isVisibleTo(tab) and "not learning" in tab.banner.title.text(), timeout=30000)
    assert "gradients have vanished" in tab.banner.text.text()


def test_ghosts_never_dictate_the_range_and_leave_the_legend(qtbot, tab):
    tab.controls.editor.set_values({"lr": 1e6})
    tab.controls._hparams_edited({"lr": 1e6})
    with qtbot.waitSignal(tab.controller.driver.ended, timeout=30000):
        tab.controller.toggle_play()  # a diverged run: its loss reaches 1e15 or more
    tab.banner.action.click()  # reset with a sane lr: the diverged run becomes a ghost
    tab.controller.toggle_play()
    qtbot.waitUntil(lambda: bool(tab.curves.records) and _steps(tab) >= 20, timeout=10000)
    tab.controller.stop()
    tab.controller.refresh()
    loss = tab.curves.loss
    top = loss.item.getViewBox().viewRange()[1][1]
    assert top < 100  # the repaired run's range, not the ghost's
    assert len(loss.legend.items) == 1 and len(tab.curves.accuracy.legend.items) == 1  # current runs only
    tab.curves.clear_ghosts()
    assert loss.item.getViewBox().viewRange()[1][1] < 100


def test_a_switched_run_is_labelled_with_its_optimizer_sequence(qtbot, tab):
    tab.controller.toggle_play()
    qtbot.waitUntil(lambda: bool(tab.curves.records) and _steps(tab) >= 5, timeout=10000)
    tab.controls.choose_method("adam")
    record = next(iter(tab.curves.records.values()))
    qtbot.waitUntil(lambda: record.label.endswith("SGD → Adam"), timeout=5000)
    labels = [label.text for _sample, label in tab.curves.loss.legend.items]
    assert labels == [record.label] and record.label == "run 1: SGD → Adam"


def test_a_schedules_parameters_can_be_edited_and_reach_the_run(qtbot, tab):
    controls = tab.controls
    controls.schedule.setCurrentIndex(controls.schedule.findData("step"))
    assert controls.schedule_editor.isVisibleTo(tab) and controls.schedule_editor.names() == ["step_size", "gamma"]
    controls.schedule_editor.set_values({"step_size": 500, "gamma": 0.5})
    controls.schedule_editor.changed.emit({"step_size": 500, "gamma": 0.5})  # what editing them emits
    config = tab.model.config()
    assert (config.schedule.kind, config.schedule.step_size, config.schedule.gamma) == ("step", 500, 0.5)
    controls.schedule.setCurrentIndex(controls.schedule.findData("constant"))
    assert not controls.schedule_editor.isVisibleTo(tab) and tab.model.config().schedule.kind == "constant"


def test_the_train_button_keeps_its_width_whatever_it_says(tab, qtbot):
    """Train, Pause, Resume and Continue: the button is as wide as the widest, so Stop, Reset and Race never move
    when a run starts or pauses."""
    from PySide6.QtWidgets import QApplication

    bar = tab.toolbar
    tab.show()
    qtbot.waitExposed(tab)
    for on in (False, True):
        tab.set_presentation(on)
        QApplication.processEvents()
        hints, places = set(), set()
        for text in ("Train", "Pause", "Resume", "Continue", "Train"):
            bar.play_button.setText(text)
            hints.add(bar.play_button.sizeHint().width())
            qtbot.waitUntil(lambda: bar.play_button.width() == bar.play_button.sizeHint().width())
            places.add(tuple(w.x() for w in (bar.stop_button, bar.race_button)))
        assert len(hints) == 1 and len(places) == 1, (hints, places)
