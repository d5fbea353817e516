"""Editors for an optimizer's hyperparameters, built from plain spec objects (core.optim.HParamSpec or alike)."""
from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app import theme
from app.widgets.fonts import scale_fonts, set_text_color
from app.widgets.logslider import LogSlider

__all__ = ["HyperparameterEditor", "ValueEditor"]

NOTICE_COLOR = theme.NOTICE


class ValueEditor(QWidget):
    """The control for one spec: a LogSlider ("float"), a spin box ("int"), a check box ("bool").

    A spec is any object with ``name, default, min, max, log, kind, label, help`` (``help`` may be empty);
    a spec with a ``choices`` sequence gets a combo box. ``value()`` is typed (float, int, bool or the
    choice); ``setValue(v)`` is silent; ``valueChanged(object)`` fires once per user edit and
    ``notice(str)`` when a typed number was clamped or unreadable; ``set_presentation(on)``.
    """

    valueChanged = Signal(object)
    notice = Signal(str)

    def __init__(self, spec, parent=None):
        super().__init__(parent)
        self.spec = spec
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        choices = tuple(getattr(spec, "choices", None) or ())
        kind = "choice" if choices else spec.kind
        self.kind = kind
        if kind == "float":
            self.control = LogSlider(spec.min, spec.max, spec.default, log=bool(spec.log), parent=self)
            self.control.valueChanged.connect(self._emit)
            self.control.notice.connect(self.notice)
        elif kind == "int":
            self.control = QSpinBox(self)
            self.control.setRange(int(spec.min), int(spec.max))
            self.control.setKeyboardTracking(False)
            self.control.setValue(int(spec.default))
            self.control.valueChanged.connect(self._emit)
        elif kind == "bool":
            self.control = QCheckBox(self)
            self.control.setChecked(bool(spec.default))
            self.control.toggled.connect(self._emit)
        elif kind == "choice":
            self.control = QComboBox(self)
            for choice in choices:
                self.control.addItem(str(choice), choice)
            self.control.setCurrentIndex(choices.index(spec.default) if spec.default in choices else 0)
            self.control.activated.connect(self._emit)
        else:
            raise ValueError(f"hyperparameter {spec.name!r}: unknown kind {spec.kind!r}")
        layout.addWidget(self.control, 0 if kind == "bool" else 1)
        if getattr(spec, "help", ""):
            self.setToolTip(spec.help)

    def value(self):
        if self.kind == "float":
            return float(self.control.value())
        if self.kind == "int":
            return int(self.control.value())
        if self.kind == "bool":
            return bool(self.control.isChecked())
        return self.control.currentData()

    def setValue(self, value) -> None:  # noqa: N802 (Qt naming)
        """Show `value` (numbers clamped into range) without emitting valueChanged."""
        with QSignalBlocker(self.control):
            if self.kind == "float":
                self.control.setValue(float(value))
            elif self.kind == "int":
                self.control.setValue(round(float(value)))
            elif self.kind == "bool":
                self.control.setChecked(bool(value))
            else:
                index = self.control.findData(value)
                if index >= 0:
                    self.control.setCurrentIndex(index)

    def set_presentation(self, on: bool) -> None:
        scale_fonts(self, on)

    def _emit(self, *_args) -> None:
        self.valueChanged.emit(self.value())


