"""What every chart shares: a decade log axis, NaN-safe "nice" ranges, ranges that follow growing curves, and
titles that fit.

View ranges follow growing curves in coarse steps, so axes (slow to redraw) change a few times per decade.

pyqtgraph's auto-range moves the axes on every frame while a curve grows, and redrawing an axis with its tick
labels costs more than drawing the curves; with steps of 1-1.5-2-3-4-5-6-8 × 10ᵏ the axes move ~9 times a decade.
"""
from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QRectF
from PySide6.QtGui import QFont, QFontMetrics, QPixmapCache
from PySide6.QtWidgets import QGraphicsItem

STEPS = (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)
MINOR_DECADE_PX = 24  # a log axis draws its 2…9 minor ticks only where a decade is at least this long
# Qt keeps every cached item's pixels in one pixmap cache, 10 MB by default. The Landscape's cached items (surface,
# contours, axes, markers) need about 20 MB at 1920×1050; past the limit Qt drops and redraws some of them every
# frame. This is a ceiling, not an allocation.
PIXMAP_CACHE_KB = 96 * 1024


def cache_on_device(item: QGraphicsItem) -> None:
    """Paint `item` into Qt's device-coordinate cache once per change of it or of the view, then copy the pixels
    (with Qt's pixmap cache raised to PIXMAP_CACHE_KB, so that it holds every such item)."""
    if QPixmapCache.cacheLimit() < PIXMAP_CACHE_KB:
        QPixmapCache.setCacheLimit(PIXMAP_CACHE_KB)
    item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)


class BoundedScatter(pg.ScatterPlotItem):
    """A ScatterPlotItem that remembers its bounding rect until its points or the view change. Qt asks every item
    it repaints for its bounds, and pyqtgraph's works out the symbols' pixel padding anew each time (≈ 0.15 ms):
    several times a frame, for a few fixed points (a surface's critical points, an aid's trial points)."""

    def __init__(self, *args, **kwargs):
        self._bounds = None
        super().__init__(*args, **kwargs)

    def prepareGeometryChange(self):  # noqa: N802 (Qt's name): pyqtgraph calls it when points are added or the
        self._bounds = None  # view changes
        super().prepareGeometryChange()

    def clear(self):
        self._bounds = None
        super().clear()

    def _updateMaxSpotSizes(self, **kwargs):  # noqa: N802 (pyqtgraph's name): a new symbol size or pen width
        self._bounds = None
        super()._updateMaxSpotSizes(**kwargs)

    def viewTransformChanged(self):  # noqa: N802 (pyqtgraph's name)
        """A zoom or a pan: pyqtgraph draws only the points inside the view, so a cached picture (a pan only
        moves it) would lack the points that come into view; it is drawn afresh."""
        super().viewTransformChanged()
        self.update()

    def boundingRect(self):
        if self._bounds is None:
            self._bounds = super().boundingRect()
        return QRectF(self._bounds)


