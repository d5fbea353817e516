"""Command line entry point: `descent-lab` or `python -m app`."""
from __future__ import annotations

import argparse
import os
import sys

TABS = ("landscape", "training")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="descent-lab",
        description="Descent Lab: watch optimizers race across loss surfaces and train MNIST live.",
    )
    parser.add_argument("--tab", choices=TABS, default="landscape", help="tab to open first (default: landscape)")
    parser.add_argument("--presentation", action="store_true", help="start in projector mode (large fonts, wide lines)")
    parser.add_argument("--fullscreen", action="store_true", help="start full screen (F11 toggles)")
    return parser


def create_window(args: argparse.Namespace):
    """Build the main window for parsed arguments (a QApplication must exist)."""
    from app.window import MainWindow

    window = MainWindow()
    window.select_tab(args.tab)
    if args.presentation:
        window.set_presentation(True)
    return window


def no_display() -> str:
    """Why no window can open here ("" when one can): Linux without X or Wayland, and no platform chosen."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return ""
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return ""
    return ("descent-lab: no display to open a window on (neither DISPLAY nor WAYLAND_DISPLAY is set); "
            "run it in a desktop session, or set QT_QPA_PLATFORM=offscreen for headless use")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    reason = no_display()
    if reason:  # one friendly line instead of Qt's abort and its misleading libxcb hint
        print(reason, file=sys.stderr)
        return 2
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Descent Lab")
    app.setOrganizationName("Descent Lab")
    window = create_window(args)
    if args.fullscreen:
        window.fullscreen_action.setChecked(True)  # the window's own full-screen path (and F11 then leaves it)
    else:
        window.show()
    from PySide6.QtCore import QTimer

    # The keys come here from the start, also where no window manager hands them out: asked for from the event
    # loop, once the window is on screen (asked for before, the request may be dropped)
    QTimer.singleShot(0, window.activateWindow)
    from app.runtime.signals import CloseOnSignals

    def close():
        window.close()
        app.quit()  # also when a dialog's own loop is running

    guard = CloseOnSignals(close)  # Ctrl+C in the terminal closes the window as its close button does
    try:
        code = app.exec()
    finally:
        guard.restore()
    return 128 + guard.received if guard.received is not None else code
