"""The drawing shortcuts lose nothing visible: contour segments = pyqtgraph's isocurve, thinned trails and
decimated charts keep every pixel a full drawing would touch."""
import itertools

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QApplication

from app.landscape.views.charts import decimate
from core.contours import isolines


def shown_plot(qtbot, width: int, height: int, unit_view: bool = True) -> pg.PlotWidget:
    """A plot widget on screen, showing −1…1 on both axes (unless not `unit_view`)."""
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    if unit_view:
        widget.getPlotItem().disableAutoRange()
        widget.getPlotItem().setRange(xRange=(-1, 1), yRange=(-1, 1), padding=0)
    return widget


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


def test_decimation_gives_each_columns_lowest_then_highest_value_with_gaps_kept():
    from app.landscape.views.charts import by_column

    x = np.array([0.0, 0.4, 0.9, 1.0, 1.5, 2.2, 2.3, 2.9, 3.1])
    y = np.array([3.0, -1.0, 2.0, np.nan, np.nan, 5.0, np.nan, 4.0, 7.0])
    xs, ys, last = by_column(x, y, 0.0, 4.0, 4)  # columns [0, 1), [1, 2), [2, 3), [3, 4)
    assert xs.tolist() == [0.0, 0.0, 1.0, 1.0, 2.2, 2.2, 3.1, 3.1] and last == 8
    assert np.array_equal(ys, [-1.0, 3.0, np.nan, np.nan, 4.0, 5.0, 7.0, 7.0], equal_nan=True)


def test_chart_values_floor_zero_and_leave_gaps_for_what_cannot_be_drawn(qtbot):
    """A log chart draws an exact 0 at the floor and leaves a gap for a negative, NaN or huge value (a racer gone
    off to infinity); a linear chart leaves a gap for NaN and huge values only."""
    from app.landscape.views.charts import HUGE, LOG_FLOOR, Charts

    charts = Charts()
    qtbot.addWidget(charts)
    raw = [0.0, 1e-3, 100.0, -2.0, np.nan, 2 * HUGE, -2 * HUGE, np.inf]
    assert np.array_equal(charts._y("grad_norm", raw), [np.log10(LOG_FLOOR), -3.0, 2.0] + [np.nan] * 5,
                          equal_nan=True)
    charts.set_axes(loss_log=False, loss_label="f", distance_known=True, x_label="iteration", loss_range=(-1, 1))
    assert np.array_equal(charts._y("loss", raw), [0.0, 1e-3, 100.0, -2.0] + [np.nan] * 4, equal_nan=True)
    raw += [HUGE, np.nextafter(HUGE, 0), 1e-300, 3.7e5, 5e-17]
    for name in ("loss", "grad_norm"):  # a dot's one value is placed as the line's values are
        np.testing.assert_array_equal([charts._y_one(name, v) for v in raw], charts._y(name, raw))


def test_a_chart_line_fed_a_growing_series_shows_what_decimating_it_whole_shows(qtbot):
    """Incremental: only the last column is redone, yet every frame shows `decimate` of the whole series; the
    settled layer is left alone while the newest points change, and starts over on a scrub back or a
    new x range."""
    from app.landscape.views.charts import TAIL, Line

    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    from app.widgets.polylines import Polylines

    settled, live = Polylines(["sgd"], settled=True), Polylines(["sgd"])
    for layer in (settled, live):
        widget.getPlotItem().addItem(layer)
    line = Line(settled, live, "sgd")
    rng = np.random.default_rng(1)
    y = np.exp(rng.normal(size=6000)) * np.linspace(10, 0.1, 6000)
    y[[700, 2500, 2501, 5999]] = np.nan  # gaps, also at a column's edge and at the end
    y[3000:3040] = np.nan  # a whole column of NaN
    x = np.arange(6000, dtype=float)

    def log(values):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log10(values)

    settled_before = None
    for n in (10, 300, 400, 401, 402, 1000, 1001, 1017, 2500, 2502, 3020, 3100, 4000, 4001, 6000, 1500, 6000):
        line.update(x[:n], y[:n], 0.0, 6600.0, 200, log)
        want_x, want_y = decimate(x[:n], log(y[:n]), 0.0, 6600.0, 200)
        got_x, got_y = line.drawn()
        np.testing.assert_array_equal(got_x, want_x)
        np.testing.assert_array_equal(got_y, want_y)
        finite = want_y[np.isfinite(want_y)]
        assert line.extent == (finite.min(), finite.max())
        assert len(live.data("sgd")[0]) <= 2 * TAIL + 1
        if n == 4000:
            settled_before = settled.data("sgd")[0]
        if n == 4001:
            assert settled.data("sgd")[0] is settled_before  # untouched by one more step: not rasterised again
    line.update(x, y, 0.0, 13200.0, 200, log)  # a wider x range: columns cut anew
    np.testing.assert_array_equal(line.drawn()[1], decimate(x, log(y), 0.0, 13200.0, 200)[1])
    line.reset()
    assert len(line.drawn()[0]) == 0


def test_trail_thinning_is_incremental_and_exact(qtbot):
    from app.widgets.trails import Trails

    widget = shown_plot(qtbot, 500, 500, unit_view=False)
    trails = Trails(widget.getPlotItem())
    points = np.cumsum(np.random.default_rng(0).normal(size=(3000, 2)) * 0.003, axis=0)
    points[1000] = np.nan

    def reference(p):
        cells = np.floor(p / widget.getPlotItem().getViewBox().viewPixelSize())
        keep = np.ones(len(p), bool)
        keep[1:] = np.any(cells[1:] != cells[:-1], axis=1)
        keep[-1] = True
        return p[keep]

    for n in (5, 50, 49, 700, 998, 999, 1000, 1001, 1002, 1003, 3000, 100, 101, 3000):  # growing, one by one, back
        np.testing.assert_array_equal(trails._thin("sgd", points[:n]), reference(points[:n]))
    assert len(trails._thin("sgd", points)) < len(points)


