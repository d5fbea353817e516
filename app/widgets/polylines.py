"""Several polylines, each with its own pen, drawn by one graphics item (shared: the Landscape's trails and charts).

Qt asks every item on a plot for its bounding rect each time any part of the plot is repainted, and for a
pyqtgraph item that is a call into Python. Eight racers, each drawn as a few curves, made those calls a quarter of
a frame's time. One item per layer draws every racer's line in one paint, in a fixed order (so the same racer is
always on top), and a change to one line marks only the small rectangle that line covered before and covers now.
A live layer claims the whole view as its bounds, so they change only when the view does; a cached layer's
bounds are what its lines span (see `boundingRect`).
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter, QPixmapCache
from PySide6.QtWidgets import QGraphicsItem

__all__ = ["Polylines", "joined", "reserve_pixmap_cache"]

EMPTY = np.zeros(0)
# Qt keeps every cached item's pixels in one pixmap cache, 10 MB by default. The Landscape's layers (surface,
# contours, trails, charts, axes) need about 20 MB at 1920×1050; past the limit Qt drops and redraws some of
# them every frame. This is a ceiling, not an allocation.
PIXMAP_CACHE_KB = 96 * 1024


def reserve_pixmap_cache(kilobytes: int = PIXMAP_CACHE_KB) -> None:
    """Raise Qt's pixmap cache to at least `kilobytes`."""
    if QPixmapCache.cacheLimit() < kilobytes:
        QPixmapCache.setCacheLimit(kilobytes)


class _Line:
    __slots__ = ("bounds", "path", "pen", "x", "y")

    def __init__(self, pen):
        self.pen = pen
        self.x = self.y = EMPTY
        self.path = None
        self.bounds = None  # (xmin, xmax, ymin, ymax) of the finite points, or None


