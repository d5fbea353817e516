"""The main window opens headless with its tabs; --tab selects one; About lists the licences."""
import subprocess
import sys

import pytest

from app.main import TABS, build_parser, create_window
from app.window import MainWindow


def test_help_lists_options_without_a_display():
    out = subprocess.run([sys.executable, "-m", "app", "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0
    assert "--tab" in out.stdout and "landscape" in out.stdout and "training" in out.stdout


def test_unknown_tab_is_refused_with_a_message():
    out = subprocess.run([sys.executable, "-m", "app", "--tab", "nope"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert "invalid choice" in out.stderr and "Traceback" not in out.stderr


@pytest.mark.parametrize("key", TABS)
def test_tab_option_selects_the_tab(qtbot, key):
    window = create_window(build_parser().parse_args(["--tab", key]))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.tab_keys() == list(TABS)
    assert window.current_tab_key() == key
    assert window.tabs.tabText(window.tabs.currentIndex()).lower() == key


def test_default_tab_is_landscape_and_window_has_icon(qtbot):
    window = create_window(build_parser().parse_args([]))
    qtbot.addWidget(window)
    assert window.current_tab_key() == "landscape"
    assert not window.windowIcon().isNull()


def test_about_dialog_credits_mnist_and_licences(qtbot):
    window = create_window(build_parser().parse_args([]))
    qtbot.addWidget(window)
    dialog = window.show_about()
    qtbot.addWidget(dialog)
    text = dialog.text.toPlainText()
    assert "CC BY-SA 3.0" in text and "LeCun" in text and "Cazala" in text and "LGPL" in text


def test_presentation_toggle_reaches_every_tab(qtbot):
    window = create_window(build_parser().parse_args(["--presentation"]))
    qtbot.addWidget(window)
    assert window.presentation and window.presentation_action.isChecked()
    window.presentation_action.setChecked(False)
    assert not window.presentation


def test_only_the_shown_tab_is_built_until_another_is_selected(qtbot):
    window = create_window(build_parser().parse_args(["--tab", "training"]))
    qtbot.addWidget(window)
    window.show()
    assert window.built_tabs() == ["training"]
    window.set_presentation(True)
    window.tabs.setCurrentIndex(window.tab_keys().index("landscape"))
    assert window.built_tabs() == ["landscape", "training"]
    landscape = window.tab("landscape")
    assert landscape.isVisibleTo(window)
    # A tab built after projector mode was switched on comes up in projector mode too.
    assert landscape.font().pixelSize() >= 20 or landscape.font().pointSize() >= 15


def test_a_spawned_worker_does_not_start_a_second_app(monkeypatch):
    """multiprocessing's spawn re-imports the main module as __mp_main__: `python -m app` must not run main() then."""
    import runpy

    import app.main

    calls = []
    monkeypatch.setattr(app.main, "main", lambda *a: calls.append(a) or 0)
    runpy.run_module("app.__main__", run_name="__mp_main__")
    assert calls == []
    with pytest.raises(SystemExit):
        runpy.run_module("app.__main__", run_name="__main__")
    assert calls == [()]


def test_a_tab_asks_the_navigator_to_show_a_scene_in_the_landscape(qtbot):
    """The way the lesson player and the Lab will ask: no tab imports another."""
    window = MainWindow()
    qtbot.addWidget(window)
    window.select_tab("training")
    assert window.built_tabs() == ["training"]
    window.navigator.go("landscape.scene", scene={"version": 1, "surface": "rosenbrock", "enabled": ["adam"]})
    assert window.current_tab_key() == "landscape"
    controller = window.tab("landscape").controller
    assert controller.surface.key == "rosenbrock" and list(controller.race.tracks) == ["adam"]
    window.navigator.go("training.settings", settings={"version": 1, "settings": {"batch_size": 32}, "hparams": {}})
    training = window.tab("training")
    assert window.current_tab_key() == "training" and training.model.settings["batch_size"] == 32
    assert training.controls.batch_size.value() == 32  # the panel shows what the model holds
    window.close()


def test_without_a_display_the_app_says_so_in_one_line():
    env = {k: v for k, v in __import__("os").environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    out = subprocess.run([sys.executable, "-m", "app"], capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.strip().count("\n") == 0 and "no display" in out.stderr and "QT_QPA_PLATFORM" in out.stderr


@pytest.mark.parametrize("key", ["landscape", "training"])
def test_every_text_is_at_least_20_px_in_projector_mode(qtbot, key):
    from PySide6.QtGui import QFontInfo
    from PySide6.QtWidgets import QAbstractButton, QLabel, QMenuBar, QTabBar, QWidget

    window = create_window(build_parser().parse_args(["--presentation", "--tab", key]))
    qtbot.addWidget(window)
    window.show()
    window.resize(1280, 720)
    qtbot.waitExposed(window)
    small = [(QFontInfo(w.font()).pixelSize(), type(w).__name__, getattr(w, "text", lambda: "")()[:30])
             for w in window.findChildren(QWidget)
             if isinstance(w, (QLabel, QAbstractButton, QTabBar, QMenuBar)) and w.isVisible() and w.width() > 0
             and (not isinstance(w, QLabel) or w.text().strip()) and QFontInfo(w.font()).pixelSize() < 20]
    assert small == []
    window.set_presentation(False)
    assert QFontInfo(window.menuBar().font()).pixelSize() < 20  # switching back restores the normal sizes
    window.close()


def test_training_fits_1280_by_720_in_projector_mode_without_sideways_scrolling(qtbot):
    from PySide6.QtWidgets import QScrollBar

    window = create_window(build_parser().parse_args(["--presentation", "--tab", "training"]))
    qtbot.addWidget(window)
    window.show()
    window.resize(1280, 720)
    qtbot.waitExposed(window)
    tab = window.tab("training")
    qtbot.waitUntil(lambda: tab.controls.width() <= tab.controls_column.viewport().width())  # nothing cut off
    sideways = [b for b in window.findChildren(QScrollBar) if b.isVisible() and b.orientation().name == "Horizontal"
                and b.maximum() > 0]
    assert sideways == []
    window.close()


def test_launch_imports_no_sympy_and_the_formula_page_warms_it_up_in_the_background():
    """sympy (~0.4 s) is for typed formulas only: the first frame never waits for it, and showing the formula
    page imports it in a background thread so the first formula typed does not stall. numpy.random (~10 ms) waits
    for a racer's first step."""
    code = """
import sys, time
from PySide6.QtWidgets import QApplication
from app.main import build_parser, create_window
app = QApplication([])
window = create_window(build_parser().parse_args([]))
window.show()
for _ in range(20):
    app.processEvents()
tab = window.tab("landscape")
assert "numpy.random" not in sys.modules, "the launch imported numpy.random (no racer has stepped yet)"
tab.controller.player.step()
tab.controller.player.frames.flush()
assert "sympy" not in sys.modules, "the launch imported sympy"
tab.side.pages.setCurrentIndex(2)  # Your f(x, y)
app.processEvents()
from app.widgets import formula
assert formula._warm_up is not None and formula._warm_up.name == "sympy warm-up"
formula.wait_for_warm_up(60)
assert "sympy" in sys.modules and not formula._warm_up.is_alive()
tab.formula.edit.setText("x**2 + 3*y**2")
tab.formula.apply()
assert tab.controller.surface.formula == "x**2 + 3*y**2"
window.close()
print("ok")
"""
    env = {**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stderr


ACTIVE_CHILD = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

app = QApplication(sys.argv[:1])

checks = []

def ready():  # polled from the event loop for up to 10 s (a loaded CI delivers the window's events late)
    window = next(w for w in app.topLevelWidgets() if hasattr(w, "tab"))
    checks.append(window.isActiveWindow())
    if checks[-1] or len(checks) == 100:
        print("active" if checks[-1] else "inactive", flush=True)
        window.close()
        app.quit()
    else:
        QTimer.singleShot(100, ready)

QTimer.singleShot(100, ready)
from app.main import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture
def bare_x_display():
    """A real X server with no window manager (Xvfb), as on a kiosk or projector PC: its DISPLAY."""
    import os
    import shutil

    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed")
    read, write = os.pipe()
    # -displayfd: Xvfb picks a free display and writes its number once it accepts connections
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x720x24", "-nolisten", "tcp"],
                              pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    try:
        with os.fdopen(read) as ready:
            number = ready.readline().strip()  # "" if it exited first
        if not number:
            pytest.skip("Xvfb did not start")
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.parametrize("args", [[], ["--fullscreen"]])
def test_the_window_takes_the_keys_at_launch_even_with_no_window_manager_to_hand_them_out(tmp_path, args,
                                                                                         bare_x_display):
    import os

    env = dict(os.environ, HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"), QT_QPA_PLATFORM="xcb",
               DISPLAY=bare_x_display)
    out = subprocess.run([sys.executable, "-c", ACTIVE_CHILD, *args], capture_output=True, text=True, timeout=120,
                         env=env)
    if "could not load the Qt platform plugin" in out.stderr.lower():
        pytest.skip("Qt's xcb platform cannot load here (system libraries missing)")
    assert out.stdout.split() == ["active"], out.stderr  # Space plays at once, without a click first
