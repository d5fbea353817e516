"""Live loss and accuracy charts over Records: plot items made once, setData once per frame for what changed.

One concept a little over 300 lines: the record charts (loss, accuracy) and the base they share.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from app import theme
from app.theme import qcolor, scale
from app.training.views.record import X_AXES, Record
from app.widgets.plots import DecadeAxis, FittingTitle, Follower, cache_on_device, decade_range, nice_ceiling

GHOST_ALPHA = 70
RAW_ALPHA = 60


def make_plot(title: str, y_label: str, parent=None) -> pg.PlotWidget:
    """A white plot with dark axes (readable when projected), downsampling long curves."""
    plot = pg.PlotWidget(parent=parent, background="w", axisItems={"left": DecadeAxis("left", minor_labels=True)})
    item = plot.getPlotItem()
    item.setTitle(title, color=theme.INK)
    item.setLabel("left", y_label, color=theme.INK)
    item.showGrid(x=True, y=True, alpha=0.25)
    item.setDownsampling(auto=True, mode="peak")
    item.setClipToView(True)
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        axis.setPen(pg.mkPen(theme.AXIS))
        axis.setTextPen(pg.mkPen(theme.INK))
        axis.enableAutoSIPrefix(False)  # "ratio (x0.001)" reads badly; ticks say 1e-3 themselves
        # grow-only room for tick labels: shrinking it when labels get shorter re-lays and repaints the whole plot
        axis.setStyle(autoReduceTextSpace=False)
        cache_axis(axis)
    return plot


def cache_axis(axis: pg.AxisItem) -> None:
    """Paint an axis (ticks, labels, grid) into a pixmap once per change of range or size: replaying its text
    on every frame would cost more than drawing the curves."""
    cache_on_device(axis)


def scale_plot(item: pg.PlotItem, legend: pg.LegendItem | None, on: bool) -> None:
    """Projector sizes (theme.scale) for a plot's title, tick labels, axis labels and legend."""
    sizes = scale(on)
    font = QFont(item.getAxis("bottom").style.get("tickFont") or QFont())
    font.setPixelSize(sizes.tick_px)
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        axis.setStyle(tickFont=font)
        axis.setLabel(axis.labelText, **{"color": theme.INK, "font-size": f"{sizes.tick_px}px"})
    item.titleLabel.setText(item.titleLabel.text, size=f"{sizes.title_px}px", color=theme.INK)
    if legend is not None:
        legend.setLabelTextSize(f"{sizes.font_px}px")
        for _sample, label in legend.items:
            label.setText(label.text)


