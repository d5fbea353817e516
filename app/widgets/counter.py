"""A one-line label for text that changes every frame (the timeline's "step 1234 / 5000").

A QLabel asks its layout to be redone on every setText, even when its size stays the same; in a row of wrapping
groups that is Python layout code on every frame. This label is as wide as the widest text it will show, so a
new text only repaints it.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

__all__ = ["CounterLabel"]


class CounterLabel(QWidget):
    """`setText(text)` repaints; the size is that of `widest` in the current font."""

    def __init__(self, widest: str, parent=None):
        super().__init__(parent)
        self._text = ""
        self._widest = widest
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:  # noqa: N802 (QLabel's name)
        if text != self._text:
            self._text = text
            self.setAccessibleName(text)  # what a QLabel would tell a screen reader
            self.update()

    def set_widest(self, widest: str) -> None:
        self._widest = widest
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        return QSize(metrics.horizontalAdvance(self._widest) + 8, metrics.height() + 4)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def changeEvent(self, event) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.updateGeometry()
        super().changeEvent(event)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        align = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
        painter.drawText(self.rect().adjusted(2, 0, 0, 0), int(align), self._text)