def test_a_long_trail_redraws_only_its_newest_points(qtbot):
    """The older part lies in a settled layer that a new step leaves alone; together they are the whole trail."""
    from app.widgets.trails import TAIL, Trails

    widget = shown_plot(qtbot, 500, 500)
    trails = Trails(widget.getPlotItem())
    angles = np.linspace(0, 40 * np.pi, 6000)
    points = np.column_stack([np.cos(angles), np.sin(angles)]) * np.linspace(0.9, 0.1, 6000)[:, None]
    trails.show("sgd", points[:5000])
    assert trails.settled.settled and trails.settled_halos.settled and not trails.live.settled
    before = trails.settled.data(("trail", "sgd"))[0]
    assert len(before) > TAIL and len(trails.live.data(("trail", "sgd"))[0]) <= 2 * TAIL + 1
    trails.show("sgd", points[:5010])
    assert trails.settled.data(("trail", "sgd"))[0] is before  # untouched: not rasterised again
    whole = trails._thin("sgd", trails._drawable(points[:5010]))
    np.testing.assert_array_equal(trails.drawn("sgd"), whole)
    trails.show("sgd", points[:100])  # scrubbed back: settled anew
    np.testing.assert_array_equal(trails.drawn("sgd"), trails._thin("sgd", points[:100]))


def test_a_growing_trail_drawn_step_by_step_is_the_whole_trail_thinned(qtbot):
    """Work on the new points only, yet the same picture as thinning the whole trail: with a far-out point
    (left out, a gap), and after a pan brings it back into reach."""
    from app.widgets.trails import Trails

    widget = shown_plot(qtbot, 400, 400)
    trails = Trails(widget.getPlotItem())
    trails.set_box((-1, 1, -1, 1))
    points = np.cumsum(np.random.default_rng(3).normal(size=(1500, 2)) * 0.01, axis=0)
    points[600] = (5e3, 5e3)  # beyond FAR view widths: not drawn
    for n in [*range(1, 590, 7), *range(590, 620), *range(620, 1500, 7)]:  # one by one around the far point
        trails.show("adam", points[:n])
        if 590 <= n < 620:
            np.testing.assert_array_equal(trails.drawn("adam"), trails._thin("adam", trails._drawable(points[:n])))
    trails.show("adam", points)
    np.testing.assert_array_equal(trails.drawn("adam"), trails._thin("adam", trails._drawable(points)))
    assert np.isnan(trails.drawn("adam")).any()
    trails.set_box((4e3, 6e3, 4e3, 6e3))  # panned far out: the point is within reach now
    trails.show("adam", points)
    assert not np.isnan(trails._thin("adam", points)).any()


def test_a_marker_moves_without_being_drawn_again(qtbot):
    """Markers are moved (a translation Qt serves from the cached picture), not rebuilt; a racer with no
    finite position has none."""
    from app.widgets.trails import Trails

    widget = shown_plot(qtbot, 400, 400)
    trails = Trails(widget.getPlotItem())
    marker = trails.markers["sgd"]
    paints = []
    real_paint = marker.paint
    marker.paint = lambda *a: (paints.append(1), real_paint(*a))
    trails.show("sgd", np.array([[0.1, 0.2]]))
    trails.refresh_markers()
    app = QApplication.instance()
    app.processEvents()
    assert marker.isVisible() and (marker.x(), marker.y()) == (0.1, 0.2) and len(paints) == 1
    for x in np.linspace(0.1, 0.6, 20):
        trails.show("sgd", np.array([[0.1, 0.2], [x, 0.3]]))
        trails.refresh_markers()
        app.processEvents()
    assert (marker.x(), marker.y()) == (0.6, 0.3)
    assert len(paints) == 1  # moved twenty times, drawn once
    trails.show("sgd", np.array([[np.nan, np.nan]]))
    trails.refresh_markers()
    assert not marker.isVisible()
    app.processEvents()
    assert widget.viewport().grab().toImage() == _repainted_whole(widget)  # nothing left where it has been

def _repainted_whole(widget):
    """The widget's picture after a repaint of all of it (no cache reused)."""
    from PySide6.QtGui import QPixmapCache

    from app.widgets.polylines import Polylines

    QPixmapCache.clear()
    widget.resetCachedContent()
    for item in widget.scene().items():
        if isinstance(item, Polylines):
            item.repaint_whole()  # a settled layer's own picture, too
        item.update()
    widget.viewport().repaint()
    return widget.viewport().grab().toImage()


def test_lines_changed_frame_by_frame_leave_the_picture_a_whole_repaint_gives(qtbot):
    """One item draws every racer and repaints only the rectangles a changed line covered before and covers
    now: after many such frames (growing, shrinking, jumping far, a gap, hidden) the screen holds exactly what
    painting everything afresh holds, so no stale stroke is left behind."""
    from app.widgets.polylines import Polylines

    widget = shown_plot(qtbot, 420, 320)
    plot = widget.getPlotItem()
    layers = [Polylines(["a", "b", "c"], settled=True), Polylines(["a", "b", "c"])]
    for layer in layers:
        plot.addItem(layer)
        for key, color in zip("abc", ("r", "g", "b"), strict=True):
            layer.set_pen(key, pg.mkPen(color, width=4))
    rng = np.random.default_rng(7)
    walk = {k: np.cumsum(rng.normal(size=(400, 2)) * 0.03, axis=0) for k in "abc"}
    walk["c"][200] = np.nan
    home = {"a": layers[0], "b": layers[0], "c": layers[1]}  # two lines in the cached layer, one live
    app = QApplication.instance()
    for frame in range(1, 60):
        for key in "abc":
            n = int(rng.integers(0, 400))  # growing, shrinking, jumping
            home[key].set_data(key, walk[key][:n, 0], walk[key][:n, 1])
        if frame == 30:
            layers[0].clear("a")
        app.processEvents()  # what a frame shows: Qt repaints the marked rectangles only
        app.processEvents()
        if frame % 10 == 9:
            shown = widget.viewport().grab().toImage()
            assert shown == _repainted_whole(widget), f"stale pixels after frame {frame}"
    assert layers[1].data("c")[0].size  # the lines really were drawn