class RecordChart:
    """Base for a chart that draws one group of curves per Record and re-lays them on an x-axis change."""

    marker_labels = True
    follows_x = True
    parts = ("steps", "events")  # the Record parts this chart draws

    def __init__(self, plot: pg.PlotWidget, legend_offset=(-10, 10)):
        self.plot = plot
        self.item = plot.getPlotItem()
        self.legend = self.item.addLegend(offset=legend_offset, labelTextColor=theme.INK,
                                          brush=qcolor(theme.PAPER, 200))
        self.x_column = "iteration"
        self.width = scale(False).chart_width
        self.label_font = QFont()
        self.label_font.setPixelSize(scale(False).tick_px)  # a marker's label: the tick labels' size
        self._groups: dict[int, dict] = {}  # id(record) -> {"record", "items", "drawn", "markers", "extent"}
        self.follower = Follower(self.item)

    # -- records -------------------------------------------------------------------------------------------
    def add(self, record: Record) -> None:
        group = {"record": record, "items": self._make_items(record), "drawn": -1, "markers": [], "extent": None}
        self._groups[id(record)] = group
        self._style(group)

    def remove(self, record: Record) -> None:
        group = self._groups.pop(id(record), None)
        if group is None:
            return
        for item in group["items"].values():
            self.item.removeItem(item)
        for line in group["markers"]:
            self.item.removeItem(line)
        self._follow()

    def records(self) -> list[Record]:
        return [group["record"] for group in self._groups.values()]

    def restyle(self, record: Record) -> None:
        """Call after `record.ghost` changed."""
        group = self._groups.get(id(record))
        if group is not None:
            self._style(group)
            group["drawn"] = -1

    def relabel(self, record: Record) -> None:
        """Call after `record.label` changed (a switch: "run 1: SGD → Adam")."""
        group = self._groups.get(id(record))
        if group is not None and not record.ghost:
            self._label(group["items"].get("smooth", group["items"].get("val")), record.label)

    def _label(self, item, text: str) -> None:
        label = self.legend.getLabel(item)
        if label is not None:
            label.setText(text)

    # -- view options --------------------------------------------------------------------------------------
    def set_x_axis(self, label: str) -> None:
        self.x_column = X_AXES[label]
        self.item.setLabel("bottom", label, color=theme.INK)
        for group in self._groups.values():
            group["drawn"] = -1
        self.follower.resume()
        self.refresh()

    def set_presentation(self, on: bool) -> None:
        self.width = scale(on).chart_width
        self.label_font.setPixelSize(scale(on).tick_px)
        for group in self._groups.values():
            self._style(group)
            for line in group["markers"]:
                if getattr(line, "label", None) is not None:
                    line.label.setFont(self.label_font)
        scale_plot(self.item, self.legend, on)

    def refresh(self) -> None:
        """setData for every record that changed since the last frame, then follow the data in coarse steps."""
        changed = False
        for group in self._groups.values():
            record = group["record"]
            version = record.version(self.parts)
            if group["drawn"] != version:
                self._draw(group)
                self._draw_markers(group)
                group["extent"] = self._extent(group)
                group["drawn"] = version
                changed = True
        if changed:
            self._follow()

    def _follow(self) -> None:
        # Ghosts never dictate the range (a diverged one would pin it at 1e25): only when nothing else is shown.
        current = [g for g in self._groups.values() if not g["record"].ghost]
        extents = [g["extent"] for g in (current or self._groups.values()) if g["extent"] is not None]
        x_max = max((e[0] for e in extents), default=0.0)
        x_range = (0.0, nice_ceiling(x_max)) if self.follows_x else None
        self.follower.show(x_range, self._y_range(extents))

    def _extent(self, group: dict) -> tuple[float, float, float] | None:
        """(largest x, smallest positive y, largest finite y) of a record's curves, None if nothing is drawn."""
        raise NotImplementedError

    def _y_range(self, extents) -> tuple[float, float] | None:
        raise NotImplementedError

    # -- markers at optimizer switches and hyperparameter changes ------------------------------------------
    def _draw_markers(self, group: dict) -> None:
        record = group["record"]
        markers = group["markers"]
        while len(markers) < len(record.events):
            iteration, text = record.events[len(markers)]
            pen = pg.mkPen(record.color, width=1, style=Qt.PenStyle.DashLine)
            if self.marker_labels:
                options = {"position": 0.7 - 0.08 * (len(markers) % 4), "color": theme.INK,
                           "fill": qcolor(theme.PAPER, 210), "anchors": [(0, 0.5), (1, 0.5)]}  # flips
                line = pg.InfiniteLine(angle=90, movable=False, pen=pen, label=text, labelOpts=options)
                line.label.setFont(self.label_font)
            else:
                line = pg.InfiniteLine(angle=90, movable=False, pen=pen)
            line.iteration = iteration
            self.item.addItem(line, ignoreBounds=True)
            markers.append(line)
        for line in markers:
            x = record.position(line.iteration, self.x_column)
            if line.value() != x:  # moving a labelled line re-lays its label: only when it really moves
                line.setPos(x)
            if line.isVisible() == record.ghost:
                line.setVisible(not record.ghost)

    # -- per chart -----------------------------------------------------------------------------------------
    def _make_items(self, record: Record) -> dict:
        raise NotImplementedError

    def _style(self, group: dict) -> None:
        raise NotImplementedError

    def _draw(self, group: dict) -> None:
        raise NotImplementedError

    def _curve(self, name: str | None = None) -> pg.PlotDataItem:
        curve = pg.PlotDataItem(name=name, connect="finite", skipFiniteCheck=False)
        self.item.addItem(curve)
        return curve


