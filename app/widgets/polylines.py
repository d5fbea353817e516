"""Several polylines, each with its own pen, drawn by one graphics item (shared: the Landscape's trails and charts).

Qt asks every item on a plot for its bounding rect each time any part of the plot is repainted, and for a
pyqtgraph item that is a call into Python. Eight racers, each drawn as a few curves, made those calls a quarter of
a frame's time. One item per layer draws every racer's line in one paint, in a fixed order (so the same racer is
always on top), and a change to one line marks only the small rectangle that line covered before and covers now.
Each layer claims the whole view as its bounds, so they change only when the view does.

A settled layer (`settled=True`) holds lines that only grow, piece by piece (`extend`): it keeps its own picture
of the view, and a new piece is painted onto that picture, once, on top of what is there; a repaint copies the
part of the picture being repainted. (Qt's own item cache re-rasterised the whole layer — every racer's whole
trail — whenever any piece was added.) The picture is painted afresh, in the fixed order, when the view moves or
zooms, a pen changes, or a line is set anew or cleared: between those, a piece added later lies on top of lines
that come after it in the order, where they cross.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
import pyqtgraph.functions as fn
from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QImage, QPainter, QPainterPath, QPen, QTransform
from PySide6.QtWidgets import QGraphicsItem

__all__ = ["Polylines", "joined", "tracing"]

EMPTY = np.zeros(0)
# The 3×3 square of pixels about each pixel of a 1-pixel line: where a 3-pixel line runs level or steep, the
# pixels it covers. (An even width has no such square: which side of the line a 2-pixel pen takes its second
# pixel on depends on where the line lies within its pixel.)
OFFSETS = ((0, 0), (-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (1, -1), (-1, 1), (1, 1))
TRACE_FROM = 200  # points in a line from which its wide pen is traced (below it the passes cost more)


def tracing(pen) -> tuple | None:
    """How to draw what an opaque, solid, cosmetic `pen` 3 pixels wide strokes with a 1-pixel pen, or None: (the
    thin pen, the pixel offsets to draw it at: a 3×3 square).

    Qt strokes a wide line as polygons (≈ 12× the time of a 1-pixel line, whose cosmetic stroker is a fast path).
    Drawn at each offset, the 1-pixel line covers the pixels the aliased wide line covers where it runs level or
    steep, and a little more across a diagonal (which is then up to a fifth bolder), in 0.6 of the time.
    Translucent pens are stroked as they are: the passes would overlap and darken."""
    width = round(pen.widthF())
    if (width != 3 or not pen.isCosmetic() or pen.style() != Qt.PenStyle.SolidLine
            or pen.brush().style() != Qt.BrushStyle.SolidPattern or pen.color().alpha() != 255):
        return None
    thin = QPen(pen)
    thin.setWidth(1)
    return thin, OFFSETS


def _stroke(painter, line, paths, antialias: bool) -> None:
    """Draw `paths` of `line` with its pen: through its `tracing` when it has one and the whole line is long enough
    for the passes to cost less than the wide pen's polygons (decided per line, so that its new pieces and a fresh
    picture of it are drawn alike), on a device of one pixel per pixel, aliased."""
    pen, trace = line.pen, line.trace
    if (trace is None or line.points < TRACE_FROM or antialias
            or painter.device() is None or painter.device().devicePixelRatioF() != 1.0):
        painter.setPen(pen)
        for path in paths:
            painter.drawPath(path)
        return
    thin, offsets = trace
    painter.setPen(thin)
    base = painter.transform()
    for dx, dy in offsets:
        painter.setTransform(base * QTransform.fromTranslate(dx, dy))
        for path in paths:
            painter.drawPath(path)
    painter.setTransform(base)


class _Line:
    """A line as pieces, each a path with its bounds: a line that only grows (a settled layer's) is extended by a
    piece, so only that piece is drawn again; its points are the pieces joined (each further piece starts at the
    previous one's last point)."""

    __slots__ = ("_xy", "bounds", "pen", "pieces", "points", "trace")

    def __init__(self, pen):
        self.pen = pen
        self.trace = tracing(pen)  # the pen drawn as 1-pixel lines (see `tracing`), or None
        self.points = 0  # points in all its pieces
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
    if len(x):
        bounds = (x.min(), x.max(), y.min(), y.max())  # NaN if any point is NaN, ±inf if one is infinite
        if all(map(math.isfinite, bounds)):  # every point finite
            # What pg.arrayToQPath(connect="all") builds, without its checks: a polygon added to a path.
            path = QPainterPath()
            if len(x) > 1:
                polygon = fn.create_qpolygonf(len(x))
                xy = fn.ndarray_from_qpolygonf(polygon)
                xy[:, 0], xy[:, 1] = x, y
                path.addPolygon(polygon)
            return x, y, path, bounds
    finite = np.isfinite(x) & np.isfinite(y)
    path = pg.arrayToQPath(x, y, connect="finite")
    if finite.any():
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


class Polylines(pg.GraphicsObject):
    """Lines under the keys `order` (drawn in that order, the last on top); `settled`: the lines only grow (by
    `extend`), and the layer paints each new piece once onto a picture of its own (see the module's text)."""

    def __init__(self, order, settled: bool = False):
        super().__init__()
        self._lines = {key: _Line(pg.mkPen(None)) for key in order}
        self._rect: QRectF | None = None
        self._pixel: tuple[float, float] | None = None  # one screen pixel in data units (x, y)
        self._pad_px = 1.0
        self.settled = settled
        self._picture: QImage | None = None  # a settled layer's picture of the view
        self._picture_key = None  # the device transform, area and pixel ratio it was painted for
        self._pending: list[tuple] = []  # (line, path) of pieces added since, painted onto it at the next paint
        self.painted = 0  # piece paths painted onto the picture so far (what a frame costs; for tests)
        # Qt then tells paint which part is being repainted: lines wholly outside it are skipped.
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)

    # -- the lines ---------------------------------------------------------------------------------------------
    def set_pen(self, key, pen) -> None:
        self._lines[key].pen = pen
        self._lines[key].trace = tracing(pen)
        self._pad_px = max(line.pen.widthF() for line in self._lines.values()) / 2 + 2
        self.repaint_whole()

    def pen(self, key):
        return self._lines[key].pen

    def set_data(self, key, x, y) -> None:
        """Line `key` through the points (x, y) (NaN leaves a gap; empty hides it)."""
        self.set_many([(key, x, y)])

    def set_many(self, lines) -> None:
        """`set_data` for each (key, x, y) of `lines`, with one rectangle marked for repainting: what they all
        covered before and cover now (for lines that lie close together, such as a chart's newest points, or a
        trail and its halo, which may pass the same arrays: their path is then built once)."""
        boxes, shared = [], None  # (x, y, piece) of the line before: a trail and its halo pass the same arrays
        for key, x, y in lines:
            line = self._lines[key]
            boxes.append(line.bounds)
            if len(x):
                if shared is None or x is not shared[0] or y is not shared[1]:
                    shared = (x, y, _piece(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)))
                piece = shared[2]
                line.pieces, line.bounds, line._xy = [piece], piece[3], (piece[0], piece[1])
                line.points = len(x)
            else:
                line.pieces, line.bounds, line._xy = [], None, (EMPTY, EMPTY)
                line.points = 0
            boxes.append(line.bounds)
        if self.settled:  # what the lines covered is gone from the picture only if it is painted afresh
            self.repaint_whole()
        else:
            self._repaint(*boxes)

    def extend(self, key, x, y) -> None:
        """Line `key` goes on through (x, y), which start at its last point: only the new piece's path is built,
        only its rectangle is marked for repainting and, in a settled layer, only it is painted."""
        line = self._lines[key]
        if not line.pieces:
            self.set_data(key, x, y)
            return
        piece = _piece(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
        line.pieces.append(piece)
        line.points += len(x)
        line.bounds, line._xy = _union(line.bounds, piece[3]), None
        if self._picture is not None:
            self._pending.append((line, piece[2]))
        self._repaint(None, piece[3])

    def repaint_whole(self) -> None:
        """Paint everything afresh at the next repaint (a settled layer's picture too)."""
        self._picture, self._pending = None, []
        self.update()

    def data(self, key) -> tuple[np.ndarray, np.ndarray]:
        return self._lines[key].joined()

    def clear(self, key) -> None:
        if self._lines[key].pieces:
            self.set_data(key, EMPTY, EMPTY)

    def _repaint(self, *boxes) -> None:
        """Mark the rectangle around `boxes` (what lines covered before and cover now), padded by the widest
        pen, for repainting."""
        boxes = [b for b in boxes if b is not None]
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
            # The whole view: the bounds change only with the view, and a changed line marks only its own
            # rectangle. Without a view (not on a plot yet), what the lines span, padded by the pen.
            view = self.viewRect()
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
        """A zoom, a pan or a resize: the bounds and the pixel size are found anew (the picture is painted anew
        for the new transform when it is next shown)."""
        super().viewTransformChanged()
        self._rect = None
        self._pixel = None
        self.prepareGeometryChange()

    def dataBounds(self, ax, frac=1.0, orthoRange=None):  # noqa: N803 (pyqtgraph's names)
        """What the lines span along axis `ax` (for a ViewBox's auto-range)."""
        span = self._span()
        return (None, None) if span is None else span[2 * ax: 2 * ax + 2]

    def paint(self, painter, option, *args) -> None:
        antialias = bool(pg.getConfigOption("antialias"))
        if self.settled and self._paint_picture(painter, option, antialias):
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, antialias)
        self._draw(painter, option.exposedRect)

    def _draw(self, painter, exposed: QRectF | None) -> int:
        """Every line's pieces that reach into `exposed` (item coordinates; None: all); how many were drawn."""
        pixel = self._pixel_size()
        cull = pixel is not None and exposed is not None
        if cull:
            pad_x, pad_y = self._pad_px * pixel[0], self._pad_px * pixel[1]
            left, right = exposed.left() - pad_x, exposed.right() + pad_x
            top, bottom = exposed.top() - pad_y, exposed.bottom() + pad_y
        drawn = 0
        antialias = painter.testRenderHint(QPainter.RenderHint.Antialiasing)  # (an antialiased line is not traced)
        for line in self._lines.values():
            if not line.pieces:
                continue
            paths = [path for _x, _y, path, bounds in line.pieces
                     if not (cull and bounds is not None and (  # none of its pixels are being repainted
                         bounds[1] < left or bounds[0] > right or bounds[3] < top or bounds[2] > bottom))]
            _stroke(painter, line, paths, antialias)
            drawn += len(paths)
        return drawn

    def _paint_picture(self, painter, option, antialias: bool) -> bool:
        """A settled layer's paint: bring its picture up to date (the new pieces painted onto it, or all of it
        afresh if the view, the device or the pens changed) and copy the part being repainted. False if there is
        no view to make a picture of."""
        view = self.viewRect()
        device = painter.device()
        if view is None or device is None:
            return False
        # The world transform: item to widget coordinates (the device transform adds where the widget lies in its
        # window, which a copy of the widget, such as grab(), does not: the same picture serves both).
        transform = painter.worldTransform()
        area = transform.mapRect(view).toAlignedRect().intersected(QRect(0, 0, device.width(), device.height()))
        if area.isEmpty():
            return True
        ratio = device.devicePixelRatioF()
        key = (transform.m11(), transform.m12(), transform.m21(), transform.m22(), transform.dx(), transform.dy(),
               area.x(), area.y(), area.width(), area.height(), ratio, antialias)
        fresh = self._picture is None or key != self._picture_key
        if fresh:
            self._picture = QImage(round(area.width() * ratio), round(area.height() * ratio),
                                   QImage.Format.Format_ARGB32_Premultiplied)
            self._picture.setDevicePixelRatio(ratio)
            self._picture.fill(Qt.GlobalColor.transparent)
            self._picture_key = key
        if fresh or self._pending:
            onto = QPainter(self._picture)
            onto.setRenderHint(QPainter.RenderHint.Antialiasing, antialias)
            onto.setTransform(transform * QTransform.fromTranslate(-area.x(), -area.y()))
            if fresh:
                self.painted += self._draw(onto, None)
            else:
                for line, path in self._pending:
                    _stroke(onto, line, [path], antialias)
                self.painted += len(self._pending)
            onto.end()
            self._pending = []
        target = transform.mapRect(option.exposedRect).intersected(QRectF(area))
        if not target.isEmpty():
            source = target.translated(-area.x(), -area.y())
            painter.save()
            painter.resetTransform()
            painter.drawImage(target, self._picture, QRectF(source.x() * ratio, source.y() * ratio,
                                                            source.width() * ratio, source.height() * ratio))
            painter.restore()
        return True


def joined(settled: Polylines, live: Polylines, key) -> tuple[np.ndarray, np.ndarray]:
    """Line `key` as it shows when it is split between a settled and a live layer: the settled part, then the live
    one, which starts where the settled one ends."""
    parts = [layer.data(key) for layer in (settled, live) if len(layer.data(key)[0])]
    if len(parts) == 2:
        parts[1] = (parts[1][0][1:], parts[1][1][1:])
    if not parts:
        return EMPTY, EMPTY
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