class HyperparameterEditor(QWidget):
    """One labelled row per hyperparameter of one method; its values are always valid and in range.

    API:
      - ``HyperparameterEditor(specs=(), values=None, parent=None)``; specs as for ValueEditor.
      - ``set_specs(specs, values=None)``: rebuild for another method (defaults, overridden by `values`).
      - ``values() -> dict`` name -> typed value; ``set_values(dict)`` is silent, clamps numbers and
        ignores names this method does not have.
      - ``reset_defaults()`` (also the "Reset to defaults" button) emits ``changed`` with what moved.
      - ``changed(dict)``: name -> new value, only the entries the user just changed.
      - ``set_enabled_param(name, enabled)``: grey out one row (e.g. lr when the tab shares one lr).
      - ``show_notice(text)``: a line under the rows (clamped entries use it; so can the tab, e.g. for the
        ValueError core raises for "nesterov needs momentum > 0"); cleared by the next edit.
      - ``editor(name) -> ValueEditor``, ``names()``, ``specs()``, ``defaults()``, ``set_presentation(on)``.
    """

    changed = Signal(dict)

    def __init__(self, specs=(), values: dict | None = None, parent=None):
        super().__init__(parent)
        self._editors: dict[str, ValueEditor] = {}
        self._labels: dict[str, QLabel] = {}
        self._specs: list = []
        self._rows: QWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.notice_label = QLabel(self)
        self.notice_label.setWordWrap(True)
        set_text_color(self.notice_label, NOTICE_COLOR)
        self.notice_label.hide()
        self.reset_button = QPushButton(self.tr("Reset to defaults"), self)
        self.reset_button.clicked.connect(self.reset_defaults)
        self._layout.addWidget(self.notice_label)
        self._layout.addWidget(self.reset_button, 0, Qt.AlignmentFlag.AlignLeft)
        self._layout.addStretch(1)
        self.set_specs(specs, values)

    def set_specs(self, specs, values: dict | None = None) -> None:
        """Rebuild the rows for `specs`; values start at the defaults, then `values` (silent)."""
        if self._rows is not None:
            for editor in self._editors.values():
                editor.blockSignals(True)  # a half-typed entry losing focus must not report to the new method
            self._layout.removeWidget(self._rows)
            self._rows.hide()
            self._rows.deleteLater()
        self._specs = list(specs)
        self._editors.clear()
        self._labels.clear()
        self._rows = QWidget(self)
        form = QFormLayout(self._rows)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # narrow columns: the control under its label
        form.setContentsMargins(0, 0, 0, 0)
        for spec in self._specs:
            editor = ValueEditor(spec, self._rows)
            label = QLabel(spec.label or spec.name, self._rows)
            label.setToolTip(getattr(spec, "help", "") or "")
            label.setBuddy(editor.control)
            editor.valueChanged.connect(lambda value, name=spec.name: self._edited(name, value))
            title = label.text()
            editor.notice.connect(lambda text, title=title: self.show_notice(f"{title}: {text}"))
            form.addRow(label, editor)
            self._editors[spec.name] = editor
            self._labels[spec.name] = label
        self._layout.insertWidget(0, self._rows)
        self.reset_button.setEnabled(bool(self._specs))
        self.show_notice("")
        if values:
            self.set_values(values)

    def specs(self) -> list:
        return list(self._specs)

    def names(self) -> list[str]:
        return list(self._editors)

    def editor(self, name: str) -> ValueEditor:
        return self._editors[name]

    def values(self) -> dict:
        return {name: editor.value() for name, editor in self._editors.items()}

    def set_values(self, values: dict) -> None:
        """Show `values` without emitting `changed`; unknown names are ignored."""
        for name, value in values.items():
            if name in self._editors:
                self._editors[name].setValue(value)

    def defaults(self) -> dict:
        return {spec.name: spec.default for spec in self._specs}

    def reset_defaults(self) -> None:
        """Back to every default; emits `changed` with the entries that moved (nothing if none did)."""
        before = self.values()
        self.set_values(self.defaults())
        self.show_notice("")
        moved = {name: value for name, value in self.values().items() if value != before[name]}
        if moved:
            self.changed.emit(moved)

    def set_enabled_param(self, name: str, enabled: bool) -> None:
        self._editors[name].setEnabled(enabled)
        self._labels[name].setEnabled(enabled)

    def set_presentation(self, on: bool) -> None:
        scale_fonts(self, on)

    def _edited(self, name: str, value) -> None:
        self.show_notice("")
        self.changed.emit({name: value})

    def show_notice(self, text: str) -> None:
        """Show `text` under the rows ("" hides it), e.g. the ValueError core raised for a combination."""
        self.notice_label.setText(text)
        self.notice_label.setVisible(bool(text))