class Polylines(pg.GraphicsObject):
    """Lines under the keys `order` (drawn in that order, the last on top); `cached`: the layer is rasterised once
    and copied afterwards (Qt's device-coordinate cache), redrawn only where a line changed."""

    def __init__(self, order, cached: bool = False):
        super().__init__()
        self._lines = {key: _Line(pg.mkPen(None)) for key in order}
        self._rect: QRectF | None = None
        self._pixel: tuple[float, float] | None = None  # one screen pixel in data units (x, y)
        self._pad_px = 1.0
        self._cached = cached
        self._union = None  # what the lines span (a cached layer's bounds)
        # Qt then tells paint which part is being repainted: lines wholly outside it are skipped.
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)
        if cached:
            reserve_pixmap_cache()
            self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    # -- the lines ---------------------------------------------------------------------------------------------
    def set_pen(self, key, pen) -> None:
        self._lines[key].pen = pen
        self._pad_px = max(line.pen.widthF() for line in self._lines.values()) / 2 + 2
        self.update()

    def pen(self, key):
        return self._lines[key].pen

    def set_data(self, key, x, y) -> None:
        """Line `key` through the points (x, y) (NaN leaves a gap; empty hides it)."""
        line = self._lines[key]
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        before = line.bounds
        line.x, line.y = x, y
        if len(x):
            finite = np.isfinite(x) & np.isfinite(y)
            every = bool(finite.all())
            line.path = pg.arrayToQPath(x, y, connect="all" if every else "finite")
            if every:
                line.bounds = (x.min(), x.max(), y.min(), y.max())
            elif finite.any():
                fx, fy = x[finite], y[finite]
                line.bounds = (fx.min(), fx.max(), fy.min(), fy.max())
            else:
                line.bounds = None
        else:
            line.path, line.bounds = None, None
        if self._cached:
            union = self._span()
            if union != self._union:  # a cached layer's bounds are what its lines span: they grew or shrank
                self.prepareGeometryChange()
                self._union, self._rect = union, None
        self._repaint(before, line.bounds)

    def data(self, key) -> tuple[np.ndarray, np.ndarray]:
        line = self._lines[key]
        return line.x, line.y

    def clear(self, key) -> None:
        if len(self._lines[key].x):
            self.set_data(key, EMPTY, EMPTY)

    def _repaint(self, before, after) -> None:
        """Mark what the line covered before and covers now (its pen's width around it) for repainting."""
        boxes = [b for b in (before, after) if b is not None]
        if not boxes:
            return
        pixel = self._pixel_size()
        if pixel is None:
            self.update()
            return
        xmin = min(b[0] for b in boxes) - self._pad_px * pixel[0]
        xmax = max(b[1] for b in boxes) + self._pad_px * pixel[0]
        ymin = min(b[2] for b in boxes) - self._pad_px * pixel[1]
        ymax = max(b[3] for b in boxes) + self._pad_px * pixel[1]
        if not all(np.isfinite(v) for v in (xmin, xmax, ymin, ymax)):
            self.update()
            return
        self.update(QRectF(xmin, ymin, xmax - xmin, ymax - ymin))

    def _pixel_size(self):
        if self._pixel is None:
            px, py = self.pixelVectors()
            if px is None or py is None:
                return None
            self._pixel = (abs(px.x()) + abs(px.y()), abs(py.x()) + abs(py.y()))
        return self._pixel

    # -- QGraphicsItem -------------------------------------------------------------------------------------------
    def _span(self):
        """(xmin, xmax, ymin, ymax) of every line's finite points, or None."""
        boxes = [line.bounds for line in self._lines.values() if line.bounds is not None]
        if not boxes:
            return None
        return (min(b[0] for b in boxes), max(b[1] for b in boxes), min(b[2] for b in boxes), max(b[3] for b in boxes))

    def boundingRect(self) -> QRectF:
        if self._rect is None:
            # A live layer claims the whole view, so its bounds change only with the view and a changed line marks
            # only its own rectangle. A cached layer must not: when the view is dragged, Qt moves the cached
            # picture with the item's bounds, so they must stay put in data units — what the lines span, padded by
            # the pen.
            view = None if self._cached else self.viewRect()
            if view is None:
                span, pixel = self._span(), self._pixel_size()
                if span is None:
                    return QRectF()
                pad_x, pad_y = (self._pad_px * pixel[0], self._pad_px * pixel[1]) if pixel else (0.0, 0.0)
                xmin, xmax, ymin, ymax = span
                view = QRectF(xmin - pad_x, ymin - pad_y, xmax - xmin + 2 * pad_x, ymax - ymin + 2 * pad_y)
            self._rect = QRectF(view)
        return self._rect

    def viewTransformChanged(self) -> None:  # noqa: N802 (pyqtgraph's name)
        """A zoom, a pan or a resize: the bounds and the pixel size are found anew."""
        super().viewTransformChanged()
        self._rect = None
        self._pixel = None
        self.prepareGeometryChange()

    def dataBounds(self, ax, frac=1.0, orthoRange=None):  # noqa: N803 (pyqtgraph's names)
        """What the lines span along axis `ax` (for a ViewBox's auto-range)."""
        span = self._span()
        return (None, None) if span is None else span[2 * ax: 2 * ax + 2]

    def paint(self, painter, option, *args) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, bool(pg.getConfigOption("antialias")))
        exposed = option.exposedRect
        pixel = self._pixel_size()
        for line in self._lines.values():
            if line.path is None:
                continue
            if pixel is not None and line.bounds is not None:
                xmin, xmax, ymin, ymax = line.bounds
                pad_x, pad_y = self._pad_px * pixel[0], self._pad_px * pixel[1]
                if (xmax + pad_x < exposed.left() or xmin - pad_x > exposed.right()
                        or ymax + pad_y < exposed.top() or ymin - pad_y > exposed.bottom()):
                    continue  # none of its pixels are being repainted
            painter.setPen(line.pen)
            painter.drawPath(line.path)


def joined(settled: Polylines, live: Polylines, key) -> tuple[np.ndarray, np.ndarray]:
    """Line `key` as it shows when it is split between a settled and a live layer: the settled part, then the live
    one, which starts where the settled one ends."""
    parts = [layer.data(key) for layer in (settled, live) if len(layer.data(key)[0])]
    if len(parts) == 2:
        parts[1] = (parts[1][0][1:], parts[1][1][1:])
    if not parts:
        return EMPTY, EMPTY
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
