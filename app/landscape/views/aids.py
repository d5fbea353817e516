"""Visual aids for the selected racer: arrows, the look-ahead point, √G boxes, Newton's quadratic model, trials.

Every vector, point, contour and number drawn comes from core (the Step's `grad` and `info[...]`, the recorded
points, QuadraticModel's contours, core.measures); the only arithmetic here is display scaling (vectors in
gradient units share one on-screen length scale).
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt

from app import theme
from app.widgets.logslider import format_number
from app.widgets.plots import BoundedScatter, cache_on_device
from core.measures import root_accumulator
from core.methods import get_method

__all__ = ["Aids", "applicable_aids"]

ARROW_FRACTION = 0.14  # the longest gradient-unit arrow spans this fraction of the visible view
BOX_FRACTION = 0.08  # half-side of the √G box along its larger axis, as a fraction of the view
MODEL_GRID = 80  # samples per axis for the quadratic model's contours (traced by core's QuadraticModel)


def applicable_aids(method: str) -> tuple[str, ...]:
    """The aids that mean something for `method` (what its registry entry says it can draw)."""
    return get_method(method).aids


class Arrow:
    """A shaft (data coordinates), a pixel-sized head and a label; hidden until `show`."""

    def __init__(self, plot: pg.PlotItem, color: str, label: str, dashed: bool = False):
        self.plot, self.color, self.dashed = plot, color, dashed
        self.shaft = pg.PlotCurveItem()
        self.head = pg.ArrowItem(pxMode=True, angle=0, headLen=16, tipAngle=35, tailLen=None, brush=color, pen=color)
        self.label = pg.TextItem(label, color=color, anchor=(0, 1))
        # Aids change at most ten times a second while a race plays, but the racers' markers and trails repaint
        # the view under them every frame: cached, they are then copied, not drawn again.
        for item in (self.shaft, self.head, self.label, self.label.textItem):
            cache_on_device(item)
        for z, item in enumerate((self.shaft, self.head, self.label)):
            item.setZValue(70 + z)
            plot.addItem(item, ignoreBounds=True)
        self.hide()

    def show(self, start, vector) -> bool:
        """Draw from `start` along `vector` (data units); False (and nothing drawn) if it cannot be drawn."""
        x0, y0 = float(start[0]), float(start[1])
        x1, y1 = x0 + float(vector[0]), y0 + float(vector[1])
        if not all(math.isfinite(v) for v in (x0, y0, x1, y1)) or (x1 == x0 and y1 == y0):
            return False
        vb = self.plot.getViewBox()
        a, b = vb.mapViewToScene(QPointF(x0, y0)), vb.mapViewToScene(QPointF(x1, y1))
        # makeArrowPath points along −x; Qt rotates clockwise on screen. The head is turned, not rebuilt (setStyle
        # would make its path, pen and brush anew).
        angle = math.degrees(math.atan2(-(b.y() - a.y()), -(b.x() - a.x())))
        if self.head.rotation() != angle:
            self.head.setRotation(angle)
        self.shaft.setData([x0, x1], [y0, y1])
        self.head.setPos(x1, y1)
        self.label.setPos(x1, y1)
        for item in (self.shaft, self.head, self.label):
            if not item.isVisible():
                item.show()
        return True

    def hide(self) -> None:
        for item in (self.shaft, self.head, self.label):
            if item.isVisible():  # toggling visibility costs more than the drawing itself
                item.hide()

    def apply_scale(self, scale: theme.Scale, font) -> None:
        style = Qt.PenStyle.DashLine if self.dashed else Qt.PenStyle.SolidLine
        self.shaft.setPen(pg.mkPen(self.color, width=scale.aid_width, style=style))
        self.head.setStyle(headLen=int(scale.marker_size * 1.2))
        self.label.setFont(font)


class Aids:
    """All aid items, created once; `show(...)` places those that apply and are switched on, hides the rest."""

    def __init__(self, plot: pg.PlotItem):
        self.plot = plot
        c = theme.AID_COLORS
        self.arrows = {
            "gradient": Arrow(plot, c["gradient"], "−∇f"),
            "velocity": Arrow(plot, c["velocity"], "−v"),
            "m_hat": Arrow(plot, c["m_hat"], "−m̂"),
            "step": Arrow(plot, c["step"], "Δθ"),
        }
        self._box = (-1.0, 1.0, -1.0, 1.0)  # the visible view (xmin, xmax, ymin, ymax): notes are kept inside it
        self.legs = self._curve(c["step"], dashed=True)  # the step's per-axis components
        self.lookahead_path = self._curve(c["lookahead"], dashed=True)
        self.lookahead = self._scatter()
        self.box = self._curve(c["accum"])
        self.box_text = self._text(c["accum"])
        self.model_lines = self._curve(c["quadratic"], connect="pairs")
        self.eigen_lines = self._curve(c["quadratic"], connect="pairs", dashed=True)
        self.eigen_text = self._text(c["quadratic"])
        self.trials = self._scatter()
        self.trial_line = self._curve(c["trials"], dashed=True)
        self._model_cache: tuple = (None, None)
        self._shown: set = set()
        self._scale = theme.scale(False)
        self.apply_scale(self._scale)
        self.clear()

    def _curve(self, color, connect="all", dashed=False) -> pg.PlotCurveItem:
        item = pg.PlotCurveItem(connect=connect)
        cache_on_device(item)
        item._aid_color, item._aid_dashed = color, dashed
        item.setZValue(65)
        self.plot.addItem(item, ignoreBounds=True)
        return item

    def _scatter(self) -> pg.ScatterPlotItem:
        item = BoundedScatter(pxMode=True)
        cache_on_device(item)
        item.setZValue(66)
        self.plot.addItem(item, ignoreBounds=True)
        return item

    def _text(self, color) -> pg.TextItem:
        item = pg.TextItem(color=color, anchor=(0, 0), fill=theme.brush(theme.PAPER, 190))
        cache_on_device(item)
        cache_on_device(item.textItem)
        item.setZValue(80)
        self.plot.addItem(item, ignoreBounds=True)
        return item

    def _others(self):
        return (self.legs, self.lookahead_path, self.lookahead, self.box, self.box_text, self.model_lines,
                self.eigen_lines, self.eigen_text, self.trials, self.trial_line)

    def clear(self) -> None:
        for arrow in self.arrows.values():
            arrow.hide()
        for item in self._others():
            if item.isVisible():
                item.hide()

    # -- placing ----------------------------------------------------------------------------------------------
    def show(self, method: str, track, k: int, on: dict[str, bool], box) -> None:
        """Draw the aids switched on in `on` for `method`'s racer at timeline position k; `box` = visible view."""
        self._shown = set()
        self._place(method, track, k, on, box)
        for arrow in self.arrows.values():
            if arrow not in self._shown:
                arrow.hide()
        for item in self._others():
            if item not in self._shown and item.isVisible():
                item.hide()

    def _arrow(self, name, start, vector) -> None:
        if name not in self.arrows:  # an aid a registered method declares beyond the built-in ones
            self.arrows[name] = Arrow(self.plot, theme.AID_COLORS.get(name, theme.AID_COLORS["step"]), name)
            self.arrows[name].apply_scale(self._scale, self._font)
        if self.arrows[name].show(start, vector):
            self._shown.add(self.arrows[name])

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
                    self._show(self.legs, [before[0], here[0], here[0]], [before[1], before[1], here[1]])
            point = kinds.get("point")
            if point is not None and point.source in info:
                ahead = np.asarray(info[point.source], dtype=float)
                self._show(self.lookahead_path, [before[0], ahead[0], here[0]], [before[1], ahead[1], here[1]])
                self._points(self.lookahead, [ahead], theme.AID_COLORS["lookahead"], "o")
            trials = kinds.get("points")
            if trials is not None and len(np.atleast_1d(info.get(trials.source, []))):
                trials = np.asarray(info[trials.source], dtype=float).reshape(-1, 2)
                self._points(self.trials, trials, theme.AID_COLORS["trials"], "x")
                line = np.vstack([before, trials])
                self._show(self.trial_line, line[:, 0], line[:, 1])
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
        self._show(self.box, [x - half[0], x + half[0], x + half[0], x - half[0], x - half[0]],
                   [y - half[1], y - half[1], y + half[1], y + half[1], y - half[1]])
        lr = info.get("effective_lr")
        text = f"√G = ({format_number(root[0], 3)}, {format_number(root[1], 3)})"
        if lr is not None:
            lr = np.asarray(lr, dtype=float)
            text += f"\nγ/√G = ({format_number(lr[0], 3)}, {format_number(lr[1], 3)})"
        self.box_text.setText(text)
        self._set_text_at(self.box_text, x + half[0], y - half[1])
        self._reveal(self.box_text)

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
            self._show(self.eigen_lines, pts[:, 0], pts[:, 1])
            self.eigen_text.setText(f"λ = {format_number(lams[0], 3)}, {format_number(lams[1], 3)}  ({model.kind})")
            self._set_text_at(self.eigen_text, *ends[3])
            self._reveal(self.eigen_text)

    def _set_text_at(self, item: pg.TextItem, x: float, y: float) -> None:
        """A note beside (x, y), moved left as far as it must to end inside the view (and never past its left
        edge), so it is not cut at the plot's edge."""
        pixel = self.plot.getViewBox().viewPixelSize()[0]
        width = item.textItem.boundingRect().width() * pixel
        xmin, xmax = self._box[0], self._box[1]
        item.setPos(max(xmin, min(x, xmax - width)), y)

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

    def _show(self, item, xs, ys) -> None:
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
        for arrow in self.arrows.values():
            arrow.apply_scale(scale, font)
        for item in (self.legs, self.lookahead_path, self.box, self.model_lines, self.eigen_lines, self.trial_line):
            style = Qt.PenStyle.DashLine if item._aid_dashed else Qt.PenStyle.SolidLine
            width = scale.contour_width * 1.5 if item is self.model_lines else scale.aid_width * 0.7
            item.setPen(pg.mkPen(item._aid_color, width=width, style=style))
        for text in (self.box_text, self.eigen_text):
            text.setFont(font)
