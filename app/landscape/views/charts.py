"""Three charts under the surface: loss, gradient norm and distance to the nearest minimum, per racer."""
from __future__ import annotations

import math
from functools import partial

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextOption

from app import theme
from app.landscape.model import racers
from app.widgets.marker import Marker
from app.widgets.plots import DecadeAxis, cache_on_device, longest_fitting
from app.widgets.polylines import Polylines, joined

__all__ = ["CHARTS", "Charts", "Line", "by_column", "decimate"]

CHARTS = ("loss", "grad_norm", "distance")
TITLES = {"loss": "loss f", "grad_norm": "gradient norm ‖∇f‖", "distance": "distance to nearest minimum"}
SHORT_TITLES = {"loss": "loss f", "grad_norm": "‖∇f‖", "distance": "distance to min"}  # narrow columns
TINY_TITLES = {"loss": "loss", "grad_norm": "‖∇f‖", "distance": "distance"}
LOG_FLOOR = 1e-16  # log charts show values down to here (float64 resolution of an O(1) loss)
HUGE = 1e12  # values beyond this (a diverging racer) are left out so the other curves keep their scale


def decimate(x: np.ndarray, y: np.ndarray, lo: float, hi: float, columns: int):
    """For x ascending: the lowest and highest y of every screen column between lo and hi (as a zig-zag
    x, y), so a 5,000-point curve costs two points per pixel; short curves come back unchanged."""
    if len(x) <= 2 * columns or not hi > lo:
        return x, y
    return by_column(x, y, lo, hi, columns)[:2]


def by_column(x: np.ndarray, y: np.ndarray, lo: float, hi: float, columns: int):
    """`decimate` without the short-curve shortcut: two points per column, and the index of the first point
    of the last column."""
    if len(x) == 0:
        return x, y, 0
    bins = np.floor((x - lo) * (columns / (hi - lo)))
    change = np.empty(len(bins), dtype=bool)  # where a column starts (np.r_ costs more than the rest together)
    change[0] = True
    np.not_equal(bins[1:], bins[:-1], out=change[1:])
    starts = np.flatnonzero(change)
    extremes = np.empty(2 * len(starts))  # each column's lowest, then highest y
    with np.errstate(invalid="ignore"):
        np.fmin.reduceat(y, starts, out=extremes[0::2])
        np.fmax.reduceat(y, starts, out=extremes[1::2])
    return np.repeat(x[starts], 2), extremes, int(starts[-1])


# A chart line's newest points are redrawn when they change; the older ones lie in a settled layer, which grows by
# a piece every TAIL points (painted once) and is set anew when the x range, the width or the axis changes.
TAIL = 48


