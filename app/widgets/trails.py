"""Each racer's trail and current-position marker on a plot, updated with setData only (shared: the Landscape
races, and any view that draws a path the way a race is drawn — the Lab's zig-zag, the network's own landscape)."""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from app import theme
from app.widgets.marker import Marker
from app.widgets.polylines import Polylines, joined
from core.methods import keys

__all__ = ["Trails"]

# Points farther than this many view widths from the view are not drawn: a diverging racer's 1e300
# coordinates would make Qt's rasterizer crawl. Its trail simply leaves the picture.
FAR = 1e3
# Only a trail's newest thinned points are redrawn each frame; the older part lies in a settled layer, which grows by
# a piece every TAIL points (painted once) and is painted afresh when the view moves. The live part is stroked whole
# (with its halo's wide pen) whenever anything near it is repainted: 32 points cost a third of what 128 did, and the
# settled layer's extra pieces add ≈ 5 % to a zoom's repaint.
TAIL = 32


class Trails:
    """Layers of lines (app.widgets.polylines), each holding every racer in a fixed order: settled ones for the
    older part of each trail (the halos in a layer of their own, so that a new piece of a halo is never painted
    over another racer's trail) and a live one for the newest points, halos under the trails; and per racer a
    marker at its current position (app.widgets.marker: moved, not redrawn)."""

    def __init__(self, plot: pg.PlotItem):
        self.plot = plot
        halos = [("halo", m) for m in keys() if theme.racer_halo(m)]
        trails = [("trail", m) for m in keys()]
        self.settled_halos = Polylines(halos, settled=True)  # the older points: each piece painted once
        self.settled = Polylines(trails, settled=True)
        self.live = Polylines(halos + trails)  # the newest points (redrawn where they change)
        for z, layer in enumerate((self.settled_halos, self.settled, self.live)):
            layer.setZValue(19 + z)
            plot.addItem(layer)
        self._halos_of = {id(self.settled): self.settled_halos, id(self.live): self.live}  # a trail layer's halos
        self._halo = {m: bool(theme.racer_halo(m)) for m in keys()}
        self._settled: dict[str, tuple] = {}  # method -> (points settled, pixel size they were thinned at)
        self.markers: dict[str, Marker] = {}  # each racer's current position (moved, never redrawn)
        for z, method in enumerate(keys()):
            marker = Marker(theme.racer_symbol(method), 10, theme.pen(theme.racer_edge(method), 1.5),
                            theme.brush(theme.racer_color(method)))
            marker.setZValue(50 + z / 10)
            marker.hide()
            plot.addItem(marker, ignoreBounds=True)
            self.markers[method] = marker
        self._positions: dict[str, tuple[float, float] | None] = dict.fromkeys(keys())
        self._thinned: dict[str, tuple] = {}  # method -> (pixel size, points seen, indices that start a pixel)
        self._signatures: dict[str, tuple] = {}  # method -> what its curve shows (points, last pixel)
        self._scale = theme.scale(False)
        self._box = (-1.0, 1.0, -1.0, 1.0)
        self.apply_scale(self._scale)

    def set_box(self, box) -> None:
        """The surface's view box, for deciding which points are too far out to draw."""
        self._box = tuple(box)

    def show(self, method: str, points: np.ndarray) -> None:
        """Draw `method`'s trail through `points` (n, 2) and its marker at the last one (nothing if n = 0).

        `points` usually only grows between calls (a race appends): the work is then proportional to the new
        points, not to the trail."""
        points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        n = len(points)
        pixel = tuple(self.plot.getViewBox().viewPixelSize())
        keep = self._keep(method, points, pixel)
        count = n if keep is None else len(keep)
        last = (float(points[n - 1, 0]), float(points[n - 1, 1])) if n else None
        if last is not None and not self._near(*last):
            last = None  # not drawn (too far out, or not finite)
        # Within the pixel where the trail already ends, a new point changes nothing visible: only the marker
        # moves (converging racers thus cost nothing per frame).
        signature = (count, self._cell(last, pixel) if last else None, pixel)
        if signature != self._signatures.get(method):
            self._signatures[method] = signature
            cut, settled_pixel = self._settled.get(method, (0, None))
            if settled_pixel != pixel or cut > count - 1:  # a zoom, a scrub back or a restart: settle anew
                cut = 0
            if count - cut > 2 * TAIL:
                cut = count - TAIL
            before = self._settled.get(method)
            if (cut, pixel) != before:
                self._settled[method] = (cut, pixel)
                if before is not None and before[1] == pixel and 0 < before[0] < cut:  # it grew: one more piece
                    self._set(method, self.settled, self._pick(points, keep, before[0], cut + 1), extend=True)
                else:
                    self._set(method, self.settled, self._pick(points, keep, 0, cut + 1 if cut else 0))
            self._set(method, self.live, self._pick(points, keep, cut, count))
        self._positions[method] = last

    def _pick(self, points: np.ndarray, keep, start: int, stop: int) -> np.ndarray:
        """Thinned points start…stop, drawable."""
        return self._drawable(points[start:stop] if keep is None else points[keep[start:stop]])

    def _set(self, method: str, layer: Polylines, points: np.ndarray, extend: bool = False) -> None:
        x, y = points[:, 0], points[:, 1]
        halos = self._halos_of[id(layer)] if self._halo[method] else None
        if halos is layer and not extend:  # the live layer: trail and halo in one call (one path, one rectangle)
            layer.set_many([(("halo", method), x, y), (("trail", method), x, y)])
            return
        (layer.extend if extend else layer.set_data)(("trail", method), x, y)
        if halos is not None:
            (halos.extend if extend else halos.set_data)(("halo", method), x, y)

    def drawn(self, method: str) -> np.ndarray:
        """The points `method`'s trail shows now, (n, 2): the settled part, then the live one."""
        return np.column_stack(joined(self.settled, self.live, ("trail", method)))

    def pen(self, method: str):
        """The pen `method`'s trail is drawn with."""
        return self.live.pen(("trail", method))

    @staticmethod
    def _cell(point: tuple[float, float], pixel) -> tuple:
        """The screen pixel a drawable point lies in (the point itself while the pixel size is unknown)."""
        width, height = pixel
        if width > 0 and height > 0:
            return math.floor(point[0] / width), math.floor(point[1] / height)
        return point

    def _near(self, x: float, y: float) -> bool:
        """Whether the point (x, y) is drawn: finite and within FAR view widths (the `_drawable` test)."""
        xmin, xmax, ymin, ymax = self._box
        reach = FAR * max(xmax - xmin, ymax - ymin)
        return abs(x - (xmin + xmax) / 2) < reach and abs(y - (ymin + ymax) / 2) < reach

    def hide(self, method: str) -> None:
        self._thinned.pop(method, None)
        self._signatures.pop(method, None)
        self._settled.pop(method, None)
        for layer in (self.settled, self.live):
            layer.clear(("trail", method))
            if self._halo[method]:
                self._halos_of[id(layer)].clear(("halo", method))
        self._positions[method] = None

    def refresh_markers(self) -> None:
        """Move every racer's marker to its current position (call once per frame)."""
        for method, marker in self.markers.items():
            marker.place(self._positions[method])

    def marker_position(self, method: str) -> tuple[float, float] | None:
        return self._positions[method]

    def _drawable(self, points: np.ndarray) -> np.ndarray:
        points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        xmin, xmax, ymin, ymax = self._box
        reach = FAR * max(xmax - xmin, ymax - ymin)
        cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
        flat = points.reshape(-1)
        if len(flat):  # every coordinate near both centres: the common case, in two passes (NaN fails the test;
            hi, lo = flat.max(), flat.min()  # rounding is monotonic, so this is the exact test's answer)
            if hi - cx < reach and hi - cy < reach and cx - lo < reach and cy - lo < reach:
                return points
        with np.errstate(invalid="ignore"):
            near = (np.abs(points[:, 0] - cx) < reach) & (np.abs(points[:, 1] - cy) < reach)
        if near.all():
            return points
        return np.where(near[:, None], points, np.nan)

    def _thin(self, method: str, points: np.ndarray) -> np.ndarray:
        """The drawable points that start a new screen pixel: a racer spiralling in for 4,000 steps inside a few
        pixels costs a few line segments, not 4,000 (the last point is always kept, NaN gaps stay gaps)."""
        points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        keep = self._keep(method, points, tuple(self.plot.getViewBox().viewPixelSize()))
        return self._pick(points, keep, 0, len(points) if keep is None else len(keep))

    def _keep(self, method: str, points: np.ndarray, pixel: tuple[float, float]) -> np.ndarray | None:
        """Indices of the points `_thin` keeps (None: all of them).

        `points` only grows between calls (a race appends), so the cells of points already seen are kept
        and only the new ones are classified; a zoom or pan (new pixel size or box) or a restart starts over.
        """
        n = len(points)
        if n < 3 or not (pixel[0] > 0 and pixel[1] > 0):
            return None
        view = (pixel, self._box)
        cached = self._thinned.get(method)
        if cached is None or cached[0] != view:
            cached = (view, 0, np.zeros(64, dtype=np.int64), 0)
        _, seen, buf, count = cached  # buf[:count]: indices that start a pixel, ascending (grown, not copied)
        if n < seen:  # scrubbed back: the kept starts before n are still right
            count, seen = int(np.searchsorted(buf[:count], n)), n
        if n == seen + 1 and seen >= 2:  # one new point (a race at 1×): the same test in plain floats
            before = (float(points[n - 2, 0]), float(points[n - 2, 1]))
            after = (float(points[n - 1, 0]), float(points[n - 1, 1]))
            moved = (not (self._near(*before) and self._near(*after))
                     or self._cell(before, pixel) != self._cell(after, pixel))
            fresh = np.array([n - 1] if moved else [], dtype=np.int64)
        elif n > seen:
            first = max(seen - 1, 0)
            with np.errstate(invalid="ignore"):
                cells = np.floor(self._drawable(points[first:n]) / pixel)
            new = np.any(cells[1:] != cells[:-1], axis=1)
            fresh = np.flatnonzero(new) + first + 1
            if seen == 0:
                fresh = np.r_[0, fresh]
        if n > seen:
            if count + len(fresh) + 1 > len(buf):  # room for the new starts and the last point
                buf = np.concatenate([buf[:count], np.zeros(max(len(buf), len(fresh) + 1), dtype=np.int64)])
            buf[count:count + len(fresh)] = fresh
            count += len(fresh)
            seen = n
        self._thinned[method] = (view, seen, buf, count)
        if count and buf[count - 1] == n - 1:
            keep = buf[:count]
        else:  # the last point is always drawn: put it after the starts (until the next call)
            buf[count] = n - 1
            keep = buf[:count + 1]
        return None if len(keep) == n else keep

    def apply_scale(self, scale: theme.Scale) -> None:
        self._scale = scale
        for method in keys():
            trail = pg.mkPen(theme.racer_color(method), width=scale.trail_width)
            halo = pg.mkPen(theme.qcolor(theme.racer_halo(method), 170), width=scale.trail_width + 2) \
                if self._halo[method] else None
            for pen in (trail, halo):  # pieces meet end to end: square caps would overlap there, and a translucent
                if pen is not None:  # halo would show a darker dot at every join
                    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            for layer in (self.live, self.settled):
                layer.set_pen(("trail", method), trail)
                if halo is not None:
                    self._halos_of[id(layer)].set_pen(("halo", method), halo)
        for method, marker in self.markers.items():
            marker.set_style(theme.racer_symbol(method), scale.marker_size, theme.pen(theme.racer_edge(method), 1.5),
                             theme.brush(theme.racer_color(method)))
        self.refresh_markers()