def test_a_zoom_repaints_the_lines_at_the_new_scale(qtbot):
    from app.widgets.polylines import Polylines

    widget = shown_plot(qtbot, 300, 300)
    plot = widget.getPlotItem()
    layer = Polylines(["a"], settled=True)
    plot.addItem(layer)
    layer.set_pen("a", pg.mkPen("k", width=3))
    layer.set_data("a", np.array([-0.5, 0.5]), np.array([0.0, 0.0]))
    widget.viewport().repaint()
    plot.setRange(xRange=(-4, 4), yRange=(-4, 4), padding=0)
    widget.viewport().repaint()
    assert widget.viewport().grab().toImage() == _repainted_whole(widget)


def _ink(image):
    """Where the image has red or blue strokes (a boolean array)."""
    image = image.convertToFormat(image.Format.Format_RGB32)
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.width(), 4)
    blue, green, red = (pixels[..., i].astype(int) for i in range(3))
    return ((red > 150) & (green < 110) & (blue < 110)) | ((blue > 150) & (green < 110) & (red < 110))


def _within(mask, other, reach):
    """Whether every True pixel of `mask` is within `reach` pixels of a True pixel of `other`."""
    grown = other.copy()
    for dy in range(-reach, reach + 1):
        for dx in range(-reach, reach + 1):
            grown |= np.roll(np.roll(other, dy, axis=0), dx, axis=1)
    return bool(mask.any()) and not (mask & ~grown).any()


@pytest.mark.parametrize("settled", [True, False])
def test_a_pan_moves_the_lines_with_the_view_and_leaves_no_copy_behind(qtbot, settled):
    """Dragging the view translates what a settled layer shows: the picture after each step of a drag equals a
    whole repaint (with Qt's item cache, a layer whose bounds were the view itself was copied at the old place)."""
    from app.widgets.polylines import Polylines

    widget = shown_plot(qtbot, 360, 300)
    plot = widget.getPlotItem()
    layer = Polylines(["a", "b"], settled=settled)
    plot.addItem(layer)
    layer.set_pen("a", pg.mkPen("r", width=4))
    layer.set_pen("b", pg.mkPen("b", width=4))
    t = np.linspace(0, 6, 200)
    layer.set_data("a", 0.6 * np.cos(t), 0.6 * np.sin(2 * t))
    layer.set_data("b", np.linspace(-0.9, 0.9, 50), np.linspace(0.8, -0.8, 50))
    app = QApplication.instance()
    app.processEvents()
    for step in range(1, 6):  # a drag: the view moves a little at a time, the lines stay put in data units
        plot.setRange(xRange=(-1 + 0.13 * step, 1 + 0.13 * step), yRange=(-1 - 0.07 * step, 1 - 0.07 * step),
                      padding=0)
        app.processEvents()
        app.processEvents()
        shown, whole = _ink(widget.viewport().grab().toImage()), _ink(_repainted_whole(widget))
        # The cached picture is moved by whole pixels, a fresh one drawn at the exact place: within a pixel.
        assert _within(shown, whole, 1) and _within(whole, shown, 1), f"wrong after drag step {step}"


def test_a_settled_layer_paints_each_new_piece_once_and_shows_the_line_drawn_whole(qtbot):
    """A settled layer's line grows by pieces: only the new piece's path is built and painted (onto the layer's
    own picture, not the whole layer again), its points are the line's, and the screen shows the line drawn
    whole but for a few pixels where two pieces meet or where the new piece crosses a line after it in the
    order; a zoom paints everything afresh."""
    from app.widgets.polylines import Polylines

    widget = shown_plot(qtbot, 420, 320)
    plot = widget.getPlotItem()
    layer = Polylines(["a", "b"], settled=True)
    plot.addItem(layer)
    for key, color in (("a", "r"), ("b", "b")):
        layer.set_pen(key, pg.mkPen(color, width=5))
    rng = np.random.default_rng(3)
    walk = np.cumsum(rng.normal(size=(600, 2)) * 0.02, axis=0)
    walk[333] = np.nan  # a gap inside a piece
    layer.set_data("b", walk[:, 1], walk[:, 0])
    layer.set_data("a", walk[:50, 0], walk[:50, 1])
    app = QApplication.instance()
    app.processEvents()
    assert layer.painted == 2  # both lines, once
    for end in range(100, 601, 50):
        layer.extend("a", walk[end - 50 - 1:end, 0], walk[end - 50 - 1:end, 1])  # starts at the last point
        app.processEvents()
    assert layer.painted == 2 + 11  # one piece per extension, nothing else again
    x, y = layer.data("a")
    np.testing.assert_array_equal(np.column_stack([x, y]), walk[:600])
    assert len(layer._lines["a"].pieces) == 12  # the first, and one per extension
    shown = widget.viewport().grab().toImage()
    whole = _repainted_whole(widget)
    a, b = (np.frombuffer(img.constBits(), np.uint32).reshape(img.height(), -1) for img in (shown, whole))
    assert 0 < np.count_nonzero(a != b) < 0.01 * a.size
    ink, whole_ink = _ink(shown), _ink(whole)
    assert _within(ink, whole_ink, 1) and _within(whole_ink, ink, 1)  # nothing stale, nothing missing
    painted = layer.painted
    plot.setRange(xRange=(-3, 3), yRange=(-3, 3), padding=0)
    app.processEvents()
    app.processEvents()
    assert layer.painted == painted + 13  # every piece of both lines, at the new scale
    assert widget.viewport().grab().toImage() == _repainted_whole(widget)


