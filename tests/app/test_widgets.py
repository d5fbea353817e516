"""Shared widgets driven by real key and mouse events: numbers, hyperparameter editor, equation panel, formula box."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontInfo, QFontMetricsF

from app.widgets import EquationPanel, FormulaBox, HyperparameterEditor, LogSlider, format_number


@dataclass(frozen=True)
class Spec:
    """Stand-in for core.optim.HParamSpec (the widgets only read these attributes)."""

    name: str
    default: object
    min: float = 0.0
    max: float = 1.0
    log: bool = False
    kind: str = "float"
    label: str = ""
    help: str = ""


SGD_SPECS = [
    Spec("lr", 1e-3, 1e-5, 10.0, True, "float", "lr (γ)", "step size"),
    Spec("momentum", 0.9, 0.0, 0.999, False, "float", "momentum (μ)"),
    Spec("weight_decay", 0.0, 0.0, 0.1, True, "float", "weight decay (λ)"),
    Spec("nesterov", False, kind="bool", label="Nesterov"),
]
LBFGS_SPECS = [
    Spec("lr", 1.0, 1e-3, 10.0, True, "float", "lr"),
    Spec("history_size", 10, 1, 50, False, "int", "history size"),
]


def recorder(signal) -> list:
    seen = []
    signal.connect(seen.append)
    return seen


def type_into(qtbot, box, text: str) -> None:
    """Select all, type `text`, press Enter — what a user does in a spin box."""
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, text)
    qtbot.keyClick(box, Qt.Key.Key_Return)


@pytest.fixture
def lr(qtbot):
    slider = LogSlider(1e-5, 10.0, 1e-3, log=True)
    qtbot.addWidget(slider)
    slider.show()
    return slider


def test_format_number_reads_like_the_lecture():
    assert [format_number(v) for v in (1e-3, 3e-4, 0.9, 0.999, 10.0, 0.0, 1e-8, 0.01)] == [
        "1e-3", "3e-4", "0.9", "0.999", "10", "0", "1e-8", "0.01"]


def test_typing_a_value_sets_both_controls_and_emits_once(qtbot, lr):
    seen = recorder(lr.valueChanged)
    type_into(qtbot, lr.box, "3e-4")
    assert seen == [pytest.approx(3e-4)]
    assert lr.value() == pytest.approx(3e-4)
    assert lr.slider.value() == lr.value_to_position(3e-4)
    assert lr.box.text() == "3e-4"


def test_letters_are_refused_while_typing(qtbot, lr):
    seen = recorder(lr.valueChanged)
    lr.box.selectAll()
    qtbot.keyClicks(lr.box, "abc")
    assert lr.box.text() == "1e-3" and seen == []


def test_out_of_range_entry_is_clamped_with_a_message(qtbot, lr):
    seen, notices = recorder(lr.valueChanged), recorder(lr.notice)
    type_into(qtbot, lr.box, "50")
    assert lr.value() == 10.0 and seen == [10.0]
    assert len(notices) == 1 and "maximum 10" in notices[0]


def test_unfinished_number_keeps_the_previous_value(qtbot, lr):
    seen, notices = recorder(lr.valueChanged), recorder(lr.notice)
    type_into(qtbot, lr.box, "1e-")
    assert lr.value() == pytest.approx(1e-3) and seen == []
    assert len(notices) == 1 and "not a number" in notices[0]


def test_log_slider_middle_is_the_geometric_mean(qtbot, lr):
    seen = recorder(lr.valueChanged)
    qtbot.keyClick(lr.slider, Qt.Key.Key_Home)
    assert lr.value() == pytest.approx(1e-5)
    for _ in range(5):
        qtbot.keyClick(lr.slider, Qt.Key.Key_PageUp)
    assert lr.slider.value() == 500
    assert lr.value() == pytest.approx((1e-5 * 10.0) ** 0.5, rel=1e-2)
    assert float(lr.box.text()) == pytest.approx(lr.value())
    assert len(seen) == 6 and seen[-1] == lr.value()
    qtbot.keyClick(lr.slider, Qt.Key.Key_End)
    assert lr.value() == 10.0


def test_linear_slider_spans_its_range(qtbot):
    momentum = LogSlider(0.0, 0.999, 0.9, log=False)
    qtbot.addWidget(momentum)
    qtbot.keyClick(momentum.slider, Qt.Key.Key_End)
    assert momentum.value() == pytest.approx(0.999)
    for _ in range(5):
        qtbot.keyClick(momentum.slider, Qt.Key.Key_PageDown)
    assert momentum.value() == pytest.approx(0.999 / 2, abs=0.001)
    qtbot.keyClick(momentum.slider, Qt.Key.Key_Home)
    assert momentum.value() == 0.0


def test_arrow_keys_step_one_two_five_on_a_log_box(qtbot, lr):
    seen = recorder(lr.valueChanged)
    lr.box.setFocus()
    qtbot.keyClick(lr.box, Qt.Key.Key_Up)
    qtbot.keyClick(lr.box, Qt.Key.Key_Up)
    qtbot.keyClick(lr.box, Qt.Key.Key_Up)
    assert seen == [pytest.approx(2e-3), pytest.approx(5e-3), pytest.approx(1e-2)]
    assert lr.slider.value() == lr.value_to_position(1e-2)


def test_programmatic_set_value_is_silent_and_clamped(qtbot, lr):
    seen = recorder(lr.valueChanged)
    lr.setValue(0.1)
    assert lr.value() == pytest.approx(0.1) and lr.slider.value() == lr.value_to_position(0.1)
    lr.setValue(1e6)
    assert lr.value() == 10.0 and lr.slider.value() == 1000
    assert seen == []


def test_log_scale_with_zero_minimum_reaches_zero(qtbot):
    decay = LogSlider(0.0, 0.1, 0.0, log=True)
    qtbot.addWidget(decay)
    assert decay.slider.value() == 0
    qtbot.keyClick(decay.slider, Qt.Key.Key_End)
    assert decay.value() == pytest.approx(0.1)
    qtbot.keyClick(decay.slider, Qt.Key.Key_Home)
    assert decay.value() == 0.0


def test_editor_emits_the_edited_entry_only(qtbot):
    editor = HyperparameterEditor(SGD_SPECS)
    qtbot.addWidget(editor)
    editor.show()
    assert editor.values() == {"lr": 1e-3, "momentum": 0.9, "weight_decay": 0.0, "nesterov": False}
    seen = recorder(editor.changed)
    type_into(qtbot, editor.editor("momentum").control.box, "0.5")
    qtbot.keyClick(editor.editor("nesterov").control, Qt.Key.Key_Space)
    assert seen == [{"momentum": 0.5}, {"nesterov": True}]
    assert editor.values() == {"lr": 1e-3, "momentum": 0.5, "weight_decay": 0.0, "nesterov": True}


def test_editor_shows_a_clamp_notice_and_stays_valid(qtbot):
    editor = HyperparameterEditor(SGD_SPECS)
    qtbot.addWidget(editor)
    editor.show()
    seen = recorder(editor.changed)
    type_into(qtbot, editor.editor("momentum").control.box, "1.5")
    assert seen == [{"momentum": 0.999}]
    assert editor.notice_label.isVisible() and "momentum (μ)" in editor.notice_label.text()
    type_into(qtbot, editor.editor("lr").control.box, "0.02")
    assert not editor.notice_label.isVisible()


def test_reset_button_restores_defaults_and_reports_what_moved(qtbot):
    editor = HyperparameterEditor(SGD_SPECS)
    qtbot.addWidget(editor)
    editor.set_values({"lr": 0.5, "nesterov": True, "unknown": 3})
    seen = recorder(editor.changed)
    assert seen == [] and editor.values()["lr"] == 0.5
    qtbot.mouseClick(editor.reset_button, Qt.MouseButton.LeftButton)
    assert editor.values() == {"lr": 1e-3, "momentum": 0.9, "weight_decay": 0.0, "nesterov": False}
    assert seen == [{"lr": 1e-3, "nesterov": False}]
    qtbot.mouseClick(editor.reset_button, Qt.MouseButton.LeftButton)
    assert len(seen) == 1


def test_set_specs_rebuilds_for_another_method(qtbot):
    editor = HyperparameterEditor(SGD_SPECS)
    qtbot.addWidget(editor)
    editor.set_specs(LBFGS_SPECS, {"history_size": 5, "momentum": 0.3})
    assert editor.names() == ["lr", "history_size"]
    assert editor.values() == {"lr": 1.0, "history_size": 5}
    seen = recorder(editor.changed)
    editor.show()
    type_into(qtbot, editor.editor("history_size").control, "20")
    assert seen == [{"history_size": 20}] and isinstance(seen[0]["history_size"], int)


def test_a_parameter_row_can_be_disabled(qtbot):
    editor = HyperparameterEditor(SGD_SPECS)
    qtbot.addWidget(editor)
    editor.set_enabled_param("lr", False)
    assert not editor.editor("lr").isEnabled()
    editor.set_enabled_param("lr", True)
    assert editor.editor("lr").isEnabled()


def test_equation_panel_shows_rule_values_and_note(qtbot):
    panel = EquationPanel()
    qtbot.addWidget(panel)
    rule = "v ← μ·v + g\nθ ← θ − γ·v"
    panel.show_method("SGD + momentum", rule, "Watch it overshoot.", {"lr": 1e-3, "momentum": 0.9},
                      {"lr": "γ"})
    assert panel.equation_label.text() == rule
    assert panel.values_label.text() == "γ = 1e-3   momentum = 0.9"
    assert panel.note_label.text() == "Watch it overshoot." and panel.title_label.text() == "SGD + momentum"
    metrics = QFontMetricsF(panel.equation_label.font())  # monospace: the rule's columns line up (Qt calls some
    assert metrics.horizontalAdvance("i" * 10) == metrics.horizontalAdvance("W" * 10)  # monospace fonts, such as
    # Noto Sans Mono, not fixed-pitch, so this asks the widths)
    panel.set_values({"lr": 0.02, "momentum": 0.5})
    assert panel.values_label.text() == "lr = 0.02   momentum = 0.5"


class FakeExpressionError(ValueError):
    def __init__(self, message, column=None):
        super().__init__(message)
        self.message, self.column = message, column


class FakeSurface:
    def __init__(self, text, view):
        self.formula, self.view = text, view


def fake_parser(text, view):
    if "z" in text:
        raise FakeExpressionError(f"unknown name 'z' at column {text.index('z') + 1}", text.index("z") + 1)
    if text == "boom":
        raise RuntimeError("lambdify exploded")
    return FakeSurface(text, view)


@pytest.fixture
def box(qtbot):
    widget = FormulaBox(parser=fake_parser, formula="", view=(-2, 2, -1, 1))
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_enter_applies_the_formula_with_the_view(qtbot, box):
    qtbot.keyClicks(box.edit, "x**2 + y**2")
    with qtbot.waitSignal(box.surfaceReady) as blocker:
        qtbot.keyClick(box.edit, Qt.Key.Key_Return)
    assert blocker.args[0].formula == "x**2 + y**2" and blocker.args[0].view == (-2, 2, -1, 1)
    assert box.error() == ""


def test_expression_error_is_shown_with_a_caret_and_text_kept(qtbot, box):
    failed, ready = recorder(box.failed), recorder(box.surfaceReady)
    qtbot.keyClicks(box.edit, "x + z")
    qtbot.mouseClick(box.apply_button, Qt.MouseButton.LeftButton)
    assert failed == ["unknown name 'z' at column 5"] and ready == []
    assert box.error_label.isVisible()
    assert box.error().splitlines() == ["unknown name 'z' at column 5", "  x + z", "      ^"]
    assert box.formula() == "x + z"


def test_any_parser_failure_becomes_a_message(qtbot, box):
    failed = recorder(box.failed)
    box.set_formula("boom")
    assert box.apply() is None
    assert "RuntimeError" in failed[0] and "lambdify exploded" in box.error()


def test_empty_view_box_is_refused(qtbot, box):
    calls = []
    box._parser = lambda text, view: calls.append(text)
    box.set_formula("x")
    failed = recorder(box.failed)
    xmin = box.view_boxes[0]
    xmin.setFocus()
    xmin.selectAll()
    qtbot.keyClicks(xmin, "5")
    qtbot.keyClick(xmin, Qt.Key.Key_Return)  # Enter in a view box applies too
    assert calls == [] and len(failed) == 1
    assert "x from must be less than x to" in box.error()


def test_a_fixed_error_disappears(qtbot, box):
    box.set_formula("x + z")
    box.apply()
    box.edit.selectAll()
    qtbot.keyClicks(box.edit, "x + y")
    qtbot.keyClick(box.edit, Qt.Key.Key_Return)
    assert box.error() == "" and not box.error_label.isVisible()


def test_presentation_mode_enlarges_text_and_restores_it(qtbot):
    editor = HyperparameterEditor(SGD_SPECS)
    panel, formula = EquationPanel(), FormulaBox(parser=fake_parser)
    for widget in (editor, panel, formula):
        qtbot.addWidget(widget)
    panel.show_method("Adam", "θ ← θ − γ·m̂/(√v̂ + ε)", "note")
    normal = QFontInfo(editor._labels["lr"].font()).pixelSize()
    for widget in (editor, panel, formula):
        widget.set_presentation(True)
    labels = [editor._labels["lr"], editor.reset_button, panel.equation_label, panel.note_label,
              formula.error_label, formula.edit]
    assert all(QFontInfo(w.font()).pixelSize() >= 20 for w in labels)
    editor.set_presentation(False)
    assert QFontInfo(editor._labels["lr"].font()).pixelSize() == normal


def test_leaving_the_box_counts_as_enter(qtbot, lr):
    lr.activateWindow()
    lr.box.setFocus()
    qtbot.waitUntil(lr.box.hasFocus)
    seen = recorder(lr.valueChanged)
    lr.box.selectAll()
    qtbot.keyClicks(lr.box, "0.02")
    assert seen == []  # nothing while typing
    lr.box.clearFocus()
    assert seen == [pytest.approx(0.02)] and lr.slider.value() == lr.value_to_position(0.02)


def test_switching_method_mid_entry_reports_nothing_stale(qtbot):
    editor = HyperparameterEditor(SGD_SPECS)
    qtbot.addWidget(editor)
    editor.show()
    editor.activateWindow()
    box = editor.editor("momentum").control.box
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    box.selectAll()
    qtbot.keyClicks(box, "0.5")
    seen = recorder(editor.changed)
    editor.set_specs(LBFGS_SPECS)
    assert seen == [] and editor.values() == {"lr": 1.0, "history_size": 10}