class DecadeAxis(pg.AxisItem):
    """A log axis that labels whole decades only; the 2…9 minor ticks keep their marks but no text (stacked
    labels on a short chart overlap), where a decade has room for them (MINOR_DECADE_PX). With `minor_labels`,
    2 and 5 are labelled too while fewer than two decades show, and every tick when there are only a few."""

    def __init__(self, orientation, minor_labels: bool = False, **kwargs):
        self._marks_only: list[float] | None = None  # the whole decades drawn as unlabelled marks (see logTickValues)
        super().__init__(orientation, **kwargs)
        self.minor_labels = minor_labels

    def tickSpacing(self, minVal, maxVal, size):  # noqa: N803 (pyqtgraph's names)
        """No tick level whose labels would touch: vertical labels 1.5 lines apart, horizontal ones a label's width
        plus two digits apart (a short or narrow chart at projector sizes would print them over each other).
        When even the major level is too dense it widens in 1-2-5 steps (whole decades on a log axis)."""
        levels = super().tickSpacing(minVal, maxVal, size)
        span = maxVal - minVal
        vertical = self.orientation in ("left", "right")
        if not span > 0 or not math.isfinite(span) or size <= 0 or not levels or (self.logMode and not vertical):
            return levels
        metrics = QFontMetrics(self.style.get("tickFont") or QFont())
        if vertical:
            gap = 1.5 * metrics.height()
        else:
            digits = max(len(f"{value:g}") for value in (minVal, maxVal))
            gap = metrics.horizontalAdvance("0" * (digits + 1))
        kept = [(spacing, offset) for spacing, offset in levels if size * spacing / span >= gap]
        if kept:
            return kept
        spacing = levels[0][0]
        while size * spacing / span < gap:
            spacing *= 2.5 if f"{spacing:e}".startswith("2") else 2.0  # 1 → 2 → 5 → 10
        if not vertical and not self._room_inside(spacing, minVal, maxVal, size, gap):
            # The widened level's ticks would all sit at the ends, where their labels do not fit (0 and 50,000 on
            # a narrow chart from −1,000 to 51,000): a finer step instead (3 or 2.5 × 10ᵏ between 2 and 5 first),
            # if the labels drawn (those with room inside) keep half a digit apart.
            digit = metrics.horizontalAdvance("0")
            five = f"{spacing:e}".startswith("5")
            for finer in (spacing * 3 / 5, spacing / 2, spacing * 2 / 5) if five else (spacing / 2,):
                places = max(0, math.ceil(-math.log10(finer)))  # the decimals pyqtgraph prints for this step:
                if round(finer, places) != finer:  # 2.5 would read "2"
                    continue
                ticks = [k * finer for k in range(math.ceil(minVal / finer), math.floor(maxVal / finer) + 1)]
                widths = [(v, metrics.horizontalAdvance(f"{v:.{places}f}")) for v in ticks]
                drawn = [w for v, w in widths if min(v - minVal, maxVal - v) * size / span >= w / 2]  # room
                if drawn and size * finer / span >= max(drawn) + digit / 2:
                    spacing = finer
                    break
        return [(spacing, 0.0)]

    @staticmethod
    def _room_inside(spacing, low, high, size, gap) -> bool:
        """Whether some multiple of `spacing` lies far enough inside [low, high] for half a label each side."""
        half = gap / 2 * (high - low) / size
        first = math.ceil((low + half) / spacing) * spacing
        return first <= high - half

    def logTickValues(self, minVal, maxVal, size, stdTicks):  # noqa: N802, N803 (pyqtgraph's names)
        """pyqtgraph's ticks, without the 2…9 minor ticks where a decade has under MINOR_DECADE_PX: there they
        would be marks a pixel or two apart (drawn as a dark bar), and at the start of a race, when a chart's y
        range spans a dozen decades and changes every frame, laying out a hundred of them cost 5 ms a paint."""
        self._marks_only = None
        decades = maxVal - minVal
        if decades > 0 and size / decades < MINOR_DECADE_PX:
            kept = [(spacing, values) for spacing, values in stdTicks if spacing >= 1.0]
            if kept:
                # Every whole decade keeps its mark (the labelled level may step 2 or 5 decades), unlabelled.
                shown = {float(v) for _, values in kept for v in values}  # whole multiples of a whole step
                whole = [float(v) for v in range(math.ceil(minVal), math.floor(maxVal) + 1) if float(v) not in shown]
                if whole and size / decades >= 3:  # (not a solid bar of them either)
                    self._marks_only = whole
                    kept.append((None, whole))
                return kept
        return super().logTickValues(minVal, maxVal, size, stdTicks)

    def tickValues(self, minVal, maxVal, size):  # noqa: N803 (pyqtgraph's names)
        """No ticks for a range that is not finite (pyqtgraph's own raise on one)."""
        if not (math.isfinite(minVal) and math.isfinite(maxVal)):
            return []
        return super().tickValues(minVal, maxVal, size)

    def logTickStrings(self, values, scale, spacing):
        if spacing is None and self._marks_only is not None and list(values) == self._marks_only:
            return [""] * len(values)  # the whole decades between labelled ones: marks only
        strings = super().logTickStrings(values, scale, spacing)
        if self.minor_labels and len(values) < 4:
            return strings
        mantissas = [round(10 ** (v - math.floor(v)), 6) for v in values]
        decades = sum(m in (1.0, 10.0) for m in mantissas)
        keep = {1.0, 10.0} if decades >= 2 or not self.minor_labels else {1.0, 2.0, 5.0, 10.0}
        return [text if m in keep else "" for text, m in zip(strings, mantissas, strict=True)]


