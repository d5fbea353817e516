"""The shared widgets on core's real data: every method's specs, its update rule, typed formulas."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

import core
from app.widgets import EquationPanel, FormulaBox, HyperparameterEditor

TYPES = {"float": float, "int": int, "bool": bool}


@pytest.mark.parametrize("method", core.ALL_METHODS)
def test_editor_builds_every_method_at_its_defaults(qtbot, method):
    specs = core.get_method(method).specs
    editor = HyperparameterEditor(specs)
    qtbot.addWidget(editor)
    values = editor.values()
    assert values == {s.name: s.default for s in specs}
    assert all(type(values[s.name]) is TYPES[s.kind] for s in specs)


def test_an_edited_lr_is_accepted_by_core(qtbot):
    editor = HyperparameterEditor(core.get_method("adam").specs)
    qtbot.addWidget(editor)
    editor.show()
    seen = []
    editor.changed.connect(seen.append)
    box = editor.editor("lr").control.box
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, "0.05")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert seen == [{"lr": pytest.approx(0.05)}]
    optimizer = core.make_optimizer("adam", **editor.values())
    assert optimizer.hparams["lr"] == pytest.approx(0.05) and optimizer.hparams["betas"] == (0.9, 0.999)


def test_equation_panel_shows_core_rule_with_values(qtbot):
    panel = EquationPanel()
    qtbot.addWidget(panel)
    hp = {"lr": 0.01}
    panel.show_method("Adam", core.get_method("adam").equation(hp), core.get_method("adam").note, hp)
    assert "0.01·m̂" in panel.equation_label.text()
    assert panel.values_label.text() == "lr = 0.01"
    assert panel.note_label.text() == core.get_method("adam").note


def test_typed_formula_becomes_a_surface(qtbot):
    box = FormulaBox(view=(-2, 2, -1, 1))
    qtbot.addWidget(box)
    qtbot.keyClicks(box.edit, "x**2 + 3*y")
    with qtbot.waitSignal(box.surfaceReady) as blocker:
        qtbot.keyClick(box.edit, Qt.Key.Key_Return)
    surface = blocker.args[0]
    assert surface.value(1.0, 2.0) == pytest.approx(7.0)
    assert surface.view == (-2.0, 2.0, -1.0, 1.0)


def test_unknown_name_is_pointed_at(qtbot):
    box = FormulaBox()
    qtbot.addWidget(box)
    box.show()
    qtbot.keyClicks(box.edit, "x + z")
    with qtbot.waitSignal(box.failed) as blocker:
        qtbot.mouseClick(box.apply_button, Qt.MouseButton.LeftButton)
    message = blocker.args[0]
    assert "'z'" in message and "column 5" in message
    lines = box.error().splitlines()
    assert lines[0] == message and lines[1].strip() == "x + z"
    assert lines[2].index("^") == lines[1].index("z")
    assert box.formula() == "x + z" and box.error_label.isVisible()


def test_empty_formula_is_a_message_not_a_crash(qtbot):
    box = FormulaBox()
    qtbot.addWidget(box)
    with qtbot.waitSignal(box.failed):
        assert box.apply() is None
    assert box.error() == "empty formula"
