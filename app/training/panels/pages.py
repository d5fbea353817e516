"""The Training tab's toolbar and its side panels (predictions, race results), laid out; no logic of their own."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.theme import scale
from app.training.panels.choice import NetworkChoice
from app.training.panels.drawpanel import DrawPanel
from app.training.views.diagnostics import DiagnosticsPanel
from app.training.views.predictions import ConfusionView, DigitGrid
from app.training.views.racetable import RaceTable
from app.training.views.record import X_AXES
from app.widgets import scale_fonts
from app.widgets.counter import SteadyButton

SIDE_PAGES = ("diagnostics", "predictions", "draw", "race")


class Toolbar(QWidget):
    """Train/pause, stop, reset, race; x-axis and log-scale choices; a status line."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.play_button = SteadyButton((self.tr("Train"), self.tr("Pause"), self.tr("Resume"), self.tr("Continue")),
                                        self)
        self.play_button.setToolTip(self.tr("Start, pause or resume training (Space)"))
        self.stop_button = QPushButton(self.tr("Stop"), self)
        self.stop_button.setToolTip(self.tr("End the run (the network is kept: Train continues it)"))
        self.reset_button = QPushButton(self.tr("Reset"), self)
        self.reset_button.setToolTip(self.tr("Forget the network; the curves stay as faded ghosts"))
        self.race_button = QPushButton(self.tr("Race"), self)
        self.race_button.setToolTip(self.tr("Train every race entry in lockstep on identical minibatches"))
        self.clear_button = QPushButton(self.tr("Clear ghosts"), self)
        self.x_axis = QComboBox(self)
        for label in X_AXES:
            self.x_axis.addItem(self.tr(label), label)
        self.log_scale = QCheckBox(self.tr("log loss"), self)
        self.status = StatusLine(self.tr("Press Space to train"), self)
        style = self.style()
        icons = QStyle.StandardPixmap
        self.icons = {"play": style.standardIcon(icons.SP_MediaPlay), "pause": style.standardIcon(icons.SP_MediaPause)}
        self.play_button.setIcon(self.icons["play"])
        self.stop_button.setIcon(style.standardIcon(icons.SP_MediaStop))
        self.reset_button.setIcon(style.standardIcon(icons.SP_BrowserReload))
        self.race_button.setIcon(style.standardIcon(icons.SP_MediaSeekForward))
        for button in (self.play_button, self.stop_button, self.reset_button, self.race_button, self.clear_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Space must reach the tab's shortcut, not a button
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.play_button, self.stop_button, self.reset_button, self.race_button):
            layout.addWidget(widget)
        layout.addSpacing(12)
        layout.addWidget(QLabel(self.tr("x:"), self))
        layout.addWidget(self.x_axis)
        layout.addWidget(self.log_scale)
        layout.addWidget(self.clear_button)
        layout.addSpacing(12)
        layout.addWidget(self.status, 1)


class StatusLine(QWidget):
    """One line of text, elided to the width; a new text repaints it without asking the window for a new layout.

    QLabel.setText re-lays out every ancestor: several times per second while training, that relayout and the
    repaints it causes cost the GUI thread (and through the GIL, the trainer) more than the charts.
    """

    def __init__(self, text: str = "", parent=None):
        super().__init__(parent)
        self._text = text
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:  # noqa: N802 (QLabel's name)
        if text != self._text:
            self._text = text
            self.setToolTip(text)  # the whole line, when a narrow window elides it
            self.update()

    def sizeHint(self):
        metrics = self.fontMetrics()
        return QSize(metrics.horizontalAdvance(self._text), metrics.height() + 4)

    def minimumSizeHint(self):
        return QSize(0, self.fontMetrics().height() + 4)

    def changeEvent(self, event):
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.updateGeometry()  # presentation mode: a taller line

    def paintEvent(self, event):
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        text = self.fontMetrics().elidedText(self._text, Qt.TextElideMode.ElideRight, self.width())
        painter.drawText(self.rect(), int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text)


