"""Every tab fits the screens lecturers meet: 1280×720 and 1024×768 projectors (projector mode) and a 1600×1000
laptop (normal mode): no sideways scrolling, no hidden tabs, and the main picture is the largest thing on screen."""
import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QAbstractButton, QLabel, QPushButton, QScrollBar, QTabBar, QWidget

from app.main import build_parser, create_window
from app.widgets.wraprow import WrapRow

SCREENS = [("projector", 1280, 720), ("projector", 1024, 768), ("normal", 1600, 1000), ("normal", 1024, 768)]


def open_window(qtbot, key, mode, width, height):
    args = ["--tab", key] + (["--presentation"] if mode == "projector" else [])
    window = create_window(build_parser().parse_args(args))
    qtbot.addWidget(window)
    window.show()
    window.resize(width, height)
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == (width, height))
    return window


def main_picture(window, key):
    tab = window.tab(key)
    return tab.view if key == "landscape" else tab.curves.loss.plot


def shown(widget):
    return widget.isVisible() and widget.width() > 0 and widget.height() > 0


@pytest.mark.parametrize(("mode", "width", "height"), SCREENS, ids=[f"{m}-{w}x{h}" for m, w, h in SCREENS])
@pytest.mark.parametrize("key", ["landscape", "training"])
def test_the_tab_fits_the_screen_and_its_main_picture_is_the_largest(qtbot, key, mode, width, height):
    window = open_window(qtbot, key, mode, width, height)
    picture = main_picture(window, key)
    qtbot.waitUntil(lambda: picture.height() >= 0.43 * height, timeout=3000)  # about half the window's height
    views = [v for v in window.findChildren(pg.GraphicsView) if shown(v)]
    assert max(views, key=lambda v: v.width() * v.height()) is picture
    sideways = [b for b in window.findChildren(QScrollBar) if shown(b) and b.orientation().name == "Horizontal"
                and b.maximum() > 0]
    assert sideways == []
    for bar in (b for b in window.findChildren(QTabBar) if shown(b)):  # no tab hidden behind scroll arrows
        assert sum(bar.tabRect(i).width() for i in range(bar.count())) <= bar.width()
    right = window.mapToGlobal(window.rect().topRight()).x()
    for widget in (w for w in window.findChildren(QWidget) if shown(w) and w.window() is window):
        assert widget.mapToGlobal(widget.rect().topRight()).x() <= right + 1, type(widget).__name__
    if mode == "projector":
        small = [(type(w).__name__, getattr(w, "text", lambda: "")()[:30]) for w in window.findChildren(QWidget)
                 if isinstance(w, (QLabel, QAbstractButton, QTabBar)) and shown(w)
                 and (not isinstance(w, QLabel) or w.text().strip()) and QFontInfo(w.font()).pixelSize() < 20]
        assert small == []
    window.close()


def test_on_a_narrow_screen_the_curves_are_a_page_and_pictures_only_gives_them_their_column(qtbot):
    window = open_window(qtbot, "training", "projector", 1024, 768)
    tab = window.tab("training")
    assert tab.side.curves is tab.curves.widget and tab.side.page() == "curves"  # shown first
    tab.side.setCurrentWidget(tab.predictions)
    assert tab.side.page() == "predictions" and tab.controller.predictions_shown
    window.set_pictures_only(True)  # the settings column steps aside: room for the curves' own column
    qtbot.waitUntil(lambda: tab.side.curves is None)
    assert tab.columns.indexOf(tab.curves.widget) == 1 and tab.curves.widget.isVisible()
    assert tab.side.page() == "predictions" and tab.controller.predictions_shown  # the page shown stays shown
    assert tab.curves.loss.plot.width() > 0.45 * window.width()
    window.set_pictures_only(False)
    qtbot.waitUntil(lambda: tab.side.curves is tab.curves.widget)
    qtbot.waitUntil(lambda: tab.columns.sizes()[0] >= tab.controls_column.minimumWidth())  # it comes back
    window.set_pictures_only(True)
    window.set_pictures_only(False)  # and again, every time
    qtbot.waitUntil(lambda: tab.columns.sizes()[0] >= tab.controls_column.minimumWidth())
    window.close()


def test_the_accuracy_title_is_shortened_rather_than_cut(qtbot):
    window = open_window(qtbot, "training", "projector", 1024, 768)
    chart = window.tab("training").curves.accuracy
    label = chart.item.titleLabel
    qtbot.waitUntil(lambda: label.item.boundingRect().width() <= chart.plot.width())
    assert label.text != chart.title.titles[0] and chart.plot.toolTip() == chart.title.titles[0]
    window.resize(1600, 768)
    qtbot.waitUntil(lambda: label.text == chart.title.titles[0])  # room again: the whole title
    window.close()


def test_a_wrap_row_puts_groups_on_more_rows_as_it_narrows(qtbot):
    row = WrapRow()
    qtbot.addWidget(row)
    groups = [row.add_group(QPushButton("a" * 12), QPushButton("b" * 12)) for _ in range(3)]
    widest = max(g.sizeHint().width() for g in groups)
    assert row.minimumSizeHint().width() == max(g.minimumSizeHint().width() for g in groups)
    row.show()
    row.resize(3 * widest + 40, 80)
    qtbot.waitUntil(lambda: row.rows() == (3,))
    row.resize(2 * widest + 20, 80)
    qtbot.waitUntil(lambda: row.rows() == (2, 1))
    row.resize(widest, 80)
    qtbot.waitUntil(lambda: row.rows() == (1, 1, 1))
    assert all(g.isVisible() for g in groups)


def test_the_race_table_fits_a_1024_px_projector_and_the_histograms_use_projector_text(qtbot):
    window = open_window(qtbot, "training", "projector", 1024, 768)
    tab = window.tab("training")
    table = tab.race_panel.table
    table.set_racers([(f"r{i}", f"run {i}: Momentum → Adam", "#000000") for i in range(4)])
    for i in range(4):
        table.set_row(f"r{i}", 0.1234, 0.95, 3000, 12.3, "finished 3000 iterations, the last of a long run")
    tab.side.setCurrentWidget(tab.race_panel)
    qtbot.waitUntil(lambda: table.isVisible())
    assert table.horizontalScrollBar().maximum() == 0 or not table.horizontalScrollBar().isVisible()
    assert table.item(0, 5).toolTip().startswith("finished 3000")  # the elided status, whole on hover
    tab.diagnostics.histograms.prepare(4)
    tab.diagnostics.histograms.set_presentation(True)
    for plot in tab.diagnostics.histograms.plots:
        assert plot.getAxis("bottom").style["tickFont"].pixelSize() >= 20
    assert QFontInfo(table.horizontalHeader().font()).pixelSize() >= 20
    grid = tab.predictions.grid  # painted text: the digits' labels get cells big enough for 20 px
    grid.set_digits(np.zeros((48, 784), np.uint8), np.arange(48) % 10)
    tab.side.setCurrentWidget(tab.predictions)
    qtbot.waitUntil(lambda: grid.isVisible() and grid.height() > 100)
    _columns, count, cell = grid._layout()
    assert 0 < count < 48 and cell * 0.28 * 0.8 >= 20 and tab.predictions.confusion.min_text_px >= 20
    window.set_presentation(False)
    assert grid._layout()[1] == 48 and tab.predictions.confusion.min_text_px == 0  # normal mode: all of them
    window.close()
