"""A plot's annotations as one graphics item: lines in data coordinates, arrow heads and notes sized in pixels.

The Landscape's visual aids change at most ten times a second while the racers' markers and trails repaint the
view under them every frame. Drawn as a dozen pyqtgraph items (curves, ArrowItems, TextItems), each change
re-rendered a dozen cached pictures and marked a dozen rectangles (about 1.7 ms of a frame at 1920×1050); drawn by
one item they are one cached picture, painted once per change and copied when something passes over it.

`set_parts(parts)` replaces everything drawn: a list of `Line`, `Head` and `Note`, painted in that order (lines first,
then heads, then notes, each kind in the order given). A head points along its line on screen whatever the view's
aspect; a note keeps its size in pixels and may be asked its width first (`note_size`), to be placed inside the view.

An arrow's label (a note with `away`, the arrow's tail) sits just past the arrow's tip on screen, on the far side
from its tail and inside the view, and steps aside from the notes placed before it and the other arrows' heads: at a
race's start the gradient, the velocity and the step point the same way from nearly one point, and their labels were
drawn over each other ("−∇f−v" in one blot).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
import pyqtgraph.functions as fn
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QFont, QFontMetrics, QPainter, QPainterPath, QPen

from app.widgets.plots import cache_on_device

__all__ = ["Head", "Line", "Note", "Overlay"]

NOTE_PAD = 4  # pixels between a note's text and the edge of its box (QTextDocument's margin, as pg.TextItem had)
LABEL_GAP = 3  # pixels between an arrow's tip and its label
SLACK = 3  # pixels two labels' boxes may overlap: their texts are still NOTE_PAD − SLACK apart and more
ASIDE = 2  # how many label heights (or widths) a label may step aside, each way, to stay clear of the others
SIZES_KEPT = 256  # notes' sizes remembered (a note's text changes as its numbers do)


@dataclass(frozen=True, eq=False)
class Line:
    """A polyline through (xs, ys) in data coordinates (`pairs`: separate segments 0–1, 2–3, …)."""

    name: str
    pen: QPen
    xs: tuple
    ys: tuple
    pairs: bool = False

    def key(self) -> tuple:
        return ("line", self.name, id(self.pen), self.xs, self.ys, self.pairs)


@dataclass(frozen=True, eq=False)
class Head:
    """An arrow head `size` pixels long with its tip at (x1, y1), pointing away from (x0, y0) on screen."""

    name: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    color: str

    def key(self) -> tuple:
        return ("head", self.name, self.x0, self.y0, self.x1, self.y1, self.size, self.color)


@dataclass(frozen=True, eq=False)
class Note:
    """`text` (lines split at \\n) at (x, y): `anchor` is the point of its box placed there, as fractions of its
    width and height from the top left ((0, 1): the bottom left corner); `fill` a brush for its box, or None.
    With `away` (a point, data coordinates: an arrow's tail) the note is an arrow's label instead: `anchor` is not
    used, the box sits past (x, y) on the far side from `away` and steps aside from what it would cover."""

    name: str
    x: float
    y: float
    text: str
    font: QFont
    color: str
    fill: QBrush | None = None
    anchor: tuple = (0.0, 0.0)
    away: tuple | None = None

    def key(self) -> tuple:
        return ("note", self.name, self.x, self.y, self.text, self.font.key(), self.color, id(self.fill), self.anchor,
                self.away)


class Overlay(pg.GraphicsObject):
    """Lines, heads and notes drawn as one device-cached item (see the module's text)."""

    def __init__(self):
        super().__init__()
        self._lines: list[tuple[Line, QPainterPath]] = []
        self._heads: list[Head] = []
        self._notes: list[Note] = []
        self._key: tuple = ()
        self._rect = QRectF()
        self._head_paths: dict[float, QPainterPath] = {}
        self._colours: dict[str, tuple[QPen, QBrush]] = {}
        self._sizes: dict[tuple, tuple[int, int]] = {}  # (text, font) -> a note's size in pixels
        self.paints = 0  # times the item was really painted (for tests: a cached picture is copied, not painted)
        cache_on_device(self)

    # -- what is drawn -----------------------------------------------------------------------------------------
    def set_parts(self, parts) -> None:
        """Draw exactly `parts` from now on (nothing is redrawn if they are what is drawn already)."""
        parts = list(parts)
        key = tuple(p.key() for p in parts)
        if key == self._key:
            return
        self._key = key
        self._lines = [(p, _path(p)) for p in parts if isinstance(p, Line)]
        self._heads = [p for p in parts if isinstance(p, Head)]
        self._notes = [p for p in parts if isinstance(p, Note)]
        self._update_bounds()
        self.update()

    def clear(self) -> None:
        self.set_parts(())

    def names(self) -> set[str]:
        """The names of the parts drawn now."""
        return {p.name for p, _ in self._lines} | {p.name for p in self._heads} | {p.name for p in self._notes}

    def note_size(self, text: str, font: QFont) -> tuple[int, int]:
        """A note's box in pixels, (width, height)."""
        key = (text, font.key())
        size = self._sizes.get(key)
        if size is None:
            if len(self._sizes) >= SIZES_KEPT:
                self._sizes.clear()
            rect = QFontMetrics(font).boundingRect(0, 0, 100000, 100000, int(Qt.AlignmentFlag.AlignLeft), text)
            size = self._sizes[key] = (rect.width() + 2 * NOTE_PAD, rect.height() + 2 * NOTE_PAD)
        return size

    def note_rect(self, name: str) -> QRectF | None:
        """Where note `name` lies, in data coordinates (None if it is not drawn or there is no view yet)."""
        index = next((i for i, n in enumerate(self._notes) if n.name == name), None)
        to_device = self.deviceTransform_()
        if index is None or to_device is None:
            return None
        back, _ = to_device.inverted()
        return back.mapRect(self._note_boxes(to_device)[index])

    # -- geometry ----------------------------------------------------------------------------------------------
    def _note_boxes(self, to_device) -> list[QRectF]:
        """Every note's box on screen (pixels), in the order of the notes: the fixed ones where they are asked to
        be, then each arrow's label (see `_label_box`)."""
        boxes: list[QRectF | None] = [None] * len(self._notes)
        for i, note in enumerate(self._notes):
            if note.away is None:
                width, height = self.note_size(note.text, note.font)
                at = to_device.map(QPointF(note.x, note.y))
                boxes[i] = QRectF(at.x() - note.anchor[0] * width, at.y() - note.anchor[1] * height, width, height)
        if not any(note.away is not None for note in self._notes):
            return boxes
        view = self.getViewBox()
        bounds = to_device.mapRect(view.viewRect()) if view is not None else None
        outlines = [((head.x1, head.y1), self._head_outline(head, to_device)) for head in self._heads]
        for i, note in enumerate(self._notes):
            if note.away is not None:
                heads = [outline for tip, outline in outlines if tip != (note.x, note.y)]  # not its own arrow's
                boxes[i] = self._label_box(note, to_device, [b for b in boxes if b is not None], heads, bounds)
        return boxes

    def _label_box(self, note: Note, to_device, notes: list[QRectF], heads: list[QRectF], bounds) -> QRectF:
        """An arrow's label just past its tip, on the far side from its tail; else stepped aside (up or down a line
        for a sideways arrow, left or right a width for an upright one, at most ASIDE steps) to the nearest place
        that covers the least of the notes placed before it, then of the other arrows' heads. Every place is moved
        inside the view (`bounds`) first, so a label never leaves the plot."""
        width, height = self.note_size(note.text, note.font)
        tip, tail = to_device.map(QPointF(note.x, note.y)), to_device.map(QPointF(*note.away))
        dx, dy = tip.x() - tail.x(), tip.y() - tail.y()
        length, most = math.hypot(dx, dy), max(abs(dx), abs(dy))
        if not (most > 0 and math.isfinite(length)):
            dx, dy, length, most = 1.0, 0.0, 1.0, 1.0
        # The point of the box's edge that faces the tip: a box's side for an arrow along an axis, a corner for one
        # along a diagonal (the direction mapped onto the box's outline).
        ax, ay = 0.5 - 0.5 * dx / most, 0.5 - 0.5 * dy / most
        first = QRectF(tip.x() + LABEL_GAP * dx / length - ax * width, tip.y() + LABEL_GAP * dy / length - ay * height,
                       width, height)
        sideways = abs(dx) >= abs(dy)
        places = []
        for step in range(ASIDE + 1):
            for sign in (-1, 1) if step else (0,):
                box = first.translated(0, sign * step * height) if sideways else \
                    first.translated(sign * step * width, 0)
                places.append(_inside(box, bounds))

        def cost(box):  # pixels of notes covered, then of heads
            return (round(sum(_area(box, other) for other in notes)), round(sum(_area(box, head) for head in heads)))
        return min(places, key=cost)  # the nearest of the best (min keeps the first of equals)

    @staticmethod
    def _head_outline(head: Head, to_device) -> QRectF:
        """The box around an arrow head as drawn: from its tip back `size` pixels along its shaft, as wide as its
        barbs (tipAngle 35°)."""
        tip, tail = to_device.map(QPointF(head.x1, head.y1)), to_device.map(QPointF(head.x0, head.y0))
        dx, dy = tail.x() - tip.x(), tail.y() - tip.y()
        length = math.hypot(dx, dy)
        if not (length > 0 and math.isfinite(length)):
            return QRectF()
        ux, uy = dx / length, dy / length
        back = QPointF(tip.x() + head.size * ux, tip.y() + head.size * uy)
        half = head.size * math.tan(math.radians(17.5))
        return QRectF(tip, back).normalized().adjusted(-half * abs(uy), -half * abs(ux), half * abs(uy),
                                                       half * abs(ux))

    @staticmethod
    def _head_box(head: Head, to_device) -> QRectF:
        """A square round a head's tip, as far as the head may reach in any direction (for the item's bounds)."""
        tip = to_device.map(QPointF(head.x1, head.y1))
        return QRectF(tip.x() - head.size, tip.y() - head.size, 2 * head.size, 2 * head.size)

    def _head_path(self, size: float) -> QPainterPath:
        path = self._head_paths.get(size)
        if path is None:  # pointing along −x with its tip at (0, 0), as pg.ArrowItem's
            path = self._head_paths[size] = fn.makeArrowPath(headLen=size, tipAngle=35, tailLen=None)
        return path

    def _update_bounds(self) -> None:
        """The bounds: every line's points, and the heads and notes as they lie on screen now (pixel-sized)."""
        rect = QRectF()
        for _line, path in self._lines:
            rect = rect.united(path.boundingRect())
        to_device = self.deviceTransform_()
        if to_device is not None:
            back, invertible = to_device.inverted()
            if invertible and (self._heads or self._notes):
                boxes = QRectF()
                for head in self._heads:
                    boxes = boxes.united(self._head_box(head, to_device))
                for box in self._note_boxes(to_device):
                    boxes = boxes.united(box)
                rect = rect.united(back.mapRect(boxes))
            if not rect.isNull() and invertible:  # room for the pens' width, in pixels
                widest = max([line.pen.widthF() for line, _ in self._lines] + [1.0])
                pad = back.mapRect(QRectF(0, 0, widest + 2, widest + 2))
                rect = rect.adjusted(-pad.width(), -pad.height(), pad.width(), pad.height())
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect

    def viewTransformChanged(self) -> None:  # noqa: N802 (pyqtgraph's name): heads and notes keep their pixel size
        super().viewTransformChanged()
        self._update_bounds()

    def boundingRect(self) -> QRectF:
        return QRectF(self._rect)

    # -- painting ----------------------------------------------------------------------------------------------
    def paint(self, painter: QPainter, *args) -> None:
        self.paints += 1
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, bool(pg.getConfigOption("antialias")))
        for line, path in self._lines:
            painter.setPen(line.pen)
            painter.drawPath(path)
        if not (self._heads or self._notes):
            return
        to_device = painter.transform()
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for head in self._heads:
            tail, tip = to_device.map(QPointF(head.x0, head.y0)), to_device.map(QPointF(head.x1, head.y1))
            if tail == tip:
                continue
            painter.save()
            painter.translate(tip)
            painter.rotate(math.degrees(math.atan2(tail.y() - tip.y(), tail.x() - tip.x())))
            pen, brush = self._colour(head.color)
            painter.setPen(pen)
            painter.setBrush(brush)
            painter.drawPath(self._head_path(head.size))
            painter.restore()
        for note, box in zip(self._notes, self._note_boxes(to_device), strict=True):
            box.moveTo(round(box.x()), round(box.y()))
            if note.fill is not None:
                painter.fillRect(box, note.fill)
            painter.setFont(note.font)
            painter.setPen(self._colour(note.color)[0])
            painter.drawText(box.adjusted(NOTE_PAD, NOTE_PAD, -NOTE_PAD, -NOTE_PAD),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop), note.text)
        painter.restore()

    def _colour(self, color: str) -> tuple[QPen, QBrush]:
        made = self._colours.get(color)
        if made is None:
            made = self._colours[color] = (pg.mkPen(color), pg.mkBrush(color))
        return made


def _area(a: QRectF, b: QRectF) -> float:
    """The area two boxes share, less a margin of SLACK pixels (a label's box has NOTE_PAD pixels round its text,
    so boxes that overlap by less still keep their texts apart)."""
    width = min(a.right(), b.right()) - max(a.left(), b.left()) - SLACK
    height = min(a.bottom(), b.bottom()) - max(a.top(), b.top()) - SLACK
    return width * height if width > 0 and height > 0 else 0.0


def _inside(box: QRectF, bounds: QRectF | None) -> QRectF:
    """`box` moved the least it must to lie within `bounds` (its top left kept inside if it is the larger)."""
    if bounds is None or not bounds.isValid():
        return box
    x = max(bounds.left(), min(box.left(), bounds.right() - box.width()))
    y = max(bounds.top(), min(box.top(), bounds.bottom() - box.height()))
    return QRectF(x, y, box.width(), box.height())


def _path(line: Line) -> QPainterPath:
    return pg.arrayToQPath(np.asarray(line.xs, dtype=float), np.asarray(line.ys, dtype=float),
                           connect="pairs" if line.pairs else "all")