class Line:
    """One racer's curve in one chart, fed its whole growing series every time but working on the new points
    only: the per-column extremes of columns the series has left are final, so only the last column is redone
    (the same points `decimate` gives for the whole series), and only the newest TAIL points are repainted."""

    def __init__(self, settled: Polylines, live: Polylines, key):
        self.settled, self.live, self.key = settled, live, key  # the chart's two layers, and this line's key
        self.reset()

    def reset(self) -> None:
        """Forget the series: the next `update` starts over."""
        self._columns = None  # (lo, hi, columns) the columns were cut at
        self._n = 0  # points of the series seen
        self._tail = 0  # index of the first point of the last (open) column
        self._fx = self._fy = np.zeros(0)  # drawn points of the closed columns
        self._extent = None  # (min, max) of their finite y
        self._cut = None  # points in the settled layer (None: nothing settled)
        self.extent = None
        for layer in (self.settled, self.live):
            layer.clear(self.key)

    def set_pen(self, pen) -> None:
        self.settled.set_pen(self.key, pen)
        self.live.set_pen(self.key, pen)

    def update(self, x: np.ndarray, y: np.ndarray, lo: float, hi: float, columns: int, transform,
               live: list | None = None) -> None:
        """Show the series (x ascending, raw y; `transform` maps raw y to plotted y elementwise). With a list
        `live`, the newest points are appended to it as (key, x, y) for the caller to give the live layer (with
        the other lines', in one `set_many`) instead of being set here."""
        n = len(x)
        cut_at = (lo, hi, columns)
        if n <= 2 * columns or not hi > lo:  # short: every point as it is (as `decimate` does)
            xs, ys = np.asarray(x, dtype=np.float64), transform(y)
            self._columns, self._n = None, 0
            self.extent = _merge(None, ys)
            self._show(xs, ys, prefix_kept=self._cut is not None and self._raw_kept(xs, ys), live=live)
            return
        restart = cut_at != self._columns or n < self._n
        if restart:
            self._columns, self._tail = cut_at, 0
            self._fx = self._fy = np.zeros(0)
            self._extent = None
        tx, ty, last = by_column(np.asarray(x[self._tail:], dtype=np.float64), transform(y[self._tail:]), lo, hi,
                                 columns)
        if last:  # every column but the last is closed: its two points are final
            self._fx = np.concatenate([self._fx, tx[:-2]])
            self._fy = np.concatenate([self._fy, ty[:-2]])
            self._extent = _merge(self._extent, ty[:-2])
            self._tail += last
        self._n = n
        xs, ys = np.concatenate([self._fx, tx[-2:]]), np.concatenate([self._fy, ty[-2:]])
        self.extent = _merge(self._extent, ty[-2:])
        kept = not restart and self._cut is not None and (self._cut == 0 or self._cut < len(self._fx))
        self._show(xs, ys, prefix_kept=kept, live=live)

    def _raw_kept(self, xs, ys) -> bool:
        """Whether the settled layer is still the start of these (raw) points."""
        cut = self._cut
        if cut == 0:
            return True
        old_x, old_y = self.settled.data(self.key)
        return (cut < len(xs) and len(old_x) == cut + 1 and xs[cut] == old_x[-1]
                and (ys[cut] == old_y[-1] or (np.isnan(ys[cut]) and np.isnan(old_y[-1]))))

    def _show(self, xs: np.ndarray, ys: np.ndarray, prefix_kept: bool, live: list | None) -> None:
        m = len(xs)
        old = self._cut if prefix_kept else 0
        cut = old
        if m - cut > 2 * TAIL:
            cut = max(m - TAIL, 0)
        if cut != old or not prefix_kept:
            self._cut = cut
            if prefix_kept and old:  # the settled part grew: one more piece of it is drawn
                self.settled.extend(self.key, xs[old:cut + 1], ys[old:cut + 1])
            else:
                self.settled.set_data(self.key, xs[: cut + 1] if cut else xs[:0], ys[: cut + 1] if cut else ys[:0])
        if live is None:
            self.live.set_data(self.key, xs[cut:], ys[cut:])
        else:
            live.append((self.key, xs[cut:], ys[cut:]))

    def drawn(self) -> tuple[np.ndarray, np.ndarray]:
        """The points the chart shows now: the settled part, then the live one."""
        return joined(self.settled, self.live, self.key)


def _merge(extent, ys):
    """`extent` (None or (min, max)) widened by the finite values of ys."""
    if not len(ys):
        return extent
    lo, hi = np.fmin.reduce(ys), np.fmax.reduce(ys)  # NaN only if every value is NaN
    if not (np.isfinite(lo) and np.isfinite(hi)):  # all NaN, or an infinity: the finite values, the long way
        finite = ys[np.isfinite(ys)]
        if not finite.size:
            return extent
        lo, hi = finite.min(), finite.max()
    return (lo, hi) if extent is None else (min(extent[0], lo), max(extent[1], hi))