def nice_ceiling(value: float, steps: tuple[float, ...] = STEPS) -> float:
    """The smallest number m × 10ᵏ ≥ value with m in `steps` (1 for value ≤ 0 or not finite)."""
    if not math.isfinite(value) or value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for m in steps:
        candidate = m * 10.0**exponent
        if candidate >= value * (1 - 1e-12):
            return candidate
    return 10.0 ** (exponent + 1)


def decade_range(low: float, high: float) -> tuple[float, float]:
    """(floor, ceil) of log10 of [low, high] for a log axis, at least one decade wide."""
    lo = math.floor(math.log10(low))
    hi = math.ceil(math.log10(high))
    return lo, max(hi, lo + 1)


class Follower:
    """Keeps a PlotItem's view on the data until the user pans or zooms; its "A" button resumes following."""

    def __init__(self, item: pg.PlotItem, x: bool = True, y: bool = True):
        self.item = item
        self.x, self.y = x, y
        self.following = True
        self._shown: tuple | None = None
        view = item.getViewBox()
        self._disable_auto_range()
        view.sigRangeChangedManually.connect(self._user_moved)
        item.autoBtn.clicked.connect(self.resume)

    def _disable_auto_range(self) -> None:
        """pyqtgraph's auto-range stays on for the axes this follower leaves alone."""
        view = self.item.getViewBox()
        for axis, ours in ((pg.ViewBox.XAxis, self.x), (pg.ViewBox.YAxis, self.y)):
            if ours:
                view.disableAutoRange(axis)

    def _user_moved(self, *_args) -> None:
        self.following = False

    def resume(self) -> None:
        """Follow the data again (after pyqtgraph's own handler of the "A" button turned auto-range on)."""
        self._disable_auto_range()
        self.following = True
        self._shown = None
        self.item.autoBtn.hide()

    def shown(self) -> tuple | None:
        """The (x, y) ranges last set (None for an axis left alone), or None when not following."""
        return self._shown if self.following else None

    def show(self, x_range: tuple[float, float] | None, y_range: tuple[float, float] | None) -> None:
        """Set the ranges (in view coordinates, log10 on log axes) if following and they changed."""
        if not self.following:
            return
        wanted = (x_range if self.x else None, y_range if self.y else None)
        if wanted == self._shown:
            return
        self._shown = wanted
        view = self.item.getViewBox()
        if wanted[0] is not None:
            view.setXRange(*wanted[0], padding=0)
        if wanted[1] is not None:
            view.setYRange(*wanted[1], padding=0.02)


def longest_fitting(forms, font: QFont, px: int, room: float) -> str:
    """The first of `forms` (longest first) whose width at `px` px fits `room`; else the last one."""
    font = QFont(font)
    font.setPixelSize(px)
    metrics = QFontMetrics(font)
    return next((form for form in forms if metrics.horizontalAdvance(form) <= room), forms[-1])


class FittingTitle(QObject):
    """A plot title that is never cut: the longest of `titles` that fits the plot's width at its title size,
    chosen again when the plot is resized or its size changes (the full title stays in the tooltip)."""

    def __init__(self, plot: pg.PlotWidget, titles: tuple[str, ...], color, px: int):
        super().__init__(plot)
        self.plot, self.titles, self.color, self.px = plot, titles, color, px
        plot.setToolTip(titles[0])
        plot.installEventFilter(self)
        self.fit()

    def set_size(self, px: int) -> None:
        self.px = px
        self.fit()

    def fit(self) -> None:
        chosen = longest_fitting(self.titles, self.plot.font(), self.px, self.plot.width() - 16)
        label = self.plot.getPlotItem().titleLabel
        if label.text != chosen or label.opts.get("size") != f"{self.px}px":
            label.setText(chosen, size=f"{self.px}px", color=self.color)

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False
