"""A racer's marker: one symbol of a fixed pixel size, moved with setPos (shared: the Landscape's trails).

Moving a pyqtgraph ScatterPlotItem means setData, which rebuilds every spot in Python, and a repaint of all
of them. This item draws one symbol at its position in screen pixels (it ignores the view's scaling), keeps its
picture in Qt's device-coordinate cache, and moves by translation only: Qt copies the cached pixels to the new
place, so a frame in which racers move costs a setPos each and no drawing.
"""
from __future__ import annotations

from pyqtgraph.graphicsItems.ScatterPlotItem import Symbols
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QGraphicsItem, QGraphicsObject

from app.widgets.plots import cache_on_device

__all__ = ["Marker"]


class Marker(QGraphicsObject):
    """Symbol `symbol` (pyqtgraph's names: 'o', 's', 't', 'd', 'star', …) `size` px wide, with `pen` and `brush`."""

    def __init__(self, symbol: str, size: float, pen, brush):
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        cache_on_device(self)
        self._symbol, self._size, self._pen, self._brush = symbol, float(size), pen, brush
        self._rect = self._bounds()

    def set_style(self, symbol: str, size: float, pen, brush) -> None:
        if (symbol, float(size), pen, brush) == (self._symbol, self._size, self._pen, self._brush):
            return
        self.prepareGeometryChange()
        self._symbol, self._size, self._pen, self._brush = symbol, float(size), pen, brush
        self._rect = self._bounds()
        self.update()

    def place(self, where: tuple[float, float] | None) -> None:
        """Stand at `where` (data coordinates), or hide (None); only what changed is touched."""
        if where is None:
            if self.isVisible():
                self.hide()
            return
        if (self.x(), self.y()) != where:
            self.setPos(*where)
        if not self.isVisible():
            self.show()

    @property
    def symbol(self) -> str:
        return self._symbol

    @property
    def size(self) -> float:
        return self._size

    def _bounds(self) -> QRectF:
        half = self._size / 2 + self._pen.widthF() + 1
        return QRectF(-half, -half, 2 * half, 2 * half)

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter, *args) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.scale(self._size, self._size)
        painter.setPen(self._pen)
        painter.setBrush(self._brush)
        painter.drawPath(Symbols[self._symbol])
