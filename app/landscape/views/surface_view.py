"""The loss surface as a picture: heatmap, contour lines, critical points, colour bar and the start marker.

Everything per-surface (image, contours) is built once in `show_surface`; nothing here runs per frame.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, QSignalBlocker, Qt, Signal

from app import theme
from app.widgets.plots import BoundedScatter, cache_on_device
from core.contours import contour_levels, contour_segments
from core.measures import Heat

__all__ = ["SurfaceView"]

CONTOUR_GRID = 200  # contours are traced on at most this many samples per axis


class SurfaceView(pg.PlotWidget):
    """A PlotWidget on one surface; `startPicked(x, y)` when the user clicks the map or drops the start marker."""

    startPicked = Signal(float, float)
    viewChanged = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent, background="w", enableMenu=False)
        self.plot = self.getPlotItem()
        self.plot.setAspectLocked(True)  # gradients are drawn perpendicular to contours only on a 1:1 scale
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setLabel("bottom", "x")
        self.plot.setLabel("left", "y")
        self.vb = self.plot.getViewBox()
        self.vb.disableAutoRange()
        self._box = (-1.0, 1.0, -1.0, 1.0)

        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(-100)
        # The heatmap and the contours never change during a race: paint them once per zoom, then blit.
        cache_on_device(self.image)
        self.plot.addItem(self.image)
        self.colorbar = pg.ColorBarItem(colorMap=theme.heat_colormap(), interactive=False, width=18,
                                        colorMapMenu=False)
        self.colorbar.setImageItem(self.image, insert_in=self.plot)
        # Axes and colour bar change only with the view: paint them once, then blit (they are redrawn with
        # every frame's dirty region otherwise).
        for item in (self.plot.getAxis("bottom"), self.plot.getAxis("left"), self.colorbar):
            cache_on_device(item)
        self.contours = pg.PlotCurveItem(connect="pairs", skipFiniteCheck=True)
        self.contours.setZValue(-50)
        cache_on_device(self.contours)
        self.plot.addItem(self.contours)
        self.critical = BoundedScatter(pxMode=True)
        self.critical.setZValue(40)
        cache_on_device(self.critical)  # fixed per surface
        self.plot.addItem(self.critical)
        self.start = pg.TargetItem(pos=(0, 0), size=18, symbol="crosshair", movable=True,
                                   pen=pg.mkPen(theme.OUTLINE, width=2), hoverPen=pg.mkPen(theme.BAD, width=3),
                                   brush=theme.brush(theme.PAPER, 120), hoverBrush=theme.brush(theme.PAPER, 200))
        self.start.setZValue(60)
        self.start.setToolTip("Start point: drag it, or click anywhere on the map")
        self.plot.addItem(self.start)
        self.heat: Heat | None = None
        self._critical_points = ()
        self._scale = theme.scale(False)

        self.scene().sigMouseClicked.connect(self._clicked)
        self.start.sigPositionChangeFinished.connect(self._start_dropped)
        self.vb.sigRangeChangedManually.connect(lambda *_: self.viewChanged.emit(self.visible_box()))
        self.apply_scale(self._scale)

    # -- per surface ----------------------------------------------------------------------------------------
    def show_surface(self, xs: np.ndarray, ys: np.ndarray, heat: Heat, critical_points=()) -> None:
        """Show a surface grid (xs, ys, colour values) once: image, colour bar, contours, critical points."""
        self.heat = heat
        dx = (xs[-1] - xs[0]) / max(len(xs) - 1, 1)
        dy = (ys[-1] - ys[0]) / max(len(ys) - 1, 1)
        self.image.setImage(heat.values, levels=heat.levels, autoLevels=False)
        # Pixel centres sit on the grid's sample points.
        self.image.setRect(QRectF(xs[0] - dx / 2, ys[0] - dy / 2, dx * len(xs), dy * len(ys)))
        self.colorbar.setLevels(heat.levels)
        self.colorbar.getAxis("left").setLabel(heat.label)
        self.contours.setData(*self._trace_contours(xs, ys, heat))
        self._critical_points = tuple(critical_points)
        self._show_critical()

    @staticmethod
    def _trace_contours(xs, ys, heat: Heat):
        segments = contour_segments(xs, ys, heat.values, contour_levels(heat.levels), max_samples=CONTOUR_GRID)
        return segments[..., 0].ravel(), segments[..., 1].ravel()

    def _show_critical(self) -> None:
        points = self._critical_points
        size = self._scale.marker_size
        self.critical.setData(
            pos=[(p.x, p.y) for p in points],
            symbol=[theme.CRITICAL_SYMBOLS.get(p.kind, "o") for p in points],
            size=[size * (1.3 if p.kind == "minimum" else 1.0) for p in points],
            brush=theme.brush(theme.PAPER),
            pen=theme.pen(theme.OUTLINE, 1.5),
            data=[p.kind for p in points],
        )
        self.critical.setToolTip(", ".join(f"{p.kind} ({p.x:.3g}, {p.y:.3g})" for p in points))

    # -- view range -----------------------------------------------------------------------------------------
    def set_box(self, box) -> None:
        """Show at least (xmin, xmax, ymin, ymax) (the aspect ratio stays 1:1)."""
        self._box = tuple(float(v) for v in box)
        xmin, xmax, ymin, ymax = self._box
        self.vb.setRange(xRange=(xmin, xmax), yRange=(ymin, ymax), padding=0)

    def visible_box(self) -> tuple[float, float, float, float]:
        (xmin, xmax), (ymin, ymax) = self.vb.viewRange()
        return (float(xmin), float(xmax), float(ymin), float(ymax))

    # -- start point ----------------------------------------------------------------------------------------
    def set_start(self, x: float, y: float) -> None:
        with QSignalBlocker(self.start):
            self.start.setPos(QPointF(float(x), float(y)))

    def start_point(self) -> tuple[float, float]:
        p = self.start.pos()
        return (p.x(), p.y())

    def _clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or event.double() or event.isAccepted():
            return
        pos = event.scenePos()
        if not self.vb.sceneBoundingRect().contains(pos):
            return
        point = self.vb.mapSceneToView(pos)
        event.accept()
        self.set_start(point.x(), point.y())
        self.startPicked.emit(point.x(), point.y())

    def _start_dropped(self, *_):
        x, y = self.start_point()
        self.startPicked.emit(x, y)

    def map_to_widget(self, x: float, y: float):
        """Where the data point (x, y) is in this widget's viewport, for tests and tooltips (a QPoint)."""
        scene_point = self.vb.mapViewToScene(QPointF(x, y))
        return self.mapFromScene(scene_point)

    # -- presentation -------------------------------------------------------------------------------------
    def apply_scale(self, scale: theme.Scale) -> None:
        """Fonts, contour width and marker sizes for normal or presentation mode."""
        self._scale = scale
        font = self.font()
        font.setPixelSize(scale.tick_px)
        label_style = {"font-size": f"{scale.font_px}px", "color": theme.INK}
        for name in ("bottom", "left"):
            axis = self.plot.getAxis(name)
            axis.setStyle(tickFont=font)
            axis.setTextPen(theme.INK)
            axis.setPen(theme.AXIS)
            axis.setLabel(axis.labelText, **label_style)
        bar_axis = self.colorbar.axis
        bar_axis.setStyle(tickFont=font)
        bar_axis.setTextPen(theme.INK)
        bar_axis.setWidth(int(scale.tick_px * 4))
        label_axis = self.colorbar.getAxis("left")
        label_axis.setLabel(label_axis.labelText, **label_style)
        self.contours.setPen(pg.mkPen(*theme.CONTOUR, width=scale.contour_width))
        self.start.scale = scale.marker_size * 1.4
        self.start.viewTransformChanged()  # rebuilds the symbol at the new size
        self._show_critical()