class Charts(pg.GraphicsLayoutWidget):
    """Chart `name` has one curve per racer (created once), a dot per racer at the timeline position and,
    when paused on the iteration axis, a vertical cursor. Log axes get log10 values (PlotCurveItems are
    lighter than PlotDataItems: these charts are fed every frame)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setBackground("w")
        self.plots: dict[str, pg.PlotItem] = {}
        self.curves: dict[str, dict[str, Line]] = {}
        self._live: dict[str, Polylines] = {}  # per chart, the layer of every racer's newest points
        self.dots: dict[str, dict[str, Marker]] = {}  # per chart, each racer's dot (moved, not redrawn)
        self.cursors: dict[str, pg.InfiniteLine] = {}
        self.notes: dict[str, pg.TextItem] = {}
        self.log = dict.fromkeys(CHARTS, True)
        for col, name in enumerate(CHARTS):
            plot = self.addPlot(row=0, col=col, enableMenu=False, axisItems={"left": DecadeAxis("left"),
                                                           "bottom": DecadeAxis("bottom")})
            self.ci.layout.setColumnStretchFactor(col, 1)
            plot.setPreferredWidth(100)  # equal preferred widths: the three columns then share the row equally
            plot.hideButtons()
            plot.setMouseEnabled(x=False, y=False)
            for side in ("bottom", "left", "top", "right"):  # the hidden two as well: each new range set their
                plot.getAxis(side).enableAutoSIPrefix(False)  # labels' HTML anew (0.3 ms), shown or not
            plot.disableAutoRange()  # y follows the data in whole steps (see _fit_y): axes stay cached
            for axis in ("bottom", "left"):
                cache_on_device(plot.getAxis(axis))
            self.plots[name] = plot
            settled = Polylines(racers(), settled=True)  # every racer's older points, each piece painted once
            live = Polylines(racers())  # and its newest ones
            for layer in (settled, live):
                plot.addItem(layer)
            self.curves[name] = {method: Line(settled, live, method) for method in racers()}
            self._live[name] = live
            self.dots[name] = {}
            for z, method in enumerate(racers()):
                dot = Marker(theme.racer_symbol(method), 7, theme.pen(theme.OUTLINE, 1.0),
                             theme.brush(theme.racer_color(method)))
                dot.setZValue(20 + z / 10)
                dot.hide()
                plot.addItem(dot, ignoreBounds=True)
                self.dots[name][method] = dot
            cursor = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(*theme.CURSOR, width=1))
            plot.addItem(cursor, ignoreBounds=True)
            self.cursors[name] = cursor
            note = pg.TextItem(color=theme.MUTED, anchor=(0.5, 0.5))
            note.textItem.document().setDefaultTextOption(QTextOption(Qt.AlignmentFlag.AlignCenter))
            note.setParentItem(plot.getViewBox())
            note.hide()
            self.notes[name] = note
            plot.getViewBox().sigResized.connect(self._place_notes)  # centred and wrapped to the chart's width
            plot.geometryChanged.connect(lambda n=name: self._set_title(n) if hasattr(self, "_loss_label") else None)
        self._dot_points: dict[str, dict[str, tuple[float, float]]] = {n: {} for n in CHARTS}
        self._dirty: set[str] = set()  # charts whose dots moved since they were last pushed
        self._right: dict[str, float | None] = dict.fromkeys(CHARTS)  # each chart's x range's right end
        self._scale = theme.scale(False)
        self.set_axes(loss_log=True, loss_label="f − f*", distance_known=True, x_label="iteration")
        self.apply_scale(self._scale)

    def set_axes(self, loss_log: bool, loss_label: str, distance_known: bool, x_label: str,
                 loss_range: tuple[float, float] | None = None) -> None:
        """Per surface: log or linear loss axis, whether minima are known, and what the x axis counts.

        A linear loss axis (f unbounded below) is fixed to `loss_range`, f's range over the view, so a racer
        sliding off to −∞ leaves the chart instead of flattening everyone else's curve.
        """
        self.log["loss"] = bool(loss_log)
        for name in CHARTS:
            self.plots[name].getAxis("left").setLogMode(False, self.log[name])
        self._fixed_y = None if loss_log or loss_range is None else tuple(loss_range)
        self._extent = {name: {} for name in CHARTS}
        for lines in self.curves.values():  # log or linear: every line anew
            for line in lines.values():
                line.reset()
        self._ylim = dict.fromkeys(CHARTS)
        if self._fixed_y is not None:
            self.plots["loss"].setYRange(*self._fixed_y, padding=0.05)
        self._loss_label = loss_label
        self._x_label = x_label
        note = self.notes["distance"]
        note.setText("" if distance_known else "no known minimum")
        note.setVisible(not distance_known)
        self._label_axes()

    def _y(self, name: str, y) -> np.ndarray:
        y = np.asarray(y, dtype=np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            if not self.log[name]:
                return np.where(np.abs(y) < HUGE, y, np.nan)
            # An exact 0 (a racer sitting on the minimum) is drawn at the floor, not as a gap.
            out = np.log10(np.maximum(y, LOG_FLOOR))
            out[~((y >= 0) & (y < HUGE))] = np.nan  # negative, huge or NaN: a gap
            return out

    def show(self, name: str, method: str, x: np.ndarray, y: np.ndarray | None) -> None:
        """Curve of `method` in chart `name` (raw values; log10 is taken here on log charts); None hides it."""
        self.show_all(name, [(method, x, y)])

    def show_all(self, name: str, curves) -> None:
        """`show` for each (method, x, y) of `curves` in chart `name`: their newest points go to the live layer in
        one call (one rectangle repainted) and the y range is fitted once."""
        columns = max(int(self.plots[name].getViewBox().width()), 50)
        right = self._right[name] or 10.0
        live, extents = [], self._extent[name]
        transform = partial(self._y, name)  # raw values to plotted ones
        for method, x, y in curves:
            line = self.curves[name][method]
            if y is None or len(x) == 0:
                line.reset()
                extents.pop(method, None)
                continue
            line.update(x, y, 0.0, right, columns, transform, live=live)
            extents[method] = line.extent
        if live:
            self._live[name].set_many(live)
        self._fit_y(name)

    def restart(self, method: str) -> None:
        """`method`'s series start over (a new run): its lines forget what they had."""
        for name in CHARTS:
            self.curves[name][method].reset()

    def drawn(self, name: str, method: str) -> tuple[np.ndarray, np.ndarray]:
        """The points (x, plotted y) `method`'s curve in chart `name` shows now."""
        return self.curves[name][method].drawn()

    def _fit_y(self, name: str) -> None:
        """Fit the y range to every curve, rounded out to whole decades (log) or nice steps (linear), so it
        changes only now and then and the axes are redrawn rarely."""
        if name == "loss" and self._fixed_y is not None:
            return
        extents = [e for e in self._extent[name].values() if e is not None]
        if not extents:
            return
        lo, hi = min(e[0] for e in extents), max(e[1] for e in extents)
        if self.log[name]:  # values are log10 already: whole decades
            lo, hi = np.floor(lo), np.ceil(hi)
            hi = hi if hi > lo else lo + 1
        else:
            step = 10.0 ** np.floor(np.log10(max(hi - lo, abs(hi), 1e-12)))
            lo, hi = np.floor(lo / step) * step, np.ceil(hi / step) * step
            hi = hi if hi > lo else lo + step
        if self._ylim[name] != (lo, hi):
            self._ylim[name] = (lo, hi)
            self.plots[name].setYRange(lo, hi, padding=0.04)

    def hide(self, method: str) -> None:
        for name in CHARTS:
            self.curves[name][method].reset()
            if self._extent[name].pop(method, None) is not None:
                self._fit_y(name)
            if self._dot_points[name].pop(method, None) is not None:
                self._dirty.add(name)

    def _y_one(self, name: str, y: float) -> float:
        """`_y` of one value (a dot's), without the arrays."""
        y = float(y)
        if not self.log[name]:
            return y if abs(y) < HUGE else math.nan
        if not 0 <= y < HUGE:  # negative, huge or NaN: not drawn
            return math.nan
        return float(np.log10(max(y, LOG_FLOOR)))

    def set_dot(self, name: str, method: str, x: float | None, y: float | None) -> None:
        """Where `method` was at the timeline position in chart `name` (None hides the dot)."""
        value = None if x is None or y is None else self._y_one(name, y)
        points = self._dot_points[name]
        new = None if value is None or not np.isfinite(value) else (float(x), value)
        if points.get(method) != new:
            self._dirty.add(name)
            if new is None:
                points.pop(method, None)
            else:
                points[method] = new

    def set_cursor(self, x: float | None) -> None:
        """The vertical line at the timeline position (None hides it)."""
        for cursor in self.cursors.values():
            if (x is not None) != cursor.isVisible():
                cursor.setVisible(x is not None)
            if x is not None and cursor.value() != x:
                cursor.setValue(x)

    def column(self, name: str, x: float) -> int:
        """The screen column (pixel) of x in chart `name`."""
        columns = max(int(self.plots[name].getViewBox().width()), 50)
        return int(x * columns / (self._right[name] or 10.0))

    def set_x_range(self, right: float, names=CHARTS) -> list[str]:
        """Show x from 0 to `right` on the charts `names`; those whose range changed (their curves must then be
        decimated anew)."""
        right = max(float(right), 10.0)
        changed = [name for name in names if self._right[name] != right]
        for name in changed:
            self._right[name] = right
            self.plots[name].setXRange(0, right, padding=0.02)
        return changed

    def refresh_dots(self, names=CHARTS, force: bool = False) -> None:
        """Push the per-racer dots of the charts `names` whose dots moved (at most once per frame)."""
        for name in names:
            if name not in self._dirty and not force:
                continue
            self._dirty.discard(name)
            points = self._dot_points[name]
            for method, dot in self.dots[name].items():
                if force:
                    dot.set_style(theme.racer_symbol(method), self._scale.marker_size * 0.7,
                                  theme.pen(theme.OUTLINE, 1.0), theme.brush(theme.racer_color(method)))
                dot.place(points.get(method))

    def title(self, name: str) -> str:
        """The chart's title: the longest form that fits its third of the row at the current text size."""
        log = " (log)" if self.log[name] else ""
        if name == "loss":
            forms = [f"loss {self._loss_label}{log}", f"loss{log}", "loss"]
        else:
            forms = [TITLES[name] + log, SHORT_TITLES[name] + log, SHORT_TITLES[name], TINY_TITLES[name]]
        plot = self.plots.get(name)  # the title sits over the plot area only, not over the tick labels
        width = plot.width() - plot.getAxis("left").width() if plot is not None and plot.width() > 0 else 0
        return longest_fitting(forms, self.font(), self._scale.font_px, (width or self.width() / len(CHARTS) - 60) - 8)

    def _label_axes(self) -> None:
        style = {"font-size": f"{self._scale.font_px}px", "color": theme.INK}
        for name, plot in self.plots.items():
            self._set_title(name)
            plot.setLabel("bottom", self._x_label, **style)
        self._place_notes()

    def _set_title(self, name: str) -> None:
        title, label = self.title(name), self.plots[name].titleLabel
        if label.text != title or label.opts.get("size") != f"{self._scale.font_px}px":
            self.plots[name].setTitle(title, size=f"{self._scale.font_px}px", color=theme.INK)
            label.setMinimumWidth(0)  # pyqtgraph makes a title as wide as its text: it must never widen its column

    def _place_notes(self, *_args) -> None:
        for name, note in self.notes.items():
            box = self.plots[name].getViewBox().boundingRect()
            note.setTextWidth(max(box.width() - 8, 40))  # a narrow chart wraps its note
            note.setPos(box.center())

    def apply_scale(self, scale: theme.Scale) -> None:
        self._scale = scale
        # title, ticks and axis label with room for a curve; in projector mode the surface needs the height more
        self.setMinimumHeight(max(143, int(6.8 * scale.font_px)))
        font = self.font()
        font.setPixelSize(scale.tick_px)
        for name, plot in self.plots.items():
            for axis_name in ("bottom", "left"):
                axis = plot.getAxis(axis_name)
                axis.setStyle(tickFont=font)
                axis.setTextPen(theme.INK)
                axis.setPen(theme.AXIS)
            for method, line in self.curves[name].items():
                line.set_pen(pg.mkPen(theme.racer_color(method), width=scale.chart_width))
            self.notes[name].setFont(font)
        self._label_axes()
        self.refresh_dots(force=True)

