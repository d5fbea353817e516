"""Live look inside the network: activation histograms per layer, update/weight ratios, gradient norms, dead ReLUs."""
from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from app import theme
from app.theme import qcolor, scale
from app.training.views.charts import cache_axis, make_plot, scale_plot
from app.training.views.record import Columns
from app.widgets.fonts import set_text_color
from app.widgets.plots import Follower, decade_range, nice_ceiling

GUIDE_RATIO = 1e-3  # the lecture's rule of thumb for ‖ΔW‖/‖W‖
DRAW_EVERY_S = 0.5  # redraws of the seven small plots; the worker measures more often and no point is lost
HIST_WIDTH = 150  # px per histogram before they wrap to another row
PROJECTOR_HEIGHT = 760  # px the diagnostics page needs at projector font sizes (histograms, three charts, text)


def layer_color(i: int, n: int) -> str:
    """Layer i's colour when there are n layers: readable at any depth (no colour repeats)."""
    return theme.layer_colors(max(n, i + 1))[i]


def tick_name(name: str, layers: int) -> str:
    """"hidden 3", or just "3" when there are too many layers for names to fit under the bars."""
    return name.replace("hidden ", "") if layers > 6 else name


def _summary(stats) -> str:
    """"hidden 1: mean 0.31, std 0.46, dead 2%" from core's LayerStats."""
    text = f"{stats.name}: mean {stats.mean:.2g}, std {stats.std:.2g}"
    if stats.dead_fraction is not None:
        text += f", dead {stats.dead_fraction:.0%}"
    elif stats.saturated_fraction is not None:
        text += f", saturated {stats.saturated_fraction:.0%}"
    return text


def settled(shown: tuple[float, float] | None, wanted: tuple[float, float]) -> tuple[float, float]:
    """`shown` while `wanted` fits inside it and spans at least half of it, else `wanted`."""
    if shown is None:
        return wanted
    (lo, hi), (new_lo, new_hi) = shown, wanted
    inside = lo <= new_lo and new_hi <= hi
    return shown if inside and (new_hi - new_lo) >= 0.5 * (hi - lo) else wanted


