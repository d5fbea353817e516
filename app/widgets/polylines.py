"""Several polylines, each with its own pen, drawn by one graphics item (shared: the Landscape's trails and charts).

Qt asks every item on a plot for its bounding rect each time any part of the plot is repainted, and for a
pyqtgraph item that is a call into Python. Eight racers, each drawn as a few curves, made those calls a quarter of
a frame's time. One item per layer draws every racer's line in one paint, in a fixed order (so the same racer is
always on top), and a change to one line marks only the small rectangle that line covered before and covers now.
A live layer claims the whole view as its bounds, so they change only when the view does; a cached layer's
bounds are what its lines span and the room its owner says they will take (`set_room`): Qt redraws a cached
item whole when its bounds change. A line that only grows is extended piece by piece (`extend`): only the new
piece's path is built, and a repaint skips the pieces outside the part being repainted.
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
    """A line as pieces, each a path with its bounds: a line that only grows (a settled layer's) is extended by a
    piece, so only that piece is drawn again; its points are the pieces joined (each further piece starts at the
    previous one's last point)."""

    __slots__ = ("_xy", "bounds", "pen", "pieces")

    def __init__(self, pen):
        self.pen = pen
        self.pieces: list[tuple] = []  # (x, y, path, bounds or None)
        self.bounds = None  # (xmin, xmax, ymin, ymax) of the finite points, or None
        self._xy = (EMPTY, EMPTY)  # the joined points, made when asked

    def joined(self) -> tuple[np.ndarray, np.ndarray]:
        if self._xy is None:
            first, rest = self.pieces[0], self.pieces[1:]
            self._xy = (np.concatenate([first[0]] + [p[0][1:] for p in rest]),
                        np.concatenate([first[1]] + [p[1][1:] for p in rest]))
        return self._xy


def _piece(x: np.ndarray, y: np.ndarray) -> tuple:
    """(x, y, path, bounds of the finite points or None)."""
    finite = np.isfinite(x) & np.isfinite(y)
    every = bool(finite.all())
    path = pg.arrayToQPath(x, y, connect="all" if every else "finite")
    if every:
        bounds = (x.min(), x.max(), y.min(), y.max())
    elif finite.any():
        fx, fy = x[finite], y[finite]
        bounds = (fx.min(), fx.max(), fy.min(), fy.max())
    else:
        bounds = None
    return x, y, path, bounds


def _union(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return min(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), max(a[3], b[3])


def _inside(inner, outer) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1] and outer[2] <= inner[2] and inner[3] <= outer[3]


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
        self._room = None  # a cached layer's bounds: what its lines span and the room it was told of (set_room)
        self._hint = None
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
        if len(x):
            piece = _piece(x, y)
            line.pieces, line.bounds, line._xy = [piece], piece[3], (x, y)
        else:
            line.pieces, line.bounds, line._xy = [], None, (EMPTY, EMPTY)
        self._grew()
        self._repaint(before, line.bounds)

    def extend(self, key, x, y) -> None:
        """Line `key` goes on through (x, y), which start at its last point: only the new piece's path is built
        and only its rectangle is marked for repainting (a settled layer's line grows so)."""
        line = self._lines[key]
        if not line.pieces:
            self.set_data(key, x, y)
            return
        piece = _piece(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
        line.pieces.append(piece)
        line.bounds, line._xy = _union(line.bounds, piece[3]), None
        self._grew()
        self._repaint(None, piece[3])

    def set_room(self, box) -> None:
        """Where a cached layer's lines will lie, (xmin, xmax, ymin, ymax) in data units and on screen (a chart's
        ranges): its bounds take it in from the start instead of growing with the lines (Qt redraws a cached item
        whole each time its bounds change). None: only what the lines span."""
        if not self._cached:
            return
        self._hint = None if box is None else tuple(float(v) for v in box)
        room = _union(self._hint, self._span())
        if room != self._room:
            self.prepareGeometryChange()
            self._room, self._rect = room, None

    def _grew(self) -> None:
        """A cached layer's bounds are what its lines span, with room to grow (see boundingRect)."""
        if not self._cached:
            return
        span = self._span()
        if span is not None and (self._room is None or not _inside(span, self._room)):
            self.prepareGeometryChange()
            self._room = span if self._room is None else _union(self._room, span)
            self._rect = None

    def data(self, key) -> tuple[np.ndarray, np.ndarray]:
        return self._lines[key].joined()

    def clear(self, key) -> None:
        if self._lines[key].pieces:
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
            # picture with the item's bounds, so they must stay put in data units — what the lines span, with room
            # to grow (_grew), padded by the pen.
            view = None if self._cached else self.viewRect()
            if view is None:
                span, pixel = (self._room if self._cached else self._span()), self._pixel_size()
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
        if pixel is not None:
            pad_x, pad_y = self._pad_px * pixel[0], self._pad_px * pixel[1]
            left, right = exposed.left() - pad_x, exposed.right() + pad_x
            top, bottom = exposed.top() - pad_y, exposed.bottom() + pad_y
        for line in self._lines.values():
            if not line.pieces:
                continue
            painter.setPen(line.pen)
            for _x, _y, path, bounds in line.pieces:
                if pixel is not None and bounds is not None and (
                        bounds[1] < left or bounds[0] > right or bounds[3] < top or bounds[2] > bottom):
                    continue  # none of its pixels are being repainted
                painter.drawPath(path)


def joined(settled: Polylines, live: Polylines, key) -> tuple[np.ndarray, np.ndarray]:
    """Line `key` as it shows when it is split between a settled and a live layer: the settled part, then the live
    one, which starts where the settled one ends."""
    parts = [layer.data(key) for layer in (settled, live) if len(layer.data(key)[0])]
    if len(parts) == 2:
        parts[1] = (parts[1][0][1:], parts[1][1][1:])
    if not parts:
        return EMPTY, EMPTY
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