def test_a_settled_layer_in_a_plot_below_other_widgets_shows_what_drawing_it_directly_shows(qtbot):
    """The plot lies below a label in its window, as the charts do under the surface: the settled layer's
    picture is placed in the plot's own coordinates (the painter's device transform would add the plot's place
    in the window and cut the picture off there), so the window shows what a layer drawing directly shows."""
    from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

    from app.widgets.polylines import Polylines

    window = QWidget()
    qtbot.addWidget(window)
    column = QVBoxLayout(window)
    label = QLabel("above")
    label.setMinimumHeight(150)
    column.addWidget(label)
    widget = pg.PlotWidget()
    column.addWidget(widget)
    window.resize(400, 500)
    window.show()
    qtbot.waitExposed(window)
    plot = widget.getPlotItem()
    plot.disableAutoRange()
    plot.setRange(xRange=(-1, 1), yRange=(-1, 1), padding=0)
    t = np.linspace(-0.95, 0.95, 301)
    app = QApplication.instance()

    def shown(settled: bool):
        layer = Polylines(["a"], settled=settled)
        plot.addItem(layer)
        layer.set_pen("a", pg.mkPen("r", width=4))
        layer.set_data("a", t[:101], -t[:101] ** 3)
        app.processEvents()
        for end in (151, 201, 251, 301):  # grows by pieces, each painted onto the picture as the window repaints
            layer.extend("a", t[end - 51:end], -t[end - 51:end] ** 3)
            app.processEvents()
        picture = _ink(window.grab().toImage())
        plot.removeItem(layer)
        return picture, layer

    picture, layer = shown(True)
    assert layer.painted == 5
    direct, _ = shown(False)
    assert direct[350:].any()  # the line reaches the plot's lower part
    assert _within(picture, direct, 1) and _within(direct, picture, 1)


@pytest.mark.parametrize("vector", [(1.0, 0.0), (0.0, 1.0), (-1.0, 0.0), (0.0, -1.0), (0.6, -0.8)])
def test_an_aid_arrow_head_points_along_its_vector_on_screen(qtbot, vector):
    """A head's outline lies behind its tip, against the vector, on screen (where y grows downwards); on a
    squashed view the screen's angle counts, not the data's."""
    from app.widgets.overlay import Head, Overlay

    widget = shown_plot(qtbot, 400, 200)  # −1…1 on both axes: the view is squashed vertically
    plot = widget.getPlotItem()
    overlay = Overlay()
    plot.addItem(overlay, ignoreBounds=True)
    vb = plot.getViewBox()
    for start in ((0.0, 0.0), (0.2, 0.1)):  # twice: the second time turns a head already drawn
        end = (start[0] + vector[0] * 0.5, start[1] + vector[1] * 0.5)
        overlay.set_parts([Head("h", *start, *end, 24, "#d00000")])
        ink = _ink(widget.viewport().grab().toImage())
        screen = widget.viewportTransform()
        tip = screen.map(vb.mapViewToScene(pg.Point(*end)))
        tail = screen.map(vb.mapViewToScene(pg.Point(*start)))
        along = np.array([tip.x() - tail.x(), tip.y() - tail.y()], dtype=float)
        rows, cols = np.nonzero(ink)
        assert len(rows) > 20
        assert np.hypot(cols - tip.x(), rows - tip.y()).max() <= 26  # all of it about the tip, 24 px long
        centre = np.array([cols.mean() - tip.x(), rows.mean() - tip.y()])
        cosine = centre @ along / (np.linalg.norm(centre) * np.linalg.norm(along))
        assert cosine < -0.98, (start, cosine)  # straight behind the tip


def test_chart_axes_label_the_range_the_lines_are_drawn_in_after_a_fast_race(tab, qtbot):
    """Each chart's y range grows in whole decades while a fast race plays, and its axes are cached: after the
    race the tick labels beside each chart are the ones a fresh paint gives for its final range, not a picture
    kept from an older range."""
    c, charts = tab.controller, tab.charts
    c.set_surface("rosenbrock")
    ranges = {name: set() for name in charts.plots}
    c.player.frameDrawn.connect(lambda _: [ranges[n].add(charts._ylim[n]) for n in charts.plots])
    c.player.set_max_steps(3000)
    c.player.set_speed(5.0)  # slowly at first, so that each range grows in several frames
    c.player.play()
    qtbot.waitUntil(lambda: c.race.head >= 300, timeout=60_000)
    c.player.set_speed(50.0)
    qtbot.waitUntil(lambda: c.race.finished, timeout=60_000)
    c.player.pause()
    c.player.render()
    app = QApplication.instance()
    for _ in range(3):
        app.processEvents()
    assert all(len(seen) >= 2 for seen in ranges.values()), ranges  # every range changed after a first paint
    viewport = charts.viewport()
    shown = viewport.grab().toImage()
    whole = _repainted_whole(charts)
    for name, plot in charts.plots.items():
        axis = plot.getAxis("left").sceneBoundingRect().toAlignedRect()
        axis.setRight(plot.getViewBox().sceneBoundingRect().toAlignedRect().left() - 2)  # the labels, not the lines
        assert axis.width() > 10 and shown.copy(axis) == whole.copy(axis), f"{name}: stale axis labels"


