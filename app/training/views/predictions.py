"""Validation digits with the network's answers (mistakes in red) and the confusion matrix, both painted by hand."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app import theme
from app.theme import OKABE_ITO

MISTAKE = QColor(OKABE_ITO["vermillion"])
RIGHT = QColor(theme.INK)


class DigitGrid(QWidget):
    """A grid of digits, each with its predicted label; a wrong prediction gets a red frame and the true label."""

    def __init__(self, columns: int = 8, parent=None):
        super().__init__(parent)
        self.columns = columns
        self.images: list[QImage] = []
        self.labels = np.zeros(0, dtype=int)
        self.predicted: np.ndarray | None = None
        self.class_names: tuple[str, ...] = tuple(str(i) for i in range(10))
        self.min_text_px = 0  # projector mode: 20, and as many digits as have cells big enough for such labels
        self.setMinimumSize(240, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_min_text(self, px: int) -> None:
        self.min_text_px = int(px)
        self.update()

    def set_digits(self, images: np.ndarray, labels: np.ndarray, class_names=None) -> None:
        """The digits to show, uint8 (n, 784), and their true labels."""
        images = np.ascontiguousarray(images, dtype=np.uint8).reshape(len(images), 28, 28)
        self.images = [QImage(im.data, 28, 28, 28, QImage.Format.Format_Grayscale8).copy() for im in images]
        self.labels = np.asarray(labels, dtype=int)
        self.predicted = None
        if class_names is not None:
            self.class_names = tuple(class_names)
        self.update()

    def set_predicted(self, predicted: np.ndarray | None) -> None:
        self.predicted = None if predicted is None else np.asarray(predicted, dtype=int)
        self.update()

    def _layout(self) -> tuple[int, int, float]:
        """(columns, digits shown, cell size): all of them, or in projector mode those whose cells fit 20 px labels."""
        columns, count = self.columns, len(self.images)
        if self.min_text_px:
            least = self.min_text_px / (0.28 * 0.8)  # the cell that gives a label of min_text_px
            columns = max(1, min(self.columns, int(self.width() // least)))
            count = min(count, columns * max(1, int(self.height() // least)))
        rows = max(1, -(-count // columns))
        return columns, count, min(self.width() / columns, self.height() / rows)

    def paintEvent(self, event):
        painter = QPainter(self)
        columns, count, cell = self._layout()
        pad = max(2.0, cell * 0.06)
        label_h = cell * 0.28
        font = QFont(self.font())
        font.setPixelSize(max(9, self.min_text_px, int(label_h * 0.8)))
        font.setBold(True)
        painter.setFont(font)
        for i, image in enumerate(self.images[:count]):
            x, y = (i % columns) * cell, (i // columns) * cell
            side = cell - 2 * pad - label_h
            target = QRectF(x + pad + (cell - 2 * pad - side) / 2, y + pad, side, side)
            painter.drawImage(target, image)
            if self.predicted is None or i >= len(self.predicted):
                continue
            wrong = self.predicted[i] != self.labels[i]
            text = self.class_names[self.predicted[i]]
            if wrong:
                painter.setPen(QPen(MISTAKE, max(2.0, cell * 0.04)))
                painter.drawRect(target.adjusted(-1, -1, 1, 1))
                text = f"{text} ≠ {self.class_names[self.labels[i]]}"
            painter.setPen(MISTAKE if wrong else RIGHT)
            painter.drawText(QRectF(x, y + pad + side, cell, label_h), Qt.AlignmentFlag.AlignCenter, text)
        painter.end()


class ConfusionView(QWidget):
    """A classes×classes count matrix (rows: true class, columns: predicted); the diagonal is green, the rest red."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.matrix: np.ndarray | None = None
        self.class_names: tuple[str, ...] = tuple(str(i) for i in range(10))
        self.min_text_px = 0  # projector mode: 20 (a count that would not fit its cell at that size is left out)
        self.setMinimumSize(220, 220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_min_text(self, px: int) -> None:
        self.min_text_px = int(px)
        self.update()

    def set_matrix(self, matrix: np.ndarray | None, class_names=None) -> None:
        self.matrix = None if matrix is None else np.asarray(matrix)
        if class_names is not None:
            self.class_names = tuple(class_names)
        self.update()

    def paintEvent(self, event):
        painter = QPainter(self)
        n = len(self.class_names)
        font = QFont(self.font())
        font.setPixelSize(max(self.min_text_px, QFontMetrics(self.font()).height() * 3 // 4))
        margin = QFontMetrics(font).height() * 2.2  # the axis titles and the class names
        cell = max(4.0, min(self.width() - margin, self.height() - margin) / n)
        font.setPixelSize(max(8, self.min_text_px, int(cell * 0.34)))
        painter.setFont(font)
        metrics = QFontMetrics(font)
        painter.setPen(RIGHT)
        painter.drawText(QRectF(margin, 0, n * cell, margin * 0.5), Qt.AlignmentFlag.AlignCenter, self.tr("predicted"))
        painter.save()
        painter.translate(0, margin + n * cell)
        painter.rotate(-90)
        painter.drawText(QRectF(0, 0, n * cell, margin * 0.5), Qt.AlignmentFlag.AlignCenter, self.tr("true"))
        painter.restore()
        top = bottom = margin
        for k, name in enumerate(self.class_names[:n]):
            centre = Qt.AlignmentFlag.AlignCenter
            painter.drawText(QRectF(margin + k * cell, margin * 0.5, cell, margin * 0.5), centre, name)
            painter.drawText(QRectF(margin * 0.5, top + k * cell, margin * 0.5, cell), centre, name)
        peak = max(1, int(self.matrix.max())) if self.matrix is not None and self.matrix.size else 1
        for i in range(n):
            for j in range(n):
                rect = QRectF(margin + j * cell, bottom + i * cell, cell, cell)
                count = int(self.matrix[i, j]) if self.matrix is not None else 0
                base = QColor(OKABE_ITO["bluish green"] if i == j else OKABE_ITO["vermillion"])
                base.setAlpha(0 if count == 0 else int(40 + 215 * (count / peak) ** 0.5))
                painter.fillRect(rect, base)
                painter.setPen(QColor(theme.GRID_LINE))
                painter.drawRect(rect)
                if count and metrics.horizontalAdvance(str(count)) <= cell - 2:  # the colour alone when too small
                    painter.setPen(RIGHT)
                    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(count))
        painter.end()
