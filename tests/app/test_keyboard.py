"""Fields give the keys back: Enter commits, Escape reverts, Space never types into a number; the wheel changes only
a focused field; Ctrl+Q quits; F1 lists every shortcut. Real key and wheel events in a shown, active window."""
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication


def focus(qtbot, widget):
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)
    return widget


def lr_box(tab):
    return tab.editor.editor("lr").control.box


def test_escape_reverts_a_typed_formula_and_gives_the_keys_back(qtbot, window):
    tab = window.tab("landscape")
    edit = focus(qtbot, tab.formula.edit)
    before = edit.text()
    qtbot.keyClicks(edit, " + r")
    assert edit.text() == before + " + r"  # typing in a text field types
    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    assert edit.text() == before and not edit.hasFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Space)
    assert tab.controller.player.playing  # Space acts again at once
    tab.controller.player.pause()


def test_enter_commits_a_number_and_gives_the_keys_back(qtbot, window):
    tab = window.tab("landscape")
    tab.controller.tuning.select("momentum")
    box = focus(qtbot, lr_box(tab))
    box.selectAll()
    qtbot.keyClicks(box, "0.05")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert tab.controller.scene.hparams["momentum"]["lr"] == pytest.approx(0.05) and not box.hasFocus()
    tab.controller.player.step()
    qtbot.keyClick(tab.view, Qt.Key.Key_R)
    assert tab.controller.race.head == 0 and box.text() == "0.05"  # R reset the race, it typed nothing


def test_escape_in_a_number_field_puts_the_old_value_back(qtbot, window):
    tab = window.tab("landscape")
    tab.controller.tuning.select("adam")
    box = focus(qtbot, lr_box(tab))
    before = box.text()
    box.selectAll()
    qtbot.keyClicks(box, "0.7")
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert box.text() == before and "adam" not in tab.controller.scene.hparams and not box.hasFocus()


def test_space_never_types_into_a_number_field_it_commits_and_plays(qtbot, window):
    tab = window.tab("landscape")
    tab.controller.tuning.select("sgd")
    box = focus(qtbot, lr_box(tab))
    box.selectAll()
    qtbot.keyClicks(box, "0.02")
    qtbot.keyClick(box, Qt.Key.Key_Space)
    assert " " not in box.text() and tab.controller.scene.hparams["sgd"]["lr"] == pytest.approx(0.02)
    assert tab.controller.player.playing and not box.hasFocus()
    tab.controller.player.pause()


def wheel(widget, steps: int = 3):
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(centre, widget.mapToGlobal(centre), QPoint(0, 0), QPoint(0, 120 * steps),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_the_wheel_changes_only_a_focused_field(qtbot, window):
    window.select_tab("training")
    tab = window.tab("training")
    box = tab.controls.eval_every
    before = box.value()
    wheel(box)
    assert box.value() == before and tab.model.settings["eval_every"] == before
    focus(qtbot, box)
    wheel(box)
    assert box.value() != before  # a field the user chose does take the wheel


def test_ctrl_q_quits(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=2000)


def test_f1_shows_every_shortcut_of_the_tab(qtbot, window):
    qtbot.keyClick(window.tab("landscape").view, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: getattr(window, "_shortcuts", None) is not None and window._shortcuts.isVisible())
    keys = [key for key, _text in window._shortcuts.rows]
    assert {"Space", "Right", "Left", "R", "1", "8", "F11", "Ctrl+P", "Ctrl+Q", "F1"} <= set(keys)
    assert "PgUp" not in keys and "PgDown" not in keys  # left free for the lesson player
    window._shortcuts.close()
    window.select_tab("training")
    assert window.shortcut_list()[0][0] == "Space"


def test_f1_takes_the_keys_so_esc_closes_it_and_gives_them_back_to_the_window(qtbot, window):
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: getattr(window, "_shortcuts", None) is not None and window._shortcuts.isActiveWindow())
    qtbot.keyClick(QApplication.focusWidget() or window._shortcuts, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window._shortcuts.isVisible() and window.isActiveWindow())
    qtbot.keyClick(window, Qt.Key.Key_Space)
    player = window.tab("landscape").controller.player
    assert player.playing
    player.pause()


@pytest.mark.parametrize("forward, back", [
    ((Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier),
     (Qt.Key.Key_Backtab, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)),
    ((Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier),
     (Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier))])
