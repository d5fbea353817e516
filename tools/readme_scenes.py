"""Open the app in the README's scenes, for screenshots taken in a real X window.

    SIZE=1280x720 ../shared/tools/shoot.sh assets/screenshots/landscape-1280x720.png 10 -- \
        .venv/bin/python tools/readme_scenes.py landscape --presentation --fullscreen

landscape: every racer on Beale's function, 150 iterations in, Adam selected (its aids drawn).
training: a long run of the default network that starts with SGD and switches to Adam after 3 seconds.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def landscape(window) -> None:
    tab = window.tab("landscape")
    tab.controller.set_surface("beale")
    tab.controller.tuning.select("adam")
    tab.controller.race.advance(150)
    tab.controller.player.seek(150)


def training(window) -> None:
    from PySide6.QtCore import QTimer

    tab = window.tab("training")
    tab.controls.iterations.setValue(30000)  # still running when the picture is taken
    tab.controller.toggle_play()
    QTimer.singleShot(3000, lambda: tab.controls.choose_method("adam"))


if __name__ == "__main__":  # spawned training workers import this module: only the parent opens a window
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scene", choices=("landscape", "training"))
    parser.add_argument("--presentation", action="store_true")
    parser.add_argument("--fullscreen", action="store_true")
    options = parser.parse_args()
    from PySide6.QtWidgets import QApplication

    from app.main import build_parser, create_window

    app = QApplication(sys.argv[:1])
    args = ["--tab", options.scene] + (["--presentation"] if options.presentation else [])
    window = create_window(build_parser().parse_args(args))
    if options.fullscreen:
        window.fullscreen_action.setChecked(True)
    else:
        window.show()
    {"landscape": landscape, "training": training}[options.scene](window)
    sys.exit(app.exec())
