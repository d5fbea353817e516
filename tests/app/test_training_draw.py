"""Drawing a digit with the mouse: the pad's ink is preprocessed like MNIST and the network answers live."""
import itertools

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from app.training import TrainingTab
from app.training.panels.drawpanel import DrawPanel
from core.data import Dataset, load_mnist
from core.data.drawing import center_of_mass

SEVEN = [(0.15, 0.10), (0.55, 0.12), (0.55, 0.14), (0.45, 0.40), (0.35, 0.70)]  # in the pad's top-left part


def draw(pad, points):
    """Press, move through `points` (fractions of the pad), release: real mouse events."""
    side = min(pad.width(), pad.height())
    pos = [QPoint(int(x * side), int(y * side)) for x, y in points]
    QTest.mousePress(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos[0])
    for a, b in itertools.pairwise(pos):
        for t in np.linspace(0, 1, 8)[1:]:
            QTest.mouseMove(pad, QPoint(int(a.x() + t * (b.x() - a.x())), int(a.y() + t * (b.y() - a.y()))))
    QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos[-1])


def _box(image):
    rows = np.flatnonzero(image.any(axis=1))
    cols = np.flatnonzero(image.any(axis=0))
    return rows[-1] + 1 - rows[0], cols[-1] + 1 - cols[0]


def test_a_drawn_stroke_is_centred_by_mass_and_scaled_to_20px(qtbot):
    panel = DrawPanel()
    qtbot.addWidget(panel)
    panel.resize(500, 600)
    panel.show()
    qtbot.waitExposed(panel)
    with qtbot.waitSignal(panel.requested, timeout=2000) as asked:
        draw(panel.pad, SEVEN)
    ink = panel.pad.gray()
    assert ink.max() == 1.0 and center_of_mass(ink)[1] < 0.5 * ink.shape[1]  # drawn off-centre, left
    digit = asked.args[0]
    assert digit.shape == (784,) and digit.dtype == np.uint8
    image = digit.reshape(28, 28)
    height, width = _box(image)
    assert max(height, width) == 20 and width < 20  # the longer side is 20 px, the aspect ratio is kept
    cy, cx = center_of_mass(image)
    assert abs(cy - 14) <= 0.5 and abs(cx - 14) <= 0.5
    np.testing.assert_array_equal(panel.preview.pixels.ravel(), digit)  # what the network sees is shown


def test_clearing_the_pad_asks_nothing_and_resets_the_answer(qtbot):
    panel = DrawPanel()
    qtbot.addWidget(panel)
    panel.resize(400, 500)
    panel.show()
    with qtbot.waitSignal(panel.requested, timeout=2000):
        draw(panel.pad, SEVEN)
    panel.show_probabilities(np.eye(10)[7], predicted=7)
    assert "7" in panel.answer.text()
    with qtbot.assertNotEmitted(panel.requested, wait=100):
        QTest.mouseClick(panel.pad, Qt.MouseButton.RightButton)
        panel.submit()
    assert panel.pad.is_empty() and not panel.preview.pixels.any() and panel.probabilities is None


@pytest.fixture(scope="module")
def tiny():
    data = load_mnist("bundled")
    return Dataset(name="tiny digits", train_x=data.train_x[:600], train_y=data.train_y[:600],
                   val_x=data.val_x[:150], val_y=data.val_y[:150])


def small_network_tab(qtbot, data):
    """A shown Training tab that trains one hidden layer of 32 units on `data` (quick enough for a test)."""
    tab = TrainingTab()
    qtbot.addWidget(tab)
    tab.resize(1300, 850)
    tab.show()
    tab.add_dataset(data)
    tab.controls.hidden_text.setText("32")
    tab.controls._hidden_edited("32")
    return tab


def test_the_network_answers_a_drawing_with_probabilities(qtbot, tiny):
    tab = small_network_tab(qtbot, tiny)
    tab.side.setCurrentWidget(tab.draw_panel)
    draw(tab.draw_panel.pad, SEVEN)
    qtbot.waitUntil(lambda: "Train a network first" in tab.draw_panel.answer.text(), timeout=2000)
    tab.controller.toggle_play()  # while training: the question goes to the worker
    qtbot.waitUntil(lambda: bool(tab.curves.records) and len(next(iter(tab.curves.records.values())).steps) > 20,
                    timeout=10000)
    tab.draw_panel.probabilities = None
    draw(tab.draw_panel.pad, [(0.5, 0.1), (0.5, 0.8)])
    qtbot.waitUntil(lambda: tab.draw_panel.probabilities is not None, timeout=5000)
    p = tab.draw_panel.probabilities
    assert p.shape == (10,) and p.sum() == pytest.approx(1.0, abs=1e-5) and np.all(p >= 0)
    assert "The network says" in tab.draw_panel.answer.text()
    tab.controller.stop()  # halted: the same network still answers, between steps
    tab.draw_panel.probabilities = None
    tab.draw_panel.submit()
    qtbot.waitUntil(lambda: tab.draw_panel.probabilities is not None, timeout=5000)
    tab.shutdown()


def test_after_a_race_the_user_picks_which_racer_answers(qtbot, tiny):
    tab = small_network_tab(qtbot, tiny)
    tab.controls.race_list.set_entries([{"name": "sgd", "lr": 0.05}, {"name": "adam", "lr": 1e-3}])
    tab.controls.iterations.setValue(30)
    with qtbot.waitSignal(tab.controller.driver.ended, timeout=30000):
        tab.controller.start_race()
    labels = list(tab.curves.records)
    choice = tab.draw_panel.choice
    assert not choice.isHidden() and [choice.combo.itemData(i) for i in range(choice.combo.count())] == labels
    tab.side.setCurrentWidget(tab.draw_panel)
    draw(tab.draw_panel.pad, SEVEN)  # used to say "train a single run" after a race
    qtbot.waitUntil(lambda: tab.draw_panel.probabilities is not None, timeout=5000)
    first = tab.draw_panel.probabilities.copy()
    assert "The network says" in tab.draw_panel.answer.text()
    tab.draw_panel.probabilities = None
    choice.combo.setCurrentIndex(1)
    choice.combo.activated.emit(1)  # what a click on the second racer does
    qtbot.waitUntil(lambda: tab.draw_panel.probabilities is not None, timeout=5000)
    assert not np.allclose(tab.draw_panel.probabilities, first)  # another network answered
    assert tab.predictions.choice.current() == labels[1]  # both pages ask the same racer
    tab.side.setCurrentWidget(tab.predictions)
    qtbot.waitUntil(lambda: tab.predictions.caption.text().startswith(labels[1]), timeout=5000)
    assert tab.predictions.confusion.matrix is not None
    tab.shutdown()