def test_ctrl_tab_and_ctrl_page_keys_switch_tabs_after_a_field_gave_the_keys_back(qtbot, window, forward, back):
    tab = window.tab("landscape")
    box = focus(qtbot, tab.playback.max_steps)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is None  # the key now goes to the window, not to the tab widget
    qtbot.keyClick(window, *forward)
    assert window.current_tab_key() == "training"
    qtbot.keyClick(window, *forward)
    assert window.current_tab_key() == "landscape"  # around again
    qtbot.keyClick(window, *back)
    assert window.current_tab_key() == "training"
    qtbot.keyClick(window.tab("training"), *back)
    assert window.current_tab_key() == "landscape"
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert tab.controller.player.playing  # the tab's own keys act after coming back
    tab.controller.player.pause()
    listed = dict(window.shortcut_list())
    assert listed["Ctrl+Tab / Ctrl+PgDown"] == "Next tab" and listed["Ctrl+Shift+Tab / Ctrl+PgUp"] == "Previous tab"


def test_f9_shows_pictures_only_and_brings_the_controls_back(qtbot, window):
    landscape = window.tab("landscape")
    plot_before = landscape.view.width()
    qtbot.keyClick(landscape.view, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: not landscape.side.isVisible())
    qtbot.waitUntil(lambda: landscape.view.width() > plot_before)  # the surface takes the room
    window.select_tab("training")
    training = window.tab("training")
    assert not training.controls_column.isVisible() and training.curves.widget.isVisible()
    qtbot.keyClick(training.curves.loss.plot, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: training.controls_column.isVisible())
    window.select_tab("landscape")
    assert landscape.side.isVisible()
    assert "F9" in [key for key, _ in window.shortcut_list()]


def test_an_exact_start_is_typed_in_the_start_box_and_enter_sets_it(qtbot, window):
    from app.landscape.panels.controls import point_text

    tab = window.tab("landscape")
    tab.controller.set_surface("himmelblau")
    tab.controller.race.advance(4)
    box = focus(qtbot, tab.picker.presets)  # a click or Tab focuses the combo box, which types into its edit
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, "(0.5, -1.25)")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert tab.controller.scene.start == (0.5, -1.25) and tab.controller.race.head == 0
    assert tab.view.start_point() == pytest.approx((0.5, -1.25)) and not box.hasFocus()
    assert tab.picker.presets.currentText() == point_text(0.5, -1.25) and not tab.picker.start_error.isVisible()
    qtbot.keyClick(tab.view, Qt.Key.Key_Space)
    assert tab.controller.player.playing  # the keys are the tab's again
    tab.controller.player.pause()


@pytest.mark.parametrize(("typed", "says"), [("abc, 1", "not two numbers"), ("1 2 3", "two numbers"),
                                               ("2e7, 0", "±1e+06"), ("nan, 1", "finite")])
def test_a_start_that_cannot_be_used_is_named_and_changes_nothing(qtbot, window, typed, says):
    tab = window.tab("landscape")
    before = tab.controller.start_point()
    box = focus(qtbot, tab.picker.presets)
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, typed)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert tab.controller.start_point() == before and tab.controller.scene.start in (None, before)
    assert tab.picker.start_error.isVisible() and says in tab.picker.start_error.text() and not box.hasFocus()
    tab.picker.presets.activated.emit(0)  # a preset clears the message
    assert not tab.picker.start_error.isVisible()


def test_escape_in_the_start_box_puts_the_start_back_and_gives_the_keys_back(qtbot, window):
    tab = window.tab("landscape")
    box = focus(qtbot, tab.picker.presets)
    shown = box.currentText()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, "1, 1")
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert box.currentText() == shown and not box.hasFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Space)
    assert tab.controller.player.playing  # Space plays, it types nothing
    tab.controller.player.pause()
    assert box.currentText() == shown


def test_the_wheel_does_not_focus_a_field_it_passes_over(qtbot, window):
    """Qt focuses spin boxes and combo boxes on the wheel, and then the wheel would change them."""
    from PySide6.QtWidgets import QAbstractSpinBox, QComboBox

    window.select_tab("training")
    tab = window.tab("training")
    fields = [w for kind in (QAbstractSpinBox, QComboBox) for w in tab.findChildren(kind) if w.isVisible()]
    assert fields and all(w.focusPolicy() != Qt.FocusPolicy.WheelFocus for w in fields)