@pytest.mark.parametrize("case", ["finite", "one point", "a gap", "an infinity", "nothing finite"])
def test_a_pieces_path_and_bounds_are_what_pyqtgraph_and_the_finite_points_give(case):
    """A piece's path is built without pyqtgraph's checks when every point is finite, and by pyqtgraph otherwise:
    either way the path pyqtgraph builds, and the bounds are those of the finite points."""
    from app.widgets.polylines import _piece

    rng = np.random.default_rng(3)
    x, y = np.cumsum(rng.random(40)), rng.normal(size=40)
    if case == "one point":
        x, y = x[:1], y[:1]
    elif case == "a gap":
        y[[0, 17]] = np.nan
    elif case == "an infinity":
        x[5] = np.inf
    elif case == "nothing finite":
        y[:] = np.nan
    path, bounds = _piece(x, y)[2:]
    connect = "all" if np.isfinite(x).all() and np.isfinite(y).all() else "finite"
    want = pg.arrayToQPath(x, y, connect=connect)
    assert [(e.type, e.x, e.y) for e in map(path.elementAt, range(path.elementCount()))] == \
           [(e.type, e.x, e.y) for e in map(want.elementAt, range(want.elementCount()))]
    finite = np.isfinite(x) & np.isfinite(y)
    if finite.any():
        assert bounds == (x[finite].min(), x[finite].max(), y[finite].min(), y[finite].max())
    else:
        assert bounds is None


def test_lines_set_together_mark_one_rectangle_and_leave_what_a_whole_repaint_gives(qtbot):
    """`set_many` (a chart's newest points, all racers at once) marks one rectangle around what every line
    covered before and covers now; frame after frame, the screen holds what painting everything afresh holds."""
    from PySide6.QtCore import QPointF, QRectF

    from app.widgets.polylines import Polylines

    widget = shown_plot(qtbot, 420, 320)
    layer = Polylines(["a", "b", "c"])
    widget.getPlotItem().addItem(layer)
    for key, color in zip("abc", ("r", "g", "b"), strict=True):
        layer.set_pen(key, pg.mkPen(color, width=3))
    marked = []
    real_update = layer.update
    layer.update = lambda *rect: (marked.append(rect), real_update(*rect))
    rng = np.random.default_rng(11)
    app = QApplication.instance()
    for frame in range(30):
        lines = []
        for key in "abc":
            n = int(rng.integers(0, 60))
            start = rng.uniform(-0.8, 0.4, size=2)
            lines.append((key, start[0] + np.linspace(0, 0.4, n), start[1] + rng.normal(size=n) * 0.1))
        before = [layer._lines[k].bounds for k in "abc"]
        marked.clear()
        layer.set_many(lines)
        after = [layer._lines[k].bounds for k in "abc"]
        assert len(marked) <= 1
        boxes = [b for b in before + after if b is not None]
        if boxes:
            (rect,) = marked[0]
            assert isinstance(rect, QRectF)
            for xmin, xmax, ymin, ymax in boxes:
                assert rect.contains(QPointF(xmin, ymin)) and rect.contains(QPointF(xmax, ymax))
        for key, x, _y in lines:
            np.testing.assert_array_equal(layer.data(key)[0], x)
        app.processEvents()
        if frame % 10 == 9:
            assert widget.viewport().grab().toImage() == _repainted_whole(widget), f"stale pixels after {frame}"


def test_a_chart_shown_all_at_once_draws_what_showing_each_curve_draws(qtbot):
    """Charts.show_all (what a frame does) gives every curve the points Charts.show gives it alone, the same y
    range, and hands the newest points of all of them to the live layer in one call."""
    from app.landscape.model import racers
    from app.landscape.views.charts import Charts

    together, apart = Charts(), Charts()
    for charts in (together, apart):
        qtbot.addWidget(charts)
        charts.resize(900, 200)
        charts.set_x_range(6000)
    calls = []
    live = together._live["loss"]
    real_set_many = live.set_many
    live.set_many = lambda lines: (calls.append(len(lines)), real_set_many(lines))
    rng = np.random.default_rng(5)
    series = {m: np.exp(-np.linspace(0, 3 + i, 5000)) * (1 + rng.random(5000)) for i, m in enumerate(racers())}
    series[racers()[2]][100:140] = np.nan
    for n in (50, 800, 2000, 2050, 5000):
        x = np.arange(n, dtype=float)
        calls.clear()
        together.show_all("loss", [(m, x, s[:n]) for m, s in series.items()])
        for m, s in series.items():
            apart.show("loss", m, x, s[:n])
        assert calls == [len(series)]
        for m in series:
            for got, want in zip(together.drawn("loss", m), apart.drawn("loss", m), strict=True):
                np.testing.assert_array_equal(got, want)
        assert together._ylim["loss"] == apart._ylim["loss"] is not None
    hidden = racers()[0]
    together.show_all("loss", [(hidden, np.arange(3.0), None)])
    assert len(together.drawn("loss", hidden)[0]) == 0 and hidden not in together._extent["loss"]


