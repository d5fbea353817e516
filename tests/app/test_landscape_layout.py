"""The Landscape tab's layout stays usable on a projector: equal charts, a wide timeline, readable log ticks."""
import pytest
from PySide6.QtCore import QRect, Qt

from app.landscape.views.charts import CHARTS


def drawn(tab):
    """The tab after the redraw it asked for (redraws are coalesced into one per frame)."""
    tab.controller.player.frames.flush()
    return tab


TAB_SIZE = (1460, 860)  # the `tab` fixture's size (tests/app/conftest.py)


def chart_widths(tab):
    return [drawn(tab).charts.plots[name].geometry().width() for name in CHARTS]


@pytest.mark.parametrize("presentation", [False, True])
def test_charts_share_the_row_equally_and_the_timeline_stays_wide(tab, qtbot, presentation):
    tab.set_presentation(presentation)
    qtbot.waitUntil(lambda: min(chart_widths(tab)) > 0)
    qtbot.waitUntil(lambda: max(chart_widths(tab)) <= 1.2 * min(chart_widths(tab)))
    assert drawn(tab).playback.timeline.width() >= 200
    assert drawn(tab).playback.timeline.isVisible()
    if presentation:
        # titles, ticks and the axis label fit at 20+ px, with a curve's room (the surface gets the rest first)
        assert drawn(tab).charts.height() >= 140
        assert all(p.getViewBox().height() >= 30 for p in tab.charts.plots.values())
        assert tab.view.width() > tab.side.width()  # the surface gets the larger share


def labelled_ticks(axis, lo, hi):
    return [v for _spacing, values in axis.tickValues(lo, hi, 60) for v in values
            if axis.tickStrings([v], 1.0, 1.0)[0].strip()]


def test_log_axes_label_only_whole_decades_when_the_range_is_tiny(tab):
    plot = drawn(tab).charts.plots["grad_norm"]  # at step 0 every racer has one gradient norm: a one-decade range
    lo, hi = plot.viewRange()[1]
    assert hi - lo >= 1.0
    labelled = labelled_ticks(plot.getAxis("left"), lo, hi)
    assert len(labelled) >= 1 and all(abs(v - round(v)) < 1e-9 for v in labelled)
    axis = drawn(tab).charts.plots["distance"].getAxis("left")
    assert all(abs(v - round(v)) < 1e-9 for v in labelled_ticks(axis, 0.0, 0.9))


def test_at_1280_by_720_in_projector_mode_the_surface_gets_about_half_the_height(qtbot):
    """A projector's most common screen: the lesson is two lines at most, the charts yield, the surface is the
    largest thing on screen and the playback bar stays on it."""
    from app.main import build_parser, create_window

    window = create_window(build_parser().parse_args(["--presentation"]))
    qtbot.addWidget(window)
    window.show()
    window.resize(1280, 720)
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.height() == 720)
    tab = window.tab("landscape")
    qtbot.waitUntil(lambda: tab.view.height() >= 0.45 * 720, timeout=3000)
    assert tab.view.height() > tab.controller.v.charts.height()
    bottom = tab.playback.mapTo(window, tab.playback.rect().bottomLeft()).y()
    assert bottom <= window.height()  # the playback bar is on screen
    lesson, metrics = tab.picker.lesson, tab.picker.lesson.fontMetrics()
    two_lines = metrics.lineSpacing() + metrics.height()
    assert lesson.height() <= two_lines + 6 and lesson.toolTip()  # all of it on hover
    shown = metrics.boundingRect(QRect(0, 0, lesson.width(), 10_000), int(Qt.TextFlag.TextWordWrap), lesson.text())
    assert shown.height() > metrics.height()  # two lines of it shown, not one
    assert lesson.text().endswith("…") and len(lesson.text()) < len(lesson.toolTip())
    window.close()


def test_a_plot_wider_than_the_heatmap_is_filled_sideways_never_left_white(tab, qtbot):
    """Pictures only (F9) on a wide projector: the aspect-locked surface shows far more x than its view."""
    tab.controller.set_surface("saddle")
    levels = tab.view.heat.levels
    tab.set_pictures_only(True)
    tab.resize(2400, 600)

    def covered():
        x0, x1, _, _ = tab.view.visible_box()
        rect = tab.view.image.mapRectToParent(tab.view.image.boundingRect())
        return rect.left() <= x0 and rect.right() >= x1

    qtbot.waitUntil(covered, timeout=3000)
    assert tab.view.heat.levels == pytest.approx(levels, rel=0.02)  # the colours still scale to the surface's own view
    tab.set_pictures_only(False)