class PredictionsPanel(QWidget):
    """Validation digits with answers, and the confusion matrix."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.grid = DigitGrid(parent=self)
        self.confusion = ConfusionView(self)
        self.choice = NetworkChoice(self)
        self.caption = QLabel(self.tr("Start a run to see the network's answers."), self)
        self.caption.setWordWrap(True)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.grid)
        splitter.addWidget(self.confusion)
        layout = QVBoxLayout(self)
        layout.addWidget(self.choice)
        layout.addWidget(self.caption)
        layout.addWidget(splitter, 1)

    def clear(self) -> None:
        self.grid.set_predicted(None)
        self.confusion.set_matrix(None)
        self.caption.setText(self.tr("Start a run to see the network's answers."))

    def show_predictions(self, predictions) -> None:
        self.grid.set_predicted(predictions.grid_predicted)
        self.confusion.set_matrix(predictions.confusion)
        text = self.tr("{0}, after {1:,} iterations. Mistakes are outlined in orange: “3 ≠ 5” means the network "
                       "said 3 for a 5; the confusion matrix counts {2:,} validation digits.")
        self.caption.setText(text.format(predictions.label, predictions.iteration, predictions.confusion_size))


class RacePanel(QWidget):
    """The race's comparison table with a caption."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.caption = QLabel(self.tr("Pick entries under “Race entries” and press Race: every optimizer "
                                      "starts from the same weights and sees the same minibatches."), self)
        self.caption.setWordWrap(True)
        self.table = RaceTable(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(self.table, 1)

    def show_records(self, records) -> None:
        """One row per racer from its latest step (call once per frame, not per step)."""
        for record in records:
            tick = record.last
            if tick is None:
                continue
            result = tick.result
            status = "running" if result.status == "running" else result.message
            self.table.set_row(record.key, tick.smooth, record.evals.last("val_acc"), result.iteration,
                               tick.seconds, status)


class SidePanel(QTabWidget):
    """The pages beside the charts: diagnostics, predictions, the drawing pad, the race table."""

    networkChosen = Signal(str)  # after a race: this racer answers Predictions and Draw

    def __init__(self, parent=None):
        super().__init__(parent)
        self.diagnostics = DiagnosticsPanel(self)
        self.predictions = PredictionsPanel(self)
        self.draw = DrawPanel(self)
        self.race = RacePanel(self)
        titles = (self.tr("Diagnostics"), self.tr("Predictions"), self.tr("Draw"), self.tr("Race"))
        scroller = QScrollArea(self)  # the diagnostics page scrolls vertically on a short (projector) screen
        scroller.setWidget(self.diagnostics)
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QScrollArea.Shape.NoFrame)
        scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        pages = (scroller, self.predictions, self.draw, self.race)
        for page, title in zip(pages, titles, strict=True):
            self.addTab(page, title)
        self.curves: QWidget | None = None  # the curves, held as the first page while the window is narrow
        for choice in (self.predictions.choice, self.draw.choice):
            choice.chosen.connect(self._network_chosen)

    def set_presentation(self, on: bool) -> None:
        """Projector sizes for the text the pages paint themselves (the digit labels, the confusion counts, the
        probability chart, the race table's header)."""
        px = scale(on).font_px if on else 0
        self.predictions.grid.set_min_text(px)
        self.predictions.confusion.set_min_text(px)
        self.draw.set_presentation(on)
        scale_fonts(self.race.table.horizontalHeader(), on, scale(on).font_px)

    def set_networks(self, labels) -> None:
        """The racers Predictions and Draw may ask (a single run: none, and no choice shown)."""
        for choice in (self.predictions.choice, self.draw.choice):
            choice.set_networks(labels)

    def network(self) -> str | None:
        return self.predictions.choice.current()

    def _network_chosen(self, label: str) -> None:
        for choice in (self.predictions.choice, self.draw.choice):
            choice.show_choice(label)  # both pages ask the same network
        self.networkChosen.emit(label)

    def page(self) -> str:
        index = self.currentIndex() - (self.curves is not None)
        return "curves" if index < 0 else SIDE_PAGES[index]

    def pages_width(self) -> int:
        """The narrowest width that shows the panel's own pages and every one of their tabs (not the curves)."""
        frame = self.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth)
        own = range(1 if self.curves is not None else 0, self.count())
        tabs = sum(self.tabBar().tabSizeHint(i).width() for i in own)
        return max(max(self.widget(i).minimumSizeHint().width() for i in own) + 2 * frame + 4, tabs + 8)

    def hold_curves(self, curves: QWidget, title: str) -> None:
        """Show `curves` as the first page, and that page (a narrow window: they cannot have a column of their own)."""
        self.curves = curves
        self.insertTab(0, curves, title)
        self.setCurrentIndex(0)

    def release_curves(self) -> QWidget:
        """Give the curves back to their own column; the page shown before stays shown (the first one if none)."""
        curves, self.curves = self.curves, None
        was_shown = self.currentIndex() == 0
        self.removeTab(0)
        if was_shown:
            self.setCurrentIndex(0)
        return curves