def test_a_scatter_remembers_its_bounds_until_its_points_or_the_view_change(qtbot):
    """BoundedScatter's bounding rect is pyqtgraph's, worked out once per change of its points, symbol size or
    view instead of at every repaint."""
    from app.widgets.plots import BoundedScatter

    widget = shown_plot(qtbot, 300, 300)
    plot = widget.getPlotItem()
    item = BoundedScatter(pxMode=True)
    plot.addItem(item)
    computed = []
    real = pg.ScatterPlotItem.boundingRect
    monkey = pytest.MonkeyPatch()
    monkey.setattr(pg.ScatterPlotItem, "boundingRect", lambda self: (computed.append(1), real(self))[1])
    try:
        def check(change):
            change()
            assert item.boundingRect() == real(item)
            count = len(computed)
            for _ in range(5):
                item.boundingRect()
            assert len(computed) == count  # remembered

        check(lambda: item.setData([0.1, 0.5], [0.2, -0.3], size=10))
        check(lambda: item.setData([-0.5], [0.7], size=10))
        check(lambda: item.setSize(30))
        check(lambda: plot.setRange(xRange=(-3, 3), yRange=(-3, 3), padding=0))
        check(lambda: item.clear())
    finally:
        monkey.undo()


def test_an_aid_is_drawn_once_per_change_not_again_when_a_marker_passes_over_it(qtbot):
    """The aids change at most ten times a second while racers' markers move over them every frame: the overlay is
    cached, so the repaints a passing marker causes copy it; showing the same parts again draws nothing, and a
    change is drawn once, with nothing left behind of what was there before."""
    from PySide6.QtGui import QFont

    from app.widgets.marker import Marker
    from app.widgets.overlay import Head, Line, Note, Overlay

    widget = shown_plot(qtbot, 400, 400)
    plot = widget.getPlotItem()
    overlay = Overlay()
    plot.addItem(overlay, ignoreBounds=True)
    pen, font = pg.mkPen("#d00000", width=3), QFont()

    def arrow(x0, y0, x1, y1):
        return [Line("a", pen, (x0, x1), (y0, y1)), Head("a.head", x0, y0, x1, y1, 16, "#d00000"),
                Note("a.label", x1, y1, "−∇f", font, "#d00000", anchor=(0, 1))]

    marker = Marker("o", 12, pg.mkPen("k"), pg.mkBrush("y"))
    plot.addItem(marker, ignoreBounds=True)
    app = QApplication.instance()
    overlay.set_parts(arrow(-0.5, 0.0, 0.5, 0.0))
    app.processEvents()
    drawn = overlay.paints
    assert drawn
    for x in np.linspace(-0.6, 0.6, 15):  # over the shaft, the head and the label
        marker.place((x, 0.0))
        app.processEvents()
    overlay.set_parts(arrow(-0.5, 0.0, 0.5, 0.0))  # the same parts: nothing to draw
    app.processEvents()
    assert overlay.paints == drawn  # copied, not drawn again
    shown, whole = _ink(widget.viewport().grab().toImage()), _ink(_repainted_whole(widget))
    assert _within(shown, whole, 1) and _within(whole, shown, 1)  # the arrow whole, and nothing left behind
    drawn = overlay.paints  # (the whole repaint painted it)
    overlay.set_parts(arrow(-0.5, 0.1, 0.3, 0.4))
    app.processEvents()
    assert overlay.paints > drawn  # a change is drawn
    shown, whole = _ink(widget.viewport().grab().toImage()), _ink(_repainted_whole(widget))
    assert _within(shown, whole, 1) and _within(whole, shown, 1)  # no trace of the arrow before
    plot.getViewBox().setRange(xRange=(-2, 2), yRange=(-1.5, 2.5), padding=0)  # a zoom and a pan: the head and
    app.processEvents()  # the label keep their size in pixels about the arrow's new place on screen
    shown, whole = _ink(widget.viewport().grab().toImage()), _ink(_repainted_whole(widget))
    assert _within(shown, whole, 1) and _within(whole, shown, 1)
    overlay.clear()  # the aids turned off: nothing left
    app.processEvents()
    assert not _ink(widget.viewport().grab().toImage()).any()


def test_a_trail_and_its_halo_share_one_path_and_far_points_still_leave_gaps(qtbot):
    """The live layer gets a racer's trail and halo in one call, through one path; the quick test that every point
    is near the view gives what the exact one gives (points beyond FAR view widths, or not finite, are gaps)."""
    from app import theme
    from app.widgets.trails import FAR, Trails
    from core.methods import keys

    widget = shown_plot(qtbot, 300, 300)
    trails = Trails(widget.getPlotItem())
    method = next(m for m in keys() if theme.racer_halo(m))
    points = np.cumsum(np.random.default_rng(4).normal(size=(300, 2)) * 0.01, axis=0)
    trails.show(method, points)
    live = trails.live._lines
    assert live[("trail", method)].pieces[0][2] is live[("halo", method)].pieces[0][2]
    np.testing.assert_array_equal(trails.live.data(("halo", method))[0], trails.live.data(("trail", method))[0])

    box = (90.0, 110.0, -7.0, -3.0)  # centred far from 0 on x, near it on y
    trails.set_box(box)
    reach = FAR * 20.0
    for case in ("near", "far x", "far y", "nan", "inf"):
        p = np.column_stack([np.linspace(80, 120, 50), np.linspace(-8, -2, 50)])
        if case == "far x":
            p[3, 0] = 100 + 1.01 * reach
        elif case == "far y":
            p[7, 1] = -5 - 1.01 * reach
        elif case == "nan":
            p[9] = np.nan
        elif case == "inf":
            p[11, 0] = -np.inf
        with np.errstate(invalid="ignore"):
            near = (np.abs(p[:, 0] - 100) < reach) & (np.abs(p[:, 1] + 5) < reach)
        want = p if near.all() else np.where(near[:, None], p, np.nan)
        assert np.array_equal(trails._drawable(p), want, equal_nan=True), case
        assert (case == "near") == bool(near.all())


