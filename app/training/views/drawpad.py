"""A square pad to draw a digit on with the mouse; the ink comes out as a grey image in [0, 1]."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app import theme

CANVAS = 280  # ten times MNIST's 28 px, so the stroke width matches MNIST's relative pen width
PEN = 22


class DrawingPad(QWidget):
    """White ink on black (as in MNIST) in a CANVAS×CANVAS image; `changed` fires after every stroke segment."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.image = QImage(CANVAS, CANVAS, QImage.Format.Format_Grayscale8)
        self.image.fill(0)
        self._last: QPointF | None = None
        self._empty = True
        self.setMinimumSize(160, 160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip(self.tr("Draw a digit with the mouse; right-click clears."))

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return width

    def gray(self) -> np.ndarray:
        """The ink as float64 (CANVAS, CANVAS) in [0, 1], a copy."""
        bits = np.frombuffer(self.image.constBits(), dtype=np.uint8)
        rows = bits.reshape(CANVAS, self.image.bytesPerLine())[:, :CANVAS]
        return rows / 255.0

    def is_empty(self) -> bool:
        return self._empty

    def clear(self) -> None:
        self.image.fill(0)
        self._empty = True
        self.update()
        self.changed.emit()

    # -- drawing -------------------------------------------------------------------------------------------
    def _frame(self) -> QRectF:
        side = min(self.width(), self.height())
        return QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)

    def _to_canvas(self, pos) -> QPointF:
        frame = self._frame()
        k = CANVAS / frame.width()
        return QPointF((pos.x() - frame.x()) * k, (pos.y() - frame.y()) * k)

    def _stroke(self, a: QPointF, b: QPointF) -> None:
        painter = QPainter(self.image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(theme.PAPER), PEN, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                            Qt.PenJoinStyle.RoundJoin))
        painter.drawLine(a, b)
        painter.end()
        self._empty = False
        self.update()
        self.changed.emit()

    def mousePressEvent(self, event):
        if event.button() == Qt.MouseButton.RightButton:
            self.clear()
            return
        if event.button() == Qt.MouseButton.LeftButton:
            self._last = self._to_canvas(event.position())
            self._stroke(self._last, self._last)

    def mouseMoveEvent(self, event):
        if self._last is not None:
            point = self._to_canvas(event.position())
            self._stroke(self._last, point)
            self._last = point

    def mouseReleaseEvent(self, event):
        if event.button() == Qt.MouseButton.LeftButton and self._last is not None:
            self._stroke(self._last, self._to_canvas(event.position()))
            self._last = None

    def paintEvent(self, event):
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        frame = self._frame()
        painter.drawImage(frame, self.image)
        painter.setPen(QPen(QColor(theme.RULE), 1))
        painter.drawRect(frame.adjusted(0, 0, -1, -1))
        if self._empty:
            painter.setPen(QColor(theme.RULE_SOFT))
            painter.drawText(frame, Qt.AlignmentFlag.AlignCenter, self.tr("draw a digit here"))
        painter.end()
