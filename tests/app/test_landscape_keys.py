"""Keyboard control of the Landscape tab (Space, →, ←, R, 1–8) and a clean shutdown with the main window."""
import pytest
from PySide6.QtCore import Qt, QThread

from core.paths import ALL_METHODS as METHODS


def drawn(tab):
    """The tab after the redraw it asked for (redraws are coalesced into one per frame)."""
    tab.controller.player.frames.flush()
    return tab


@pytest.fixture
def tab(window):
    return window.tab("landscape")


def focus(qtbot, widget):
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)
    return widget


def test_space_toggles_playing_whichever_child_has_focus(qtbot, tab):
    for widget in (tab.view, tab.racers.checks["adam"], drawn(tab).playback.timeline):
        focus(qtbot, widget)
        qtbot.keyClick(widget, Qt.Key.Key_Space)
        assert tab.controller.player.playing and tab.controller.player.frames.timer.isActive()
        qtbot.keyClick(widget, Qt.Key.Key_Space)
        assert not tab.controller.player.playing and not tab.controller.player.frames.timer.isActive()
    assert tab.racers.checks["adam"].isChecked()  # Space went to the tab, not to the check box


def test_right_steps_left_goes_back_and_r_resets(qtbot, tab):
    view = focus(qtbot, tab.view)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert tab.controller.player.position == 2 and tab.controller.race.head == 2
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert tab.controller.player.position == 1 and tab.controller.race.head == 2
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert tab.controller.player.position == 2 and tab.controller.race.head == 2  # replayed, not recomputed
    qtbot.keyClick(view, Qt.Key.Key_R)
    assert tab.controller.player.position == 0 and tab.controller.race.head == 0


@pytest.mark.parametrize("digit", range(1, 9))
def test_a_digit_toggles_its_racer(qtbot, tab, digit):
    method = METHODS[digit - 1]
    view = focus(qtbot, tab.view)
    qtbot.keyClick(view, str(digit))
    assert not tab.controller.scene.is_enabled(method) and method not in tab.controller.race.tracks
    assert not tab.racers.checks[method].isChecked()
    qtbot.keyClick(view, str(digit))
    assert tab.controller.scene.is_enabled(method) and method in tab.controller.race.tracks


def test_text_fields_keep_their_keys(qtbot, tab):
    edit = focus(qtbot, tab.formula.edit)
    edit.clear()
    qtbot.keyClicks(edit, "x r 3")
    qtbot.keyClick(edit, Qt.Key.Key_Right)
    assert edit.text() == "x r 3"
    c = tab.controller
    assert not c.player.playing and c.race.head == 0 and c.scene.is_enabled("nesterov")
    box = tab.playback.max_steps
    focus(qtbot, box)
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, "25")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    scene = tab.controller.scene
    assert scene.max_steps == 25 and scene.is_enabled("sgd") and scene.is_enabled("momentum")


def test_shortcuts_sleep_while_another_tab_is_shown(qtbot, window, tab):
    window.select_tab("training")
    qtbot.waitUntil(lambda: not tab.isVisible())
    qtbot.keyClick(window.tabs.currentWidget(), Qt.Key.Key_Right)
    assert tab.controller.race.head == 0


def test_switching_tabs_pauses_the_race(qtbot, window, tab):
    tab.controller.player.play()
    window.select_tab("training")
    assert not tab.controller.player.playing and not tab.controller.player.frames.timer.isActive()


def test_closing_the_window_stops_the_timer_and_leaves_no_threads(qtbot, window, tab):
    tab.controller.player.play()
    with qtbot.waitSignal(tab.controller.player.frameDrawn, timeout=2000):
        pass
    assert tab.controller.player.frames.timer.isActive()
    window.close()
    assert not tab.controller.player.frames.timer.isActive() and not tab.controller.player.playing
    assert not [t for t in tab.findChildren(QThread) if t.isRunning()]
    head = tab.controller.race.head
    with qtbot.assertNotEmitted(tab.controller.player.frameDrawn, wait=100):  # several frame periods: no frame, no step
        pass
    assert tab.controller.race.head == head


def test_shutdown_alone_stops_the_timer(qtbot, tab):
    tab.controller.player.play()
    tab.shutdown()
    assert not tab.controller.player.frames.timer.isActive()
