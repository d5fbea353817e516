"""Fixtures shared by the GUI tests."""
import pytest
from PySide6.QtWidgets import QApplication

from app.landscape import LandscapeTab
from app.main import build_parser, create_window


@pytest.fixture
def window(qtbot):
    """The main window, shown and active (keyboard shortcuts act only in the active window)."""
    window = create_window(build_parser().parse_args([]))
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    yield window
    window.close()


@pytest.fixture
def tab(qtbot, request):
    """A Landscape tab on its own, shown at the test module's TAB_SIZE (1400×900 unless it says), shut down
    afterwards (its worker process too)."""
    widget = LandscapeTab()
    qtbot.addWidget(widget)
    widget.resize(*getattr(request.module, "TAB_SIZE", (1400, 900)))
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.shutdown()
