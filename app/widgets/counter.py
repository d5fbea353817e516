"""A one-line label for text that changes every frame (the timeline's "step 1234 / 5000"), and a button whose text
changes (Play / Pause) at one width.

A QLabel asks its layout to be redone on every setText, even when its size stays the same; in a row of wrapping
groups that is Python layout code on every frame. This label is as wide as the widest text it will show, so a
new text only repaints it.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QPushButton, QSizePolicy, QStyle, QStyleOptionButton, QWidget

__all__ = ["CounterLabel", "SteadyButton"]


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


class SteadyButton(QPushButton):
    """A push button as wide as the widest of the texts it will show (Play and Pause, Train and Resume): changing
    its text never moves the buttons beside it. `texts` are all it shows; the first is shown at the start."""

    def __init__(self, texts, parent=None):
        self._texts = tuple(texts)
        super().__init__(self._texts[0], parent)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(max(self._width(text) for text in (*self._texts, self.text())), hint.height())

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def _width(self, text: str) -> int:
        """The width QPushButton.sizeHint gives for `text` (its own computation: icon, text, then the style's
        margins and minimum width)."""
        option = QStyleOptionButton()
        self.initStyleOption(option)
        width = height = 0
        if not self.icon().isNull():
            width, height = self.iconSize().width() + 4, self.iconSize().height()
        size = self.fontMetrics().size(Qt.TextFlag.TextShowMnemonic, text)
        width, height = width + size.width(), max(height, size.height())
        option.rect = QRect(0, 0, width, height)
        return self.style().sizeFromContents(QStyle.ContentsType.CT_PushButton, option, QSize(width, height),
                                             self).width()
