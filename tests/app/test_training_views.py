"""Small pieces of the Training tab: view ranges that move in coarse steps, settings parsing, labels, colours."""
import itertools
import types

import numpy as np
import pyqtgraph as pg
import pytest

from app.theme import racer_color
from app.training.options import describe, parse_hidden, racer_colors, training_specs
from app.training.runlog import change_label
from app.widgets.plots import DecadeAxis, Follower, decade_range, nice_ceiling


@pytest.mark.parametrize("value, expected", [(0.7, 0.8), (1.0, 1.0), (1.01, 1.5), (2.4, 3.0), (9.0, 10.0),
                                             (101, 150), (1234, 1500), (0, 1.0), (float("nan"), 1.0)])
def test_nice_ceiling_steps(value, expected):
    assert nice_ceiling(value) == pytest.approx(expected)


def test_a_growing_curve_moves_the_axis_only_a_few_times_per_decade():
    tops = {nice_ceiling(x) for x in range(1, 10001)}
    assert len(tops) <= 4 * 9 + 1


def test_decade_range_spans_whole_decades():
    assert decade_range(3e-4, 2e-2) == (-4, -1)
    assert decade_range(0.5, 0.6) == (-1, 0)  # at least one decade


def test_follower_stops_after_the_user_moves_the_view_and_resumes_on_request(qtbot):
    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    item = plot.getPlotItem()
    follower = Follower(item)
    follower.show((0, 100), (0, 3))
    assert item.getViewBox().viewRange()[0] == pytest.approx([0, 100])
    item.getViewBox().sigRangeChangedManually.emit([True, True])
    follower.show((0, 200), (0, 3))
    assert item.getViewBox().viewRange()[0] == pytest.approx([0, 100])  # the user's zoom is kept
    follower.resume()
    follower.show((0, 200), (0, 3))
    assert item.getViewBox().viewRange()[0] == pytest.approx([0, 200])


def test_log_axis_labels_decades_when_there_are_several(qtbot):
    for minor in (True, False):
        axis = DecadeAxis("left", minor_labels=minor)
        axis.setLogMode(False, True)
        values = list(np.log10([0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1]))
        strings = axis.tickStrings(values, 1.0, 1.0)
        assert [s != "" for s in strings] == [True, False, False, True, False, False, True]
    one_decade = list(np.log10([0.01, 0.02, 0.03, 0.05, 0.07]))
    shown = [s != "" for s in DecadeAxis("left", minor_labels=True).logTickStrings(one_decade, 1.0, 1.0)]
    assert shown == [True, True, False, True, False]  # 1, 2 and 5 within one decade
    shown = [s != "" for s in DecadeAxis("left").logTickStrings(one_decade, 1.0, 1.0)]
    assert shown == [True, False, False, False, False]  # decades only


def test_a_log_axis_draws_minor_ticks_only_where_a_decade_has_room_for_them(qtbot):
    """Over a dozen decades on a short chart the 2…9 ticks would be marks a pixel apart (a dark bar)."""
    axis = DecadeAxis("left")
    axis.setLogMode(False, True)
    wide = axis.tickValues(-10.0, 5.0, 100)  # 6.7 px a decade: labels every 5 decades, a mark at every one
    assert [spacing for spacing, _ in wide] == [5.0, None]
    assert sorted(v for _, values in wide for v in values) == [float(v) for v in range(-10, 6)]  # whole ones only
    assert axis.tickStrings(wide[1][1], 1.0, None) == [""] * 12  # the decades between labelled ones: marks only
    narrow = axis.tickValues(-1.0, 1.0, 100)  # 50 px a decade: the minor marks stay
    minor = [v for _, values in narrow for v in values if not float(v).is_integer()]
    assert len(minor) == 16 and np.allclose(sorted(minor)[:8], np.log10(np.arange(2, 10)) - 1)


@pytest.mark.parametrize("low, high", [(0.0, float("nan")), (float("nan"), 1.0), (0.0, float("inf"))])
def test_an_axis_given_a_range_that_is_not_finite_gives_no_ticks_and_raises_nothing(qtbot, low, high):
    for side in ("bottom", "left"):
        axis = DecadeAxis(side)
        assert axis.tickSpacing(low, high, 150) == pg.AxisItem(side).tickSpacing(low, high, 150)
        assert axis.tickValues(low, high, 150) == []  # (pyqtgraph's own raise on these)
        axis.setLogMode(*((True, False) if side == "bottom" else (False, True)))
        assert axis.tickValues(low, high, 150) == []


