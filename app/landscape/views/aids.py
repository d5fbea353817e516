"""Visual aids for the selected racer: arrows, the look-ahead point, √G boxes, Newton's quadratic model, trials.

Every vector, point, contour and number drawn comes from core (the Step's `grad` and `info[...]`, the recorded
points, QuadraticModel's contours, core.measures); the only arithmetic here is display scaling (vectors in
gradient units share one on-screen length scale).

The arrows, legs, paths, boxes and notes are parts of two overlays (app.widgets.overlay), each one cached
picture painted once per change: the legs, paths, the √G box and the eigenvectors under the look-ahead and trial
markers, the arrows and notes over them. The scatters and the model's contours (many segments) are items of their
own.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from app import theme
from app.widgets.logslider import format_number
from app.widgets.overlay import Head, Line, Note, Overlay
from app.widgets.plots import BoundedScatter, cache_on_device
from core.measures import root_accumulator
from core.methods import get_method

__all__ = ["Aids", "applicable_aids"]

ARROW_FRACTION = 0.14  # the longest gradient-unit arrow spans this fraction of the visible view
BOX_FRACTION = 0.08  # half-side of the √G box along its larger axis, as a fraction of the view
MODEL_GRID = 80  # samples per axis for the quadratic model's contours (traced by core's QuadraticModel)
LABELS = {"gradient": "−∇f", "velocity": "−v", "m_hat": "−m̂", "step": "Δθ"}  # an arrow's label (else its name)
DASHED = {"legs", "lookahead.path", "eigen", "trials.line"}  # the overlay's dashed lines


def applicable_aids(method: str) -> tuple[str, ...]:
    """The aids that mean something for `method` (what its registry entry says it can draw)."""
    return get_method(method).aids


class Aids:
    """All aid items, created once; `show(...)` places those that apply and are switched on, hides the rest."""

    def __init__(self, plot: pg.PlotItem):
        self.plot = plot
        self.under = Overlay()  # the legs, the look-ahead and trial paths, the √G box and the eigenvectors
        self.under.setZValue(65)
        self.overlay = Overlay()  # over the markers (66): the arrows and every note
        self.overlay.setZValue(70)
        for layer in (self.under, self.overlay):
            plot.addItem(layer, ignoreBounds=True)
        self._box = (-1.0, 1.0, -1.0, 1.0)  # the visible view (xmin, xmax, ymin, ymax): notes are kept inside it
        self.lookahead = self._scatter()
        self.model_lines = self._curve(theme.AID_COLORS["quadratic"], connect="pairs")
        self.model_lines.setZValue(64)  # the model's contours under its eigenvectors
        self.trials = self._scatter()
        self._model_cache: tuple = (None, None)
        self._parts: list = []  # the overlay's, then the layer under it's
        self._under: list = []
        self._shown: set = set()
        self._pens: dict = {}
        self._scale = theme.scale(False)
        self.apply_scale(self._scale)
        self.clear()

    def _curve(self, color, connect="all") -> pg.PlotCurveItem:
        item = pg.PlotCurveItem(connect=connect)
        cache_on_device(item)
        item._aid_color = color
        item.setZValue(65)
        self.plot.addItem(item, ignoreBounds=True)
        return item

    def _scatter(self) -> pg.ScatterPlotItem:
        item = BoundedScatter(pxMode=True)
        cache_on_device(item)
        item.setZValue(66)
        self.plot.addItem(item, ignoreBounds=True)
        return item

    def _items(self):
        return (self.lookahead, self.model_lines, self.trials)

    def drawn(self) -> set[str]:
        """What is drawn now: the overlay's parts ("gradient", "gradient.head", "gradient.label", "legs",
        "accum", "accum.text", "eigen", …) and "lookahead", "quadratic", "trials" for the items of their own."""
        names = {"lookahead": self.lookahead, "quadratic": self.model_lines, "trials": self.trials}
        return (self.overlay.names() | self.under.names()
                | {name for name, item in names.items() if item.isVisible()})

    def clear(self) -> None:
        self.overlay.clear()
        self.under.clear()
        for item in self._items():
            if item.isVisible():
                item.hide()

    # -- placing ----------------------------------------------------------------------------------------------
    def show(self, method: str, track, k: int, on: dict[str, bool], box) -> None:
        """Draw the aids switched on in `on` for `method`'s racer at timeline position k; `box` = visible view."""
        self._shown, self._parts, self._under = set(), [], []
        self._place(method, track, k, on, box)
        self.overlay.set_parts(self._parts)
        self.under.set_parts(self._under)
        for item in self._items():
            if item not in self._shown and item.isVisible():
                item.hide()

    def _arrow(self, name, start, vector) -> None:
        """A shaft from `start` along `vector` (data units), a head at its end and its label; nothing if it cannot
        be drawn (not finite, or of no length)."""
        x0, y0 = float(start[0]), float(start[1])
        x1, y1 = x0 + float(vector[0]), y0 + float(vector[1])
        if not all(math.isfinite(v) for v in (x0, y0, x1, y1)) or (x1 == x0 and y1 == y0):
            return
        color = theme.AID_COLORS.get(name, theme.AID_COLORS["step"])  # (an aid a registered method declares
        self._parts += [Line(name, self._pen(name, color), (x0, x1), (y0, y1)),  # beyond the built-in ones)
                        Head(f"{name}.head", x0, y0, x1, y1, int(self._scale.marker_size * 1.2), color),
                        Note(f"{name}.label", x1, y1, LABELS.get(name, name), self._font, color, self._fill,
                             away=(x0, y0))]  # on a light box: legible over shafts, trails and markers

    def _place(self, method, track, k, on, box) -> None:
        if track is None or track.n == 0:
            return
        i = track.at(k)
        step = track.step_at(i)
        here = track.points[i]
        if not np.all(np.isfinite(here)):
            return
        info = step.info or {}
        self._box = box
        span = min(box[1] - box[0], box[3] - box[2])
        wanted = [a for a in applicable_aids(method) if on.get(a)]

        drawables = [d for d in get_method(method).drawables if d.aid in wanted]
        kinds = {d.kind: d for d in drawables}

        # Gradient-unit vectors share one scale so their lengths compare honestly.
        vectors = {}
        for d in drawables:
            if d.kind == "vector" and (not d.source or d.source in info):
                vectors[d.aid] = -np.asarray(step.grad if not d.source else info[d.source], dtype=float)
        lengths = [float(np.hypot(*v)) for v in vectors.values() if np.all(np.isfinite(v))]
        unit = ARROW_FRACTION * span / max(lengths) if lengths and max(lengths) > 0 else 0.0
        for name, vector in vectors.items():
            if unit > 0:
                self._arrow(name, here, vector * unit)
        for d in drawables:
            if d.kind == "direction" and d.source in info:
                v = -np.asarray(info[d.source], dtype=float)  # its own units: only the direction compares
                norm = float(np.hypot(*v))
                if norm > 0 and math.isfinite(norm):
                    self._arrow(d.aid, here, v * ARROW_FRACTION * span / norm)

        if i > 0:
            before = track.points[i - 1]
            if "step" in kinds:
                self._arrow(kinds["step"].aid, before, here - before)
                if "box" in kinds:  # per-axis steps: the legs of the step along x and y
                    self._line("legs", "step", [before[0], here[0], here[0]], [before[1], before[1], here[1]])
            point = kinds.get("point")
            if point is not None and point.source in info:
                ahead = np.asarray(info[point.source], dtype=float)
                self._line("lookahead.path", "lookahead", [before[0], ahead[0], here[0]],
                           [before[1], ahead[1], here[1]])
                self._points(self.lookahead, [ahead], theme.AID_COLORS["lookahead"], "o")
            trials = kinds.get("points")
            if trials is not None and len(np.atleast_1d(info.get(trials.source, []))):
                trials = np.asarray(info[trials.source], dtype=float).reshape(-1, 2)
                self._points(self.trials, trials, theme.AID_COLORS["trials"], "x")
                line = np.vstack([before, trials])
                self._line("trials.line", "trials", line[:, 0], line[:, 1])
        if "box" in kinds:
            self._show_accum(kinds["box"].source, info, here, span)
        if "model" in kinds:
            self._show_model(track, i, span)

    def _show_accum(self, source, info, here, span) -> None:
        root = root_accumulator(info, source)  # √G per axis, as the brief's boxes
        if root is None or not np.all(np.isfinite(root)) or root.max() <= 0:
            return
        half = BOX_FRACTION * span * root / root.max()
        x, y = here
        self._line("accum", "accum", [x - half[0], x + half[0], x + half[0], x - half[0], x - half[0]],
                   [y - half[1], y - half[1], y + half[1], y + half[1], y - half[1]])
        lr = info.get("effective_lr")
        text = f"√G = ({format_number(root[0], 3)}, {format_number(root[1], 3)})"
        if lr is not None:
            lr = np.asarray(lr, dtype=float)
            text += f"\nγ/√G = ({format_number(lr[0], 3)}, {format_number(lr[1], 3)})"
        self._note("accum.text", "accum", text, x + half[0], y - half[1])

    def _show_model(self, track, i, span) -> None:
        model = self._model(track, i)
        if model is None:
            return
        middle, reach = model.contour_frame(span)
        key = (id(model), round(reach, 12))
        if self._model_cache[0] != key:
            segments = model.contours(middle, reach, MODEL_GRID)
            self._model_cache = (key, (segments[..., 0].ravel(), segments[..., 1].ravel()))
        xs, ys = self._model_cache[1]
        if len(xs):
            self._show(self.model_lines, xs, ys)
        target = model.stationary_point
        anchor = np.asarray(model.center if target is None else target, dtype=float)
        vecs, lams = np.asarray(model.eigvecs, dtype=float), np.asarray(model.eigvals, dtype=float)
        if np.all(np.isfinite(vecs)):
            ends = [anchor + s * 0.12 * span * vecs[:, j] for j in range(2) for s in (-1, 1)]
            pts = np.array(ends)
            self._line("eigen", "quadratic", pts[:, 0], pts[:, 1], pairs=True)
            self._note("eigen.text", "quadratic",
                       f"λ = {format_number(lams[0], 3)}, {format_number(lams[1], 3)}  ({model.kind})", *ends[3])

    def _line(self, name: str, color: str, xs, ys, pairs: bool = False) -> None:
        """A line under the markers and arrows (as the legs, paths, box and eigenvectors always were)."""
        self._under.append(Line(name, self._pen(name, theme.AID_COLORS[color]), tuple(map(float, xs)),
                                tuple(map(float, ys)), pairs))

    def _note(self, name: str, color: str, text: str, x: float, y: float) -> None:
        """A note beside (x, y), moved left as far as it must to end inside the view (and never past its left
        edge), so it is not cut at the plot's edge."""
        pixel = self.plot.getViewBox().viewPixelSize()[0]
        width = self.overlay.note_size(text, self._font)[0] * pixel
        xmin, xmax = self._box[0], self._box[1]
        self._parts.append(Note(name, max(xmin, min(float(x), xmax - width)), float(y), text, self._font,
                                theme.AID_COLORS[color], self._fill))

    def _pen(self, name: str, color: str):
        """The pen of an aid's line: an arrow's shaft is the widest; legs, paths and the eigenvectors are dashed."""
        key = (name, color)
        pen = self._pens.get(key)
        if pen is None:
            style = Qt.PenStyle.DashLine if name in DASHED else Qt.PenStyle.SolidLine
            width = self._scale.aid_width * (0.7 if name in DASHED or name == "accum" else 1.0)
            pen = self._pens[key] = pg.mkPen(color, width=width, style=style)
        return pen

    @staticmethod
    def _model(track, i):
        """The quadratic the next step from position i uses (at the live end: the runner's current model)."""
        if i + 1 < track.n:
            return (track.step_at(i + 1).info or {}).get("model")
        try:
            return track.runner.model()
        except Exception:
            return None

    def _reveal(self, item) -> None:
        self._shown.add(item)
        if not item.isVisible():
            item.show()

    def _show(self, item, xs, ys) -> None:  # an item of its own (the model's contours)
        item.setData(np.asarray(xs, dtype=float), np.asarray(ys, dtype=float))
        self._reveal(item)

    def _points(self, item, points, color, symbol) -> None:
        item.setData(pos=np.asarray(points, dtype=float).reshape(-1, 2), symbol=symbol,
                     size=self._scale.marker_size * 0.8, pen=theme.pen(color, 2.5),
                     brush=theme.brush(theme.PAPER, 200))
        self._reveal(item)

    def apply_scale(self, scale: theme.Scale) -> None:
        self._scale = scale
        from PySide6.QtGui import QFont

        font = self._font = QFont()
        font.setPixelSize(scale.font_px)
        font.setBold(True)
        self._fill = theme.brush(theme.PAPER, 190)
        self._pens = {}  # made again at the new width
        self.model_lines.setPen(pg.mkPen(self.model_lines._aid_color, width=scale.contour_width * 1.5))
