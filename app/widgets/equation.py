"""The selected method's update rule, its current hyperparameter values and a note on what to watch for."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.widgets.fonts import monospace_font, scale_fonts
from app.widgets.logslider import format_number

__all__ = ["EquationPanel"]

NORMAL_PX, PRESENTATION_PX = 15, 24


def format_values(values: dict, labels: dict | None = None) -> str:
    """'lr = 1e-3   momentum = 0.9' in the given order; labels (name -> shown text) replace names."""
    labels = labels or {}
    parts = []
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            shown = str(value)
        else:
            shown = format_number(float(value)) if isinstance(value, float) else str(value)
        parts.append(f"{labels.get(name, name)} = {shown}")
    return "   ".join(parts)


class EquationPanel(QWidget):
    """Pure display: title, update rule (monospace, whitespace kept), current values, note. Computes nothing.

    API:
      - ``show_method(title, equation, note, values=None, labels=None)``: replace everything shown;
        `equation` is the Unicode pseudo-code text from core (``EQUATIONS[name]`` / ``method_equation(name)``
        or core's ``equation(name, hparams)`` when values are already substituted).
      - ``set_values(values, labels=None)``: update only the "current values" line (dict name -> value;
        `labels` maps names to shown text such as "lr (γ)"); ``set_values({})`` hides it.
      - ``clear()``, ``set_presentation(on)``.
      - ``title_label``, ``equation_label``, ``values_label``, ``note_label`` (QLabel) for tests and styling.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self._presentation = False
        layout = QVBoxLayout(self)
        self.title_label = QLabel(self)
        bold = self.title_label.font()
        bold.setBold(True)
        self.title_label.setFont(bold)
        self.equation_label = QLabel(self)
        self.equation_label.setTextFormat(Qt.TextFormat.PlainText)
        self.equation_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.values_label = QLabel(self)
        self.values_label.setTextFormat(Qt.TextFormat.PlainText)
        self.values_label.setWordWrap(True)
        self.note_label = QLabel(self)
        self.note_label.setTextFormat(Qt.TextFormat.PlainText)
        self.note_label.setWordWrap(True)
        for label in (self.title_label, self.equation_label, self.values_label, self.note_label):
            layout.addWidget(label)
        layout.addStretch(1)
        self._apply_fonts()
        self.clear()

    def show_method(self, title: str, equation: str, note: str = "", values: dict | None = None,
                    labels: dict | None = None) -> None:
        self.title_label.setText(title)
        self.equation_label.setText(equation.strip("\n"))
        self.note_label.setText(note)
        self.note_label.setVisible(bool(note))
        self.set_values(values or {}, labels)

    def set_values(self, values: dict, labels: dict | None = None) -> None:
        text = format_values(values, labels)
        self.values_label.setText(text)
        self.values_label.setVisible(bool(text))

    def clear(self) -> None:
        self.show_method("", "", "")

    def set_presentation(self, on: bool) -> None:
        self._presentation = bool(on)
        scale_fonts(self, on)
        self._apply_fonts()

    def _apply_fonts(self) -> None:
        self.equation_label.setFont(monospace_font(PRESENTATION_PX if self._presentation else NORMAL_PX))