def test_a_translucent_halo_drawn_in_pieces_is_no_darker_where_they_meet_than_drawn_whole(qtbot):
    """A settled trail is painted piece by piece, each piece starting at the last one's end. The trails' pens end
    flat, so where two pieces meet nothing is painted twice: a translucent halo shows no darker dot there."""
    from app import theme
    from app.widgets.polylines import Polylines
    from app.widgets.trails import TAIL, Trails
    from core.methods import keys

    method = next(m for m in keys() if theme.racer_halo(m))
    probe = shown_plot(qtbot, 100, 100)
    pen = Trails(probe.getPlotItem()).settled_halos.pen(("halo", method))
    assert pen.color().alpha() < 255  # translucent: overlaps would show
    t = np.linspace(0, 3, 12 * TAIL + 1)
    x, y = 0.8 * np.cos(t) * (1 - t / 4), 0.8 * np.sin(t) * (1 - t / 4)

    def drawn(in_pieces):
        widget = shown_plot(qtbot, 400, 400)
        widget.setBackground("w")
        layer = Polylines(["h"], settled=True)
        widget.getPlotItem().addItem(layer)
        layer.set_pen("h", pen)
        if in_pieces:
            layer.set_data("h", x[:TAIL + 1], y[:TAIL + 1])
            for start in range(TAIL, len(x) - 1, TAIL):
                QApplication.instance().processEvents()
                layer.extend("h", x[start:start + TAIL + 1], y[start:start + TAIL + 1])
            assert layer.painted > 10
        else:
            layer.set_data("h", x, y)
        QApplication.instance().processEvents()
        image = widget.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
        pixels = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.width(), 4)
        return pixels[..., :3].astype(int)

    whole, pieces = drawn(False), drawn(True)
    assert (whole < 200).any()  # the halo is there
    darker = (whole - pieces).max(axis=2) > 10
    assert darker.sum() <= 3, f"{darker.sum()} pixels darker where pieces meet"


def test_a_cached_scatter_shows_the_points_a_pan_brings_into_view(qtbot):
    """pyqtgraph draws only a pixel-mode scatter's points inside the view; a pan moves a cached picture, so a
    BoundedScatter is drawn afresh when the view changes, and points panned into view appear at once."""
    from app.widgets.plots import BoundedScatter, cache_on_device

    widget = shown_plot(qtbot, 300, 300)
    plot = widget.getPlotItem()
    item = BoundedScatter(pxMode=True)
    cache_on_device(item)
    plot.addItem(item)
    # x = −1.1 lies left of the view, under the left axis: inside the widget (and Qt's cached picture) but not drawn
    item.setData([0.0, -1.1], [0.0, 0.5], size=12, brush=pg.mkBrush("r"), pen=pg.mkPen("r"))
    app = QApplication.instance()
    app.processEvents()
    before = _ink(widget.viewport().grab().toImage()).sum()
    for step in range(1, 5):  # a drag to the left, in steps
        plot.setRange(xRange=(-1 - 0.1 * step, 1 - 0.1 * step), yRange=(-1, 1), padding=0)
        app.processEvents()
    shown = _ink(widget.viewport().grab().toImage())
    whole = _ink(_repainted_whole(widget))
    assert whole.sum() > 1.5 * before  # the point at x = −1.1 came into view
    assert _within(shown, whole, 1) and _within(whole, shown, 1)


def test_a_wide_line_traced_with_a_thin_pen_covers_what_the_wide_pen_strokes(qtbot, monkeypatch):
    """An opaque solid 3-pixel pen is drawn as a 1-pixel line at the offsets of a 3×3 square (Qt strokes
    wide lines as polygons, several times slower): level and steep lines cover the wide stroke's pixels, a
    diagonal a little more, a line grown piece by piece what it covers drawn whole; translucent, dashed or wider
    pens (and 2-pixel ones, whose second pixel's side depends on where the line lies within its pixel), and short
    lines, are stroked as they are."""
    from PySide6.QtCore import Qt

    from app.widgets import polylines
    from app.widgets.polylines import Polylines, tracing

    assert len(tracing(pg.mkPen("#d00000", width=3))[1]) == 9 and tracing(pg.mkPen("#d00000", width=2)) is None
    assert tracing(pg.mkPen((208, 0, 0, 170), width=3)) is None  # the passes would darken where they overlap
    assert tracing(pg.mkPen("#d00000", width=3, style=Qt.PenStyle.DashLine)) is None
    assert tracing(pg.mkPen("#d00000", width=4)) is None and tracing(pg.mkPen("#d00000", width=1)) is None
    def picture(trace_from, width, xs, ys, pieces=1):
        monkeypatch.setattr(polylines, "TRACE_FROM", trace_from)
        widget = shown_plot(qtbot, 300, 300)
        layer = Polylines([0], settled=True)
        widget.getPlotItem().addItem(layer)
        layer.set_pen(0, pg.mkPen("#d00000", width=width))
        cuts = np.linspace(0, len(xs) - 1, pieces + 1).astype(int)
        layer.set_data(0, xs[: cuts[1] + 1], ys[: cuts[1] + 1])
        for a, b in itertools.pairwise(cuts[1:]):
            QApplication.instance().processEvents()  # painted, so the next piece is painted onto its picture
            layer.extend(0, xs[a: b + 1], ys[a: b + 1])
        QApplication.instance().processEvents()
        return _ink(widget.viewport().grab().toImage())

    t = np.linspace(-0.8, 0.8, 300)
    for xs, ys in ((t, 0 * t + 0.1), (0 * t - 0.1, t), (t, 0 * t - 0.37), (0 * t + 0.23, t)):  # level, steep
        stroked = picture(10**9, 3, xs, ys)
        assert stroked.sum() > 450  # a wide line across the plot
        assert np.array_equal(picture(0, 3, xs, ys), stroked)  # the same pixels
    stroked, traced = picture(10**9, 3, t, 0.9 * t), picture(0, 3, t, 0.9 * t)  # a diagonal: a little bolder
    assert _within(stroked, traced, 1) and _within(traced, stroked, 1)  # (the caps at its ends lie along it)
    assert stroked.sum() <= traced.sum() <= 1.25 * stroked.sum()
    rng = np.random.default_rng(3)
    walk = np.clip(np.cumsum(rng.standard_normal(400)) / 15, -0.9, 0.9)
    x = np.linspace(-0.9, 0.9, 400)
    whole = picture(0, 3, x, walk)
    assert np.array_equal(picture(0, 3, x, walk, pieces=8), whole)  # new pieces painted onto the picture alike
    assert picture(401, 3, x, walk).sum() < whole.sum()  # a short line is stroked by the wide pen

    class Counting(QPainter):
        paths = 0

        def drawPath(self, path):  # noqa: N802 (Qt's name)
            self.paths += 1
            super().drawPath(path)

    monkeypatch.setattr(polylines, "TRACE_FROM", 200)
    line = polylines._Line(pg.mkPen("#d00000", width=3))
    piece = pg.arrayToQPath(np.arange(10.0), np.arange(10.0))
    image = QImage(50, 50, QImage.Format.Format_ARGB32_Premultiplied)
    for points, paths in ((400, 9), (150, 1)):  # a piece of a long line is traced, of a short one stroked
        line.points = points
        painter = Counting(image)
        polylines._stroke(painter, line, [piece], False)
        painter.end()
        assert painter.paths == paths, points