@pytest.mark.parametrize("high", [5000.0, 51000.0, 61000.0, 102000.0])
def test_a_short_vertical_axis_widens_in_one_two_five_steps_with_labels_a_line_and_a_half_apart(qtbot, high):
    """Only a horizontal axis tries the finer 3 or 2.5 × 10ᵏ steps: a vertical one's labels sit beside it."""
    from PySide6.QtGui import QFont, QFontMetrics

    font = QFont()
    font.setPixelSize(20)
    axis = DecadeAxis("left")
    axis.setStyle(tickFont=font)
    levels = axis.tickSpacing(-0.02 * high, high, 120)
    (spacing, _offset), = levels
    assert f"{spacing:e}"[0] in "125"
    assert 120 * spacing / (1.02 * high) >= 1.5 * QFontMetrics(font).height()
    finer = spacing / (2.5 if f"{spacing:e}"[0] == "5" else 2.0)  # the 1-2-5 step before it
    assert 120 * finer / (1.02 * high) < 1.5 * QFontMetrics(font).height()  # the densest that keeps them apart


@pytest.mark.parametrize("right", [5000.0, 15000.0, 50000.0, 60000.0, 100000.0, 150000.0])
def test_a_narrow_axis_labels_some_tick_inside_and_no_two_labels_touch(qtbot, right):
    """A projector's chart at 1024×768 has a 150-px x axis in 20-px digits: a level widened until its labels are
    apart may put its ticks only at the ends (0 and 50,000 from −1,000 to 51,000), where no label fits; a finer
    step then labels a tick inside."""
    import pyqtgraph as pg
    from PySide6.QtGui import QFont, QImage, QPainter
    from PySide6.QtWidgets import QApplication

    widget = pg.PlotWidget(axisItems={"bottom": DecadeAxis("bottom")})
    qtbot.addWidget(widget)
    font = QFont()
    font.setPixelSize(20)
    axis = widget.getPlotItem().getAxis("bottom")
    axis.setStyle(tickFont=font)
    widget.resize(190, 160)
    widget.show()
    qtbot.waitExposed(widget)
    widget.getPlotItem().setXRange(0, right, padding=0.02)
    QApplication.processEvents()
    assert 120 <= axis.geometry().width() <= 180, axis.geometry().width()
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    for _ in range(2):  # the first pass grows the axis to its labels' height (as its first paint does)
        painter = QPainter(image)
        try:
            texts = axis.generateDrawSpecs(painter)[2]
        finally:
            painter.end()
        QApplication.processEvents()
    rects = sorted((rect for rect, _flags, _text in texts), key=lambda r: r.left())
    assert rects, "no label on the axis"
    bounds = axis.boundingRect()
    for rect in rects:
        assert bounds.left() <= rect.left() and rect.right() <= bounds.right()
    for left, right_rect in itertools.pairwise(rects):
        assert left.right() < right_rect.left()


def test_hidden_sizes_are_parsed_or_explained():
    assert parse_hidden("100, 100,100,100") == (100, 100, 100, 100)
    assert parse_hidden("  ") == ()
    assert parse_hidden("50,") == (50,)
    with pytest.raises(ValueError, match="layer 2: 'x' is not a whole number"):
        parse_hidden("10,x")
    with pytest.raises(ValueError, match="layer 1: 0 units"):
        parse_hidden("0")
    with pytest.raises(ValueError, match="at most 20"):
        parse_hidden(",".join(["10"] * 21))


def test_training_specs_allow_a_huge_learning_rate_and_hide_maximize():
    for method in ("sgd", "adam"):
        specs = {s.name: s for s in training_specs(method)}
        assert specs["lr"].max == 1e6 and "maximize" not in specs


def test_race_entries_are_described_and_coloured_apart():
    assert describe({"name": "adam", "lr": 1e-3, "beta1": 0.9}) == "Adam · lr 1e-3"
    assert describe({"name": "sgd", "lr": 0.05, "momentum": 0.5}) == "SGD · lr 0.05, momentum 0.5"
    colors = racer_colors([{"name": "sgd"}, {"name": "adam"}, {"name": "sgd"}])
    assert colors[0] == racer_color("sgd") and colors[1] == racer_color("adam")
    assert len(set(colors)) == 3