class LossChart(RecordChart):
    """Training loss: faint per-minibatch values and their smoothed curve; log scale on demand."""

    def __init__(self, parent=None):
        self.log = False
        # top right: a loss curve starts high on the left and ends low on the right, so that corner stays empty
        super().__init__(make_plot("Training loss", "loss", parent), legend_offset=(-10, 10))
        self.item.setLabel("bottom", "iterations", color=theme.INK)

    def set_log(self, on: bool) -> None:
        self.log = bool(on)
        self.item.setLogMode(y=self.log)
        self.follower.resume()
        self._follow()

    def _extent(self, group: dict):
        steps = group["record"].steps
        if not len(steps):
            return None
        record = group["record"]
        y = steps.col("loss" if record.show_raw and not record.ghost else "smooth")
        finite = y[np.isfinite(y)]
        positive = finite[finite > 0]
        return (steps.last(self.x_column), float(positive.min()) if positive.size else math.nan,
                float(finite.max()) if finite.size else math.nan)

    def _y_range(self, extents):
        highs = [e[2] for e in extents if math.isfinite(e[2])]
        if not highs:
            return None
        if not self.log:
            return 0.0, nice_ceiling(max(highs))
        lows = [e[1] for e in extents if math.isfinite(e[1])]
        return decade_range(min(lows), max(highs)) if lows else None

    def _make_items(self, record: Record) -> dict:
        raw = self._curve()
        smooth = self._curve(record.label)
        return {"raw": raw, "smooth": smooth}

    def _style(self, group: dict) -> None:
        record, items = group["record"], group["items"]
        if record.ghost:
            items["smooth"].setPen(pg.mkPen(qcolor(record.color, GHOST_ALPHA), width=1))
            items["raw"].setVisible(False)
            self.legend.removeItem(items["smooth"])  # the legend names the current runs only: it stays small
        else:
            items["smooth"].setPen(pg.mkPen(record.color, width=self.width))
            items["raw"].setPen(pg.mkPen(qcolor(record.color, RAW_ALPHA), width=1))
            items["raw"].setVisible(record.show_raw)
        if not record.ghost:
            self._label(items["smooth"], record.label)

    def _draw(self, group: dict) -> None:
        steps = group["record"].steps
        x = steps.col(self.x_column)
        group["items"]["smooth"].setData(x, steps.col("smooth"))
        if group["items"]["raw"].isVisible():
            group["items"]["raw"].setData(x, steps.col("loss"))


ACCURACY_TITLES = ("Accuracy (solid: validation, dashed: training)", "Accuracy (solid: val, dashed: train)",
                   "Accuracy (— val, - - train)", "Accuracy")


class AccuracyChart(RecordChart):
    """Training accuracy (dashed) and validation accuracy (solid) at every evaluation, in [0, 1]."""

    marker_labels = False  # the loss chart above names the change; here the line alone lines up with it
    follows_x = False  # its x-axis is linked to the loss chart's (auto-range off, or the two would fight)
    parts = ("evals", "events")

    def __init__(self, parent=None):
        super().__init__(make_plot(ACCURACY_TITLES[0], "accuracy", parent), legend_offset=(-10, -10))
        self.title = FittingTitle(self.plot, ACCURACY_TITLES, theme.INK, scale(False).title_px)
        self.item.setLabel("bottom", "iterations", color=theme.INK)
        self.item.getViewBox().setLimits(yMin=-0.05, yMax=1.05)
        self.follower.show(None, (0.0, 1.0))
        # The loss chart above names the same runs in the same colours: a legend too tall for this (often short)
        # chart would lose its top rows over the edge and cover the curves, so it is then left out.
        self.item.getViewBox().sigResized.connect(self._fit_legend)

    LEGEND_SHARE = 0.6  # of the plot's height the legend may take

    def _fit_legend(self, *_args) -> None:
        """Show the legend only where it fits (on a resize, and when its rows change: `_style`, `remove`)."""
        fits = self.legend.boundingRect().height() <= self.LEGEND_SHARE * self.item.getViewBox().height()
        if self.legend.isVisible() != fits:
            self.legend.setVisible(fits)

    def remove(self, record: Record) -> None:
        super().remove(record)
        self._fit_legend()

    def set_presentation(self, on: bool) -> None:
        super().set_presentation(on)
        self.title.set_size(scale(on).title_px)

    def _extent(self, group: dict):
        evals = group["record"].evals
        return (evals.last(self.x_column), 0.0, 1.0) if len(evals) else None

    def _y_range(self, extents):
        return 0.0, 1.0

    def _make_items(self, record: Record) -> dict:
        val = self._curve(record.label)
        train = self._curve()  # the legend names each run once; the title says which line is which
        return {"val": val, "train": train}

    def _style(self, group: dict) -> None:
        record, items = group["record"], group["items"]
        alpha = GHOST_ALPHA if record.ghost else 255
        width = 1 if record.ghost else self.width
        items["val"].setPen(pg.mkPen(qcolor(record.color, alpha), width=width))
        items["val"].setSymbol(None if record.ghost else "o")
        items["val"].setSymbolSize(5)
        items["val"].setSymbolBrush(qcolor(record.color, alpha))
        items["val"].setSymbolPen(None)
        items["train"].setPen(pg.mkPen(qcolor(record.color, alpha), width=width, style=Qt.PenStyle.DashLine))
        if record.ghost:
            self.legend.removeItem(items["val"])  # the legend names the current runs only
        else:
            self._label(items["val"], record.label)
        self._fit_legend()

    def _draw(self, group: dict) -> None:
        evals = group["record"].evals
        x = evals.col(self.x_column)
        group["items"]["val"].setData(x, evals.col("val_acc"))
        group["items"]["train"].setData(x, evals.col("train_acc"))
