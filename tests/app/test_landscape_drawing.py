"""The drawing shortcuts lose nothing visible: contour segments = pyqtgraph's isocurve, thinned trails and
decimated charts keep every pixel a full drawing would touch."""
import numpy as np
import pyqtgraph as pg
import pytest

from app.landscape.views.charts import decimate
from core.contours import isolines


def canonical(segments):
    return {tuple(sorted(map(tuple, s))) for s in np.round(np.asarray(segments, dtype=float), 7)}


def saddle_cells(values, level):
    above = values >= level
    diagonal = (above[:-1, :-1] == above[1:, 1:]) & (above[:-1, 1:] == above[1:, :-1])
    return diagonal & (above[:-1, :-1] != above[:-1, 1:])


def test_isolines_match_pyqtgraphs_isocurve_outside_ambiguous_cells():
    x = np.linspace(-2, 2, 81)
    X, Y = np.meshgrid(x, 0.9 * x + 0.05)
    z = np.log10((1 - X) ** 2 + 100 * (Y - X**2) ** 2 + 1e-3)
    for level in np.linspace(z.min(), z.max(), 9)[1:-1]:
        ours = isolines(z, [level])
        theirs = np.asarray(pg.isocurve(z, level), dtype=float).reshape(-1, 2, 2) - 0.5  # pg's half-cell offset
        ambiguous = saddle_cells(z, level)
        def plain(segments, ambiguous=ambiguous):
            cells = np.floor(segments.min(axis=1)).astype(int)
            return segments[~ambiguous[cells[:, 0], cells[:, 1]]]
        assert canonical(plain(ours)) == canonical(plain(theirs))
        assert len(ours) == len(theirs)


def test_decimation_keeps_each_columns_extremes():
    x = np.arange(10_000, dtype=float)
    y = np.sin(x / 50.0) + (x == 1234) * 5.0  # one spike must survive
    xs, ys = decimate(x, y, 0.0, 10_000.0, 200)
    assert len(xs) <= 2 * 200 + 2
    assert ys.max() == pytest.approx(y.max()) and ys.min() == pytest.approx(y.min())
    short = np.arange(50.0)
    assert decimate(short, short, 0.0, 100.0, 200)[0] is short


def test_trail_thinning_is_incremental_and_exact(qtbot):
    from app.widgets.trails import Trails

    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(500, 500)
    widget.show()
    qtbot.waitExposed(widget)
    trails = Trails(widget.getPlotItem())
    points = np.cumsum(np.random.default_rng(0).normal(size=(3000, 2)) * 0.003, axis=0)
    points[1000] = np.nan

    def reference(p):
        cells = np.floor(p / widget.getPlotItem().getViewBox().viewPixelSize())
        keep = np.ones(len(p), bool)
        keep[1:] = np.any(cells[1:] != cells[:-1], axis=1)
        keep[-1] = True
        return p[keep]

    for n in (5, 50, 49, 700, 1001, 1002, 3000, 100, 3000):  # growing, and scrubbed back
        np.testing.assert_array_equal(trails._thin("sgd", points[:n]), reference(points[:n]))
    assert len(trails._thin("sgd", points)) < len(points)


def test_a_long_trail_redraws_only_its_newest_points(qtbot):
    """The older part lies in a cached layer that a new step leaves alone; together they are the whole trail."""
    from PySide6.QtWidgets import QGraphicsItem

    from app.widgets.trails import TAIL, Trails

    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(500, 500)
    widget.show()
    qtbot.waitExposed(widget)
    widget.getPlotItem().setRange(xRange=(-1, 1), yRange=(-1, 1), padding=0)
    trails = Trails(widget.getPlotItem())
    angles = np.linspace(0, 40 * np.pi, 6000)
    points = np.column_stack([np.cos(angles), np.sin(angles)]) * np.linspace(0.9, 0.1, 6000)[:, None]
    trails.show("sgd", points[:5000])
    settled = trails.settled["sgd"]
    assert settled.cacheMode() == QGraphicsItem.CacheMode.DeviceCoordinateCache
    before = settled.xData
    assert len(before) > TAIL and len(trails.curves["sgd"].xData) <= 2 * TAIL + 1
    trails.show("sgd", points[:5010])
    assert trails.settled["sgd"].xData is before  # untouched: not rasterised again
    whole = trails._thin("sgd", trails._drawable(points[:5010]))
    np.testing.assert_array_equal(trails.drawn("sgd"), whole)
    trails.show("sgd", points[:100])  # scrubbed back: settled anew
    np.testing.assert_array_equal(trails.drawn("sgd"), trails._thin("sgd", points[:100]))
