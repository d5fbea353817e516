"""A word-wrapped label that shows at most a few lines: the rest is elided with "…" and the whole text is its
tooltip, so a long sentence never pushes the picture off a projector's short screen."""
from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QLabel, QSizePolicy

__all__ = ["ClampedLabel"]


class ClampedLabel(QLabel):
    """`set_full_text(text)`; `max_lines` (0 = no limit) caps the lines shown at the label's current width."""

    def __init__(self, parent=None, max_lines: int = 0):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._full = ""
        self.max_lines = max_lines

    def full_text(self) -> str:
        return self._full

    def set_full_text(self, text: str) -> None:
        self._full = str(text)
        self.setToolTip(self._full)
        self._fit()

    def set_max_lines(self, lines: int) -> None:
        self.max_lines = int(lines)
        self._fit()

    def resizeEvent(self, event):  # Qt's name
        super().resizeEvent(event)
        self._fit()

    def _fits(self, text: str, metrics: QFontMetrics, width: int) -> bool:
        box = metrics.boundingRect(QRect(0, 0, width, 100_000), int(Qt.TextFlag.TextWordWrap), text)
        return box.height() <= self._lines_height(metrics) + 2  # a line's box is a pixel taller than its spacing

    def _lines_height(self, metrics: QFontMetrics) -> int:
        """The height of `max_lines` lines: a font's leading may be negative, so not max_lines × lineSpacing."""
        return (self.max_lines - 1) * metrics.lineSpacing() + metrics.height()

    def _fit(self) -> None:
        text, width = self._full, max(self.width(), 50)
        metrics = QFontMetrics(self.font())
        if self.max_lines <= 0 or self._fits(text, metrics, width):
            shown = text
        else:
            words = text.split()
            low, high = 0, len(words)  # the most words that fit with "…" after them
            while low < high:
                mid = (low + high + 1) // 2
                if self._fits(" ".join(words[:mid]) + " …", metrics, width):
                    low = mid
                else:
                    high = mid - 1
            shown = " ".join(words[:low]) + " …"
        if shown != self.text():
            self.setText(shown)
        if self.max_lines > 0:
            self.setMaximumHeight(self._lines_height(metrics) + 6)
            # the layout would give a word-wrapped label one line's height: ask for the lines the text needs
            box = metrics.boundingRect(QRect(0, 0, width, 100_000), int(Qt.TextFlag.TextWordWrap), shown)
            self.setMinimumHeight(min(box.height(), self._lines_height(metrics) + 2) + 2)
        else:
            self.setMaximumHeight(16_777_215)
            self.setMinimumHeight(0)
