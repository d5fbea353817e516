"""Draw a digit, see it as the network sees it (28×28, centred by mass) and the class probabilities live."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QSizePolicy, QWidget

from app import theme
from app.theme import OKABE_ITO
from app.training.panels.choice import NetworkChoice
from app.training.views.charts import scale_plot
from app.training.views.drawpad import DrawingPad
from core.data.drawing import preprocess_drawing

THROTTLE_MS = 40


class DigitView(QWidget):
    """One 28×28 uint8 digit, drawn pixel-sharp and square."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._image = QImage(28, 28, QImage.Format.Format_Grayscale8)
        self._image.fill(0)
        self.pixels = np.zeros(784, dtype=np.uint8)
        self.setMinimumSize(84, 84)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def set_pixels(self, pixels: np.ndarray) -> None:
        self.pixels = np.ascontiguousarray(pixels, dtype=np.uint8).reshape(28, 28)
        self._image = QImage(self.pixels.data, 28, 28, 28, QImage.Format.Format_Grayscale8).copy()
        self.update()

    def paintEvent(self, event):
        side = min(self.width(), self.height())
        painter = QPainter(self)
        painter.drawImage(self.rect().adjusted(0, 0, side - self.width(), side - self.height()), self._image)
        painter.end()


class DrawPanel(QWidget):
    """The pad, its 28×28 version and a bar per class; `requested(uint8 (784,))` asks for probabilities."""

    requested = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.pad = DrawingPad(self)
        self.preview = DigitView(self)
        self.preview.setToolTip(self.tr("What the network sees: cropped, scaled to 20 px, centred by mass in 28×28"))
        self.choice = NetworkChoice(self)
        self.answer = QLabel(self.tr("Draw a digit"), self)
        font = self.answer.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.answer.setFont(font)
        self.answer.setWordWrap(True)
        self.clear_button = QPushButton(self.tr("Clear"), self)
        self.clear_button.clicked.connect(self.pad.clear)
        self.plot = pg.PlotWidget(background="w")
        self.plot.setMinimumHeight(140)
        item = self.plot.getPlotItem()
        item.setTitle("class probabilities", color=theme.INK)
        item.setMouseEnabled(False, False)
        item.hideButtons()
        item.setYRange(0, 1, padding=0.02)
        item.setXRange(-0.6, 9.6, padding=0)
        item.getAxis("bottom").setTicks([[(i, str(i)) for i in range(10)]])
        self.bars = pg.BarGraphItem(x=np.arange(10), height=np.zeros(10), width=0.7, brush=OKABE_ITO["blue"])
        item.addItem(self.bars)
        self.probabilities: np.ndarray | None = None
        self.digit = np.zeros(784, dtype=np.uint8)

        layout = QGridLayout(self)
        layout.addWidget(self.choice, 0, 0, 1, 2)
        layout.addWidget(self.pad, 1, 0, 3, 1)
        layout.addWidget(QLabel(self.tr("28×28 input:"), self), 1, 1)
        layout.addWidget(self.preview, 2, 1)
        layout.addWidget(self.clear_button, 3, 1, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.answer, 4, 0, 1, 2)
        layout.addWidget(self.plot, 5, 0, 1, 2)
        layout.setRowStretch(2, 1)
        layout.setColumnStretch(0, 3)
        layout.setColumnStretch(1, 1)

        self._timer = QTimer(self, singleShot=True, interval=THROTTLE_MS)
        self._timer.timeout.connect(self.submit)
        self.pad.changed.connect(self._timer.start)

    def set_presentation(self, on: bool) -> None:
        scale_plot(self.plot.getPlotItem(), None, on)

    def submit(self) -> None:
        """Preprocess what is on the pad and ask for its probabilities (nothing to ask when the pad is empty)."""
        self._timer.stop()
        self.digit = preprocess_drawing(self.pad.gray())
        self.preview.set_pixels(self.digit)
        if self.pad.is_empty():
            self.show_probabilities(None)
        else:
            self.requested.emit(self.digit.copy())

    def show_probabilities(self, probabilities, note: str = "", predicted: int | None = None) -> None:
        """Bars for `probabilities` (10,) and the `predicted` class, both from core; or no bars and a `note`."""
        if probabilities is not None and predicted is None:
            raise ValueError("show_probabilities needs core's predicted class with the probabilities")
        self.probabilities = None if probabilities is None else np.asarray(probabilities, dtype=float)
        if self.probabilities is None or not np.all(np.isfinite(self.probabilities)):
            self.bars.setOpts(height=np.zeros(10))
            self.answer.setText(note or (self.tr("Draw a digit") if self.pad.is_empty() else self.tr("no answer")))
            return
        best = int(predicted)
        brushes = [OKABE_ITO["vermillion"] if i == best else OKABE_ITO["blue"] for i in range(10)]
        self.bars.setOpts(height=self.probabilities, brushes=brushes)
        self.answer.setText(self.tr("The network says: {0}  ({1:.0%})").format(best, self.probabilities[best]))