def test_marker_labels_name_the_change():
    switch = types.SimpleNamespace(kind="switch", before={"name": "sgd", "lr": 0.01},
                                   after={"name": "adam", "lr": 0.001}, message="")
    assert change_label(switch) == "SGD → Adam (lr 1e-3)"
    change = types.SimpleNamespace(kind="hparams", before={"lr": 0.01, "momentum": 0.0},
                                   after={"lr": 0.1, "momentum": 0.9}, message="")
    assert change_label(change) == "lr 0.01 → 0.1, momentum 0 → 0.9"


def test_histogram_ranges_stay_while_the_data_fill_them_well():
    from app.training.views.diagnostics import settled
    assert settled((-2.0, 4.0), (-1.5, 3.0)) == (-2.0, 4.0)  # inside and more than half as wide: kept
    assert settled((-2.0, 4.0), (-0.5, 1.5)) == (-0.5, 1.5)  # much narrower: the axes follow
    assert settled((-2.0, 4.0), (-2.0, 5.0)) == (-2.0, 5.0)  # outside: the axes follow
    assert settled(None, (0.0, 1.0)) == (0.0, 1.0)


def test_status_line_shows_new_text_without_asking_for_a_new_layout(qtbot):
    from app.training.panels.pages import StatusLine
    line = StatusLine("start")
    qtbot.addWidget(line)
    line.show()
    height = line.sizeHint().height()
    line.setText("running · iteration 1,234 · loss 0.31")
    assert line.text() == "running · iteration 1,234 · loss 0.31"
    assert line.sizeHint().height() == height
    assert line.sizePolicy().horizontalPolicy() == line.sizePolicy().Policy.Ignored


def test_diagnostics_are_drawn_only_while_their_page_is_shown(qtbot):
    from app.training.views.diagnostics import DiagnosticsPanel
    panel = DiagnosticsPanel()
    qtbot.addWidget(panel)
    drawn = []
    panel.histograms.show_layers = lambda layers, original=panel.histograms.show_layers: (
        drawn.append(len(layers)), original(layers))
    layer = types.SimpleNamespace(name="hidden 1", activation="relu", mean=0.3, std=0.4, dead_fraction=0.1,
                                  saturated_fraction=None, update_ratio=1e-3, grad_norm=0.5,
                                  hist_edges=np.linspace(0.0, 2.0, 11), hist_counts=np.arange(10.0))
    logits = types.SimpleNamespace(**{**vars(layer), "name": "output", "activation": "logits", "dead_fraction": None})
    panel.show_diagnostics(types.SimpleNamespace(iteration=10, layers=(layer, logits)))
    qtbot.wait(20)  # let any (wrongly) scheduled draw run
    assert drawn == [] and panel.iteration == 10  # hidden: recorded, not drawn
    panel.show()
    qtbot.waitUntil(lambda: drawn == [1])
    assert "iteration 10" in panel.stats.text()
    panel.show_diagnostics(types.SimpleNamespace(iteration=20, layers=(layer, logits)))
    qtbot.waitUntil(lambda: drawn == [1, 1])  # shown: drawn on its own timer


def test_diagnostics_stay_readable_at_any_depth():
    from app.training.views.diagnostics import layer_color, tick_name

    for n in (4, 8, 12, 20):
        colors = [layer_color(i, n) for i in range(n)]
        assert len(set(colors)) == n  # no colour repeats, however deep the network
    assert tick_name("hidden 11", 12) == "11" and tick_name("hidden 3", 4) == "hidden 3"  # short ticks when many


def test_the_accuracy_legend_is_left_out_when_it_would_not_fit_its_short_chart(qtbot):
    """Four racing runs in a short accuracy chart: a legend there lost its top row over the edge and covered the
    curves (the loss chart above names the same runs in the same colours)."""
    from app.training.views.charts import AccuracyChart
    from app.training.views.record import Record

    chart = AccuracyChart()
    qtbot.addWidget(chart.plot)
    chart.plot.resize(600, 420)
    chart.plot.show()
    qtbot.waitExposed(chart.plot)
    for i, name in enumerate(("SGD", "Momentum", "AdaGrad", "Adam")):
        chart.add(Record(f"r{i}", name, "#1f77b4"))
    qtbot.waitUntil(lambda: chart.legend.isVisible())  # tall enough: the key is there
    chart.plot.resize(600, 170)
    qtbot.waitUntil(lambda: not chart.legend.isVisible())  # too short: left out, not cut
    chart.plot.resize(600, 420)
    qtbot.waitUntil(lambda: chart.legend.isVisible())