def test_arrow_labels_sit_past_their_tips_and_step_aside_from_each_other(qtbot):
    """At a race's start the gradient, the velocity and the step point the same way from nearly one point: their
    labels were drawn over each other ("−∇f−v" in one blot). Each label now lies past its arrow's tip, on the far
    side from its tail, and one that would cover a label placed before it (or another arrow's head) steps aside; a
    label with room stays where it was put, one at the view's edge is moved inside it, and a note with an anchor
    stays at its anchor."""
    from PySide6.QtGui import QFont

    from app.widgets.overlay import NOTE_PAD, Head, Line, Note, Overlay

    widget = shown_plot(qtbot, 400, 400)
    overlay = Overlay()
    widget.getPlotItem().addItem(overlay, ignoreBounds=True)
    QApplication.instance().processEvents()  # the view laid out: 200 pixels a unit
    font = QFont()
    font.setPixelSize(20)

    def arrow(name, x0, y0, x1, y1, text):
        pen = pg.mkPen("#d00000", width=3)
        return [Line(name, pen, (x0, x1), (y0, y1)), Head(f"{name}.head", x0, y0, x1, y1, 16, "#d00000"),
                Note(f"{name}.label", x1, y1, text, font, "#d00000", away=(x0, y0))]

    parts = (arrow("gradient", 0.0, 0.0, 0.20, 0.0, "−∇f") + arrow("velocity", 0.0, 0.0, 0.22, 0.0, "−v")
             + arrow("step", -0.02, 0.0, 0.0, 0.0, "Δθ") + [Note("fixed", 0.5, 0.5, "λ = 1", font, "#000")])
    overlay.set_parts(parts)
    rects = {n: overlay.note_rect(f"{n}.label") for n in ("gradient", "velocity", "step")}
    inset = (NOTE_PAD - 1) / 200  # the texts, within their boxes' padding (200 pixels a unit)
    for (a, ra), (b, rb) in itertools.combinations(rects.items(), 2):
        assert not ra.adjusted(inset, inset, -inset, -inset).intersects(rb.adjusted(inset, inset, -inset, -inset)), \
            (a, ra, b, rb)
    assert rects["gradient"].left() > 0.20  # past its tip (rightward arrows: to the right of it)
    assert rects["velocity"].left() > 0.22
    assert rects["step"].left() > 0.0
    fixed = overlay.note_rect("fixed")  # anchored at its top left, as before: y grows upward here
    assert fixed.left() == pytest.approx(0.5) and fixed.bottom() == pytest.approx(0.5)

    overlay.set_parts(arrow("up", 0.0, 0.0, 0.0, 0.4, "−∇f"))  # a lone arrow: just past its tip, centred on it
    up = overlay.note_rect("up.label")
    assert up.top() > 0.4 and up.center().x() == pytest.approx(0.0, abs=0.01)
    assert up.top() - 0.4 < up.height() / 2  # beside the tip, not stepped aside

    overlay.set_parts(arrow("left", 0.0, 0.0, -0.5, 0.0, "−v"))  # pointing left: the label ends left of the tip
    left = overlay.note_rect("left.label")
    assert left.right() < -0.5 and left.center().y() == pytest.approx(0.0, abs=0.01)

    overlay.set_parts(arrow("edge", 0.0, 0.0, 0.0, 0.95, "−v"))  # ending at the top edge: moved in, not cut off
    edge = overlay.note_rect("edge.label")
    assert edge.top() >= -1.0 and edge.bottom() <= 1.0 + 1e-9, edge
    overlay.set_parts(arrow("corner", 0.0, 0.0, 0.97, -0.97, "−∇f"))
    corner = overlay.note_rect("corner.label")
    assert corner.top() >= -1.0 - 1e-9 and corner.right() <= 1.0 + 1e-9, corner