class Histograms(pg.GraphicsLayoutWidget):
    """One small histogram per hidden layer, side by side like the lecture's initialization slides."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setBackground("w")
        self.plots: list[pg.PlotItem] = []
        self.curves: list[pg.PlotDataItem] = []
        self.followers: list[Follower] = []
        self._columns = 0
        self.presentation = False
        self.setMinimumHeight(150)

    def set_presentation(self, on: bool) -> None:
        """Projector sizes for every histogram's title and ticks; wider histograms, so fewer to a row."""
        self.presentation = bool(on)
        for plot in self.plots:
            self._scale(plot)
        self._columns = 0
        self._arrange()

    def _scale(self, plot: pg.PlotItem) -> None:
        scale_plot(plot, None, self.presentation)
        plot.setTitle(plot.titleLabel.text, color=theme.INK, size=self._title_size())

    def _title_size(self) -> str:
        return f"{scale(self.presentation).tick_px}px"

    def prepare(self, n: int) -> None:
        """Build the plots for `n` hidden layers ahead of the first diagnostics (building takes a while)."""
        if n != len(self.plots):
            self._rebuild(n)

    def show_layers(self, layers) -> None:
        """`layers`: core LayerStats of the hidden layers."""
        if len(layers) != len(self.plots):
            self._rebuild(len(layers))
        for stats, plot, curve, follower in zip(layers, self.plots, self.curves, self.followers, strict=False):
            curve.setData(stats.hist_edges, stats.hist_counts)
            lo, hi = float(stats.hist_edges[0]), float(stats.hist_edges[-1])
            top = nice_ceiling(float(np.max(stats.hist_counts))) if len(stats.hist_counts) else 1.0
            x_range = (-nice_ceiling(-lo) if lo < 0 else lo, nice_ceiling(hi) if hi > 0 else hi)
            shown = follower.shown()
            if shown is not None:  # keep the axes while the data still fills them well: a redrawn axis is costly
                x_range, (_, top) = settled(shown[0], x_range), settled(shown[1], (0.0, top))
            follower.show(x_range, (0.0, top))
            if plot.titleLabel.text != stats.name:
                plot.setTitle(stats.name, color=theme.INK, size=self._title_size())

    def _rebuild(self, n: int) -> None:
        self.clear()
        self.plots, self.curves, self.followers = [], [], []
        for i in range(n):
            plot = pg.PlotItem()
            plot.hideAxis("left")
            plot.setMouseEnabled(False, False)
            plot.hideButtons()
            axis = plot.getAxis("bottom")
            axis.enableAutoSIPrefix(False)
            # fixed room for tick labels: a relayout on new labels would repaint all four histograms
            axis.setStyle(autoExpandTextSpace=False, autoReduceTextSpace=False)
            cache_axis(axis)
            color = layer_color(i, n)
            curve = plot.plot(stepMode="center", fillLevel=0, pen=pg.mkPen(color, width=1), brush=qcolor(color, 110))
            self._scale(plot)
            self.plots.append(plot)
            self.curves.append(curve)
            self.followers.append(Follower(plot))
        self._columns = 0
        self._arrange()

    def _arrange(self) -> None:
        width = HIST_WIDTH * (1.6 if self.presentation else 1.0)  # room for 20 px tick labels
        columns = max(1, min(len(self.plots), int(self.width() // width)))
        if columns == self._columns:
            return
        self._columns = columns
        for plot in self.plots:
            if plot.scene() is not None:
                self.ci.removeItem(plot)
        for i, plot in enumerate(self.plots):
            self.ci.addItem(plot, row=i // columns, col=i % columns)

    def resizeEvent(self, event):
        super().resizeEvent(event)
        if hasattr(self, "plots"):  # the first resize comes from the base class's __init__
            self._arrange()


class LayerSeries:
    """A log-scale chart of one number per layer over iterations (update ratios, gradient norms)."""

    def __init__(self, title: str, y_label: str, guide: float | None = None):
        self.plot = make_plot(title, y_label)
        self.item = self.plot.getPlotItem()
        self.item.setLogMode(y=True)
        self.item.setLabel("bottom", "iterations", color=theme.INK)
        self.columns: Columns | None = None
        self.curves: list[pg.PlotDataItem] = []
        self.width = scale(False).chart_width
        self.guide_value = guide
        self.follower = Follower(self.item)
        if guide is not None:
            self.guide = pg.InfiniteLine(pos=np.log10(guide), angle=0, movable=False,
                                         pen=pg.mkPen(theme.MUTED, width=1, style=Qt.PenStyle.DashLine),
                                         label=f"{guide:g} rule of thumb",
                                         labelOpts={"position": 0.98, "color": theme.TEXT_SOFT,
                                                    "fill": qcolor(theme.PAPER, 200), "anchors": [(1, 1), (1, 1)]})
            self.item.addItem(self.guide, ignoreBounds=False)

    def reset(self, names: list[str]) -> None:
        for curve in self.curves:
            self.item.removeItem(curve)
        self.columns = Columns(("iteration", *names), capacity=256)
        self.curves = [self.item.plot(pen=pg.mkPen(layer_color(i, len(names)), width=self.width))
                       for i in range(len(names))]

    def append(self, iteration: int, values: list[float]) -> None:
        names = self.columns.names[1:]
        self.columns.append({"iteration": iteration, **dict(zip(names, values, strict=False))})

    def draw(self) -> None:
        if self.columns is None:
            return
        x = self.columns.col("iteration")
        low, high = (self.guide_value,) * 2 if self.guide_value else (math.inf, 0.0)
        for name, curve in zip(self.columns.names[1:], self.curves, strict=False):
            y = self.columns.col(name)
            # a log axis cannot place zeros or NaN (untracked ratios): those points are left out
            shown = np.where(y > 0, y, np.nan)
            curve.setData(x, shown, connect="finite")
            finite = shown[np.isfinite(shown)]
            if finite.size:
                low, high = min(low, float(finite.min())), max(high, float(finite.max()))
        x_top = nice_ceiling(float(x[-1])) if len(x) else 1.0
        self.follower.show((0.0, x_top), decade_range(low, high) if high > 0 else None)

    def set_presentation(self, on: bool) -> None:
        self.width = scale(on).chart_width
        for i, curve in enumerate(self.curves):
            curve.setPen(pg.mkPen(layer_color(i, len(self.curves)), width=self.width))
        scale_plot(self.item, None, on)


class DiagnosticsPanel(QWidget):
    """Shows core's Diagnostics and InitialLoss; computes nothing."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.initial = QLabel(self.tr("Initial loss: start a run to check it against ln 10."), self)
        self.initial.setWordWrap(True)
        self.legend = QLabel(self)
        self.legend.setWordWrap(True)
        self.histograms = Histograms(self)
        self.stats = QLabel(self)
        self.stats.setWordWrap(True)
        set_text_color(self.stats, theme.TEXT_SOFT)
        self.ratios = LayerSeries("Update / weight ratio ‖ΔW‖ / ‖W‖", "ratio", guide=GUIDE_RATIO)
        self.grads = LayerSeries("Gradient norm ‖∂L/∂W‖", "norm")
        self.dead = make_plot("Dead ReLUs", "% of units")
        self.dead.setToolTip(self.tr("Units that output 0 for every example of the probe batch"))
        self.dead_bars = pg.BarGraphItem(x=[], height=[], width=0.6)
        self.dead.getPlotItem().addItem(self.dead_bars)
        self.dead.getPlotItem().setYRange(0, 100, padding=0.02)
        self.dead.getPlotItem().setMouseEnabled(False, False)
        self.dead.getPlotItem().hideButtons()
        self.empty = QLabel(self.tr("Diagnostics appear while a single run trains (not during a race)."), self)
        set_text_color(self.empty, theme.FAINT)
        self.empty.setWordWrap(True)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        for widget in (self.histograms, self.ratios.plot, self.grads.plot, self.dead):
            splitter.addWidget(widget)
        splitter.setSizes([230, 210, 190, 130])
        layout = QVBoxLayout(self)
        layout.addWidget(self.initial)
        layout.addWidget(self.empty)
        layout.addWidget(self.legend)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.stats)
        self.iteration = -1
        self._layer_names: list[str] = []
        self._latest = None  # Diagnostics not drawn yet
        # Drawn on a timer of its own, so its (slower) frame does not add to a chart frame in one long GUI block.
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self._draw)
        self._drawn_at = -math.inf
        self._units_layout: tuple | None = None  # (title, ticks) of the units chart as last set

    def clear(self) -> None:
        self._layer_names = []
        self._latest = None
        self.iteration = -1
        for series in (self.ratios, self.grads):
            series.reset([])
        self.histograms.show_layers([])
        self.dead_bars.setOpts(x=[], height=[])
        self.legend.clear()
        self.stats.clear()
        self.stats.setMinimumHeight(0)
        self.empty.show()
        self.initial.setText(self.tr("Initial loss: start a run to check it against ln 10."))

    def show_initial(self, initial) -> None:
        """core's InitialLoss: its verdict and its note (measured loss next to ln(classes))."""
        mark, color = ("✓", theme.GOOD) if initial.ok else ("✗", theme.BAD)
        self.initial.setText(f"<b style='color:{color}'>{mark} Initial loss check:</b> {initial.note}")

    def show_diagnostics(self, diagnostics) -> None:
        """core's Diagnostics: hidden layers first, then the output layer. Drawn now if on screen, else when shown."""
        layers = list(diagnostics.layers)
        names = [stats.name for stats in layers]
        if names != self._layer_names:
            self._layer_names = names
            self.ratios.reset(names)
            self.grads.reset(names)
            n = len(names)
            self.legend.setText("&nbsp;&nbsp;".join(
                f"<span style='color:{layer_color(i, n)}'>■</span>&nbsp;{name}" for i, name in enumerate(names)))
        self.iteration = diagnostics.iteration
        self.ratios.append(diagnostics.iteration, [stats.update_ratio for stats in layers])
        self.grads.append(diagnostics.iteration, [stats.grad_norm for stats in layers])
        self._latest = diagnostics
        if self.isVisible() and not self._timer.isActive():
            wait = min(DRAW_EVERY_S, max(0.0, DRAW_EVERY_S - (time.perf_counter() - self._drawn_at)))
            self._timer.start(max(10, int(1000 * wait)))

    def showEvent(self, event):
        super().showEvent(event)
        self._draw()

    def _draw(self) -> None:
        diagnostics, self._latest = self._latest, None
        if diagnostics is None:
            return
        self._drawn_at = time.perf_counter()
        self.empty.hide()
        hidden = [stats for stats in diagnostics.layers if stats.activation != "logits"]
        self.histograms.show_layers(hidden)
        self.stats.setText(self.tr("Activations on the probe batch, iteration {0:,}: ").format(diagnostics.iteration)
                           + ";  ".join(_summary(stats) for stats in hidden))
        # The label only grows: one line fewer would resize the charts above it, and resized charts redraw their axes.
        height = self.stats.heightForWidth(self.stats.width()) if self.stats.width() > 0 else -1
        if height > self.stats.minimumHeight():
            self.stats.setMinimumHeight(height)
        self.ratios.draw()
        self.grads.draw()
        self._show_units(hidden)

    def _show_units(self, hidden) -> None:
        """Dead ReLUs, or saturated units for tanh and sigmoid, per hidden layer (core's fractions, in %)."""
        bars, title = [], "Dead ReLUs"
        for i, stats in enumerate(hidden):
            fraction = stats.dead_fraction
            if fraction is None and stats.saturated_fraction is not None:
                fraction, title = stats.saturated_fraction, "Saturated units"
            if fraction is not None:
                bars.append((i, 100.0 * fraction))
        title = title if bars else "Dead or saturated units: none for this activation"
        ticks = [[(i, tick_name(stats.name, len(hidden))) for i, stats in enumerate(hidden)]]
        if (title, ticks) != self._units_layout:  # a new title or ticks re-lays the plot and repaints its axis
            self._units_layout = (title, ticks)
            self.dead.getPlotItem().setTitle(title, color=theme.INK)
            self.dead.getPlotItem().getAxis("bottom").setTicks(ticks)
        self.dead_bars.setOpts(x=[i for i, _ in bars], height=[h for _, h in bars],
                               brushes=[layer_color(i, len(hidden)) for i, _ in bars])

    def set_presentation(self, on: bool) -> None:
        self.histograms.set_presentation(on)
        self.ratios.set_presentation(on)
        self.grads.set_presentation(on)
        scale_plot(self.dead.getPlotItem(), None, on)
        # at projector sizes the page scrolls rather than crushing its charts (the side panel holds it in a scroll area)
        self.setMinimumHeight(PROJECTOR_HEIGHT if on else 0)
