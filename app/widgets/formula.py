"""Type a loss surface f(x, y) and its view box; errors are shown inline, with a caret under the column."""
from __future__ import annotations

import importlib
import sys
import threading

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app import theme
from app.widgets.fonts import PRESENTATION_PX, monospace_font, scale_fonts, set_text_color

__all__ = ["FormulaBox", "caret_message", "wait_for_warm_up", "warm_up"]

VIEW_LIMIT = 1e4
ERROR_COLOR = theme.FORMULA_ERROR


_warm_up: threading.Thread | None = None


def warm_up() -> threading.Thread | None:
    """Import the formula modules (sympy, ~0.4 s) in a background thread, once, so the first formula typed does
    not stall the window; the launch itself never imports them. None when they are already imported."""
    global _warm_up
    if _warm_up is None and "core.derivatives" not in sys.modules:
        _warm_up = threading.Thread(target=importlib.import_module, args=("core.derivatives",), name="sympy warm-up",
                                    daemon=True)
        _warm_up.start()
    return _warm_up


def wait_for_warm_up(timeout: float = 5.0) -> None:
    """Let a warm-up import finish (the window is closing: no thread may outlive it)."""
    if _warm_up is not None:
        _warm_up.join(timeout)


def core_parser(text: str, view: tuple):
    """The default parser: core.from_expression (imported on first use so the widget loads without it)."""
    import core

    return core.from_expression(text, view=view)


def caret_message(message: str, text: str, column: int | None) -> str:
    """The message, then (if the column is known) the formula with ^ under that 1-based column."""
    if column is None or not 1 <= column <= len(text) + 1:
        return message
    echo = text.replace("\t", " ")
    return f"{message}\n  {echo}\n  {' ' * (column - 1)}^"


class FormulaBox(QWidget):
    """A formula line edit, Apply (or Enter), an x/y view box and an inline error line; never raises.

    API:
      - ``FormulaBox(parser=None, formula="", view=(-3, 3, -3, 3), parent=None)``; ``parser(text, view)``
        returns a Surface or raises (default: ``core.from_expression(text, view=view)``).
      - ``apply() -> Surface | None``: on success emits ``surfaceReady(object)`` with the Surface and
        clears the error; on failure shows the error, emits ``failed(str)`` and keeps the text.
        An ExpressionError-like exception (``.message``, ``.column``) gets a caret under its column.
      - ``formula()``, ``set_formula(text)``, ``view() -> (xmin, xmax, ymin, ymax)``, ``set_view(view)``
        (setters are silent), ``error() -> str`` ("" when none), ``set_presentation(on)``.
      - ``edit`` (QLineEdit), ``apply_button``, ``view_boxes`` (four QDoubleSpinBox: xmin, xmax, ymin,
        ymax), ``error_label``. Enter in the formula or in a view box applies.
    """

    surfaceReady = Signal(object)
    failed = Signal(str)

    def __init__(self, parser=None, formula: str = "", view=(-3.0, 3.0, -3.0, 3.0), parent=None):
        super().__init__(parent)
        self._parser = parser or core_parser
        self._presentation = False
        self.edit = QLineEdit(formula, self)
        self.edit.setPlaceholderText(self.tr("e.g. x**2 + 10*y**2"))
        self.edit.setClearButtonEnabled(True)
        self.edit.returnPressed.connect(self.apply)
        self.apply_button = QPushButton(self.tr("Apply"), self)
        self.apply_button.clicked.connect(self.apply)
        self.view_boxes = []
        for _ in range(4):
            box = QDoubleSpinBox(self)
            box.setRange(-VIEW_LIMIT, VIEW_LIMIT)
            box.setDecimals(3)
            box.setSingleStep(0.5)
            box.setKeyboardTracking(False)
            box.lineEdit().returnPressed.connect(self.apply)
            self.view_boxes.append(box)
        self.set_view(view)
        self.error_label = QLabel(self)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        set_text_color(self.error_label, ERROR_COLOR)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # A long formula echo is clipped rather than widening the whole tab.
        self.error_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.error_label.setMinimumWidth(1)
        self.error_label.hide()
        self._build_layout()
        self._apply_fonts()

    def _build_layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel("f(x, y) =", self))
        top.addWidget(self.edit, 1)
        top.addWidget(self.apply_button)
        grid = QGridLayout()
        xmin, xmax, ymin, ymax = self.view_boxes
        for row, (axis, lo, hi) in enumerate((("x", xmin, xmax), ("y", ymin, ymax))):
            grid.addWidget(QLabel(self.tr("%s from") % axis, self), row, 0)
            grid.addWidget(lo, row, 1)
            grid.addWidget(QLabel(self.tr("to"), self), row, 2)
            grid.addWidget(hi, row, 3)
        grid.setColumnStretch(4, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(grid)
        layout.addWidget(self.error_label)

    def showEvent(self, event):
        super().showEvent(event)
        if self._parser is core_parser:
            warm_up()  # the user is about to type a formula: have sympy ready by then

    def formula(self) -> str:
        return self.edit.text()

    def set_formula(self, text: str) -> None:
        self.edit.setText(text)

    def view(self) -> tuple[float, float, float, float]:
        return tuple(box.value() for box in self.view_boxes)

    def set_view(self, view) -> None:
        for box, value in zip(self.view_boxes, view, strict=False):
            with QSignalBlocker(box):
                box.setValue(float(value))

    def error(self) -> str:
        return self.error_label.text() if self.error_label.isVisibleTo(self) else ""

    def apply(self):
        """Build the surface from the current text and view; emit surfaceReady or failed. Never raises."""
        for box in self.view_boxes:
            box.interpretText()  # a number typed but not yet confirmed counts
        xmin, xmax, ymin, ymax = self.view()
        if not xmin < xmax:
            return self._fail(self.tr("x from must be less than x to (got %s and %s).") % (f"{xmin:g}", f"{xmax:g}"))
        if not ymin < ymax:
            return self._fail(self.tr("y from must be less than y to (got %s and %s).") % (f"{ymin:g}", f"{ymax:g}"))
        text = self.edit.text()
        try:
            surface = self._parser(text, (xmin, xmax, ymin, ymax))
        except Exception as exc:
            if hasattr(exc, "column"):
                message = str(getattr(exc, "message", "") or exc)
                return self._fail(message, caret_message(message, text, exc.column))
            message = self.tr("Could not build the surface (%s): %s") % (type(exc).__name__, exc)
            return self._fail(message)
        self.error_label.clear()
        self.error_label.hide()
        self.surfaceReady.emit(surface)
        return surface

    def set_presentation(self, on: bool) -> None:
        self._presentation = bool(on)
        scale_fonts(self, on)
        self._apply_fonts()

    def _fail(self, message: str, shown: str | None = None) -> None:
        self.error_label.setText(shown or message)
        self.error_label.show()
        self.failed.emit(message)
        return None

    def _apply_fonts(self) -> None:
        self.error_label.setFont(monospace_font(PRESENTATION_PX if self._presentation else 14))
