"""Keyboard shortcuts that work whichever child has focus, and fields that give the keys back.

- A tab's shortcuts are window-wide while the tab is shown; a text field that has focus keeps the keys it types.
- Enter commits a field and Escape reverts it to what it held when it got focus; both hand the keys back to the
  tab (the field loses focus), so Space, R, the arrows and 1–8 act again at once.
- Space never types into a number field: it commits the field, hands the keys back and does what Space does.
- The mouse wheel changes only a field that has focus; over any other it scrolls the column it sits in.
"""
from __future__ import annotations

import weakref

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QScrollBar,
    QTextEdit,
)

__all__ = ["TEXT_INPUTS", "FieldKeys", "install_shortcuts", "shortcut_help"]

TEXT_INPUTS = (QLineEdit, QAbstractSpinBox, QTextEdit, QPlainTextEdit)
REPEATING = ("Left", "Right")
WHEELED = (QAbstractSpinBox, QComboBox, QAbstractSlider)
_bindings: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # tab -> [(key, slot, description)]


def install_shortcuts(widget, bindings: dict) -> dict[str, QShortcut]:
    """`bindings`: key text ("Space", "Right", "R", "1") -> slot, or (slot, description) for the F1 list.

    Window-wide, but Qt keeps a hidden widget's shortcuts asleep, so they act only while `widget` (a tab) is
    shown. Text fields claim their keys first (ShortcutOverride); should one not, the key is handed back to it.
    """
    FieldKeys.install()
    shortcuts, listed = {}, []
    for key, value in bindings.items():
        slot, description = value if isinstance(value, tuple) else (value, "")
        shortcut = QShortcut(QKeySequence(key), widget)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.setAutoRepeat(key in REPEATING)
        shortcut.activated.connect(lambda key=key, slot=slot: _activated(key, slot))
        shortcuts[key] = shortcut
        listed.append((key, slot, description))
    _bindings[widget] = _bindings.get(widget, []) + listed
    return shortcuts


def shortcut_help(widget) -> list[tuple[str, str]]:
    """(key, what it does) for every shortcut installed on `widget`, in the order they were installed."""
    return [(key, description) for key, _slot, description in _bindings.get(widget, ()) if description]


def _activated(key: str, slot) -> None:
    focus = QApplication.focusWidget()
    typing = _field(focus) or focus  # an editable combo box types into its line edit
    if isinstance(typing, TEXT_INPUTS) and not (key == "Space" and _number_field(focus) is not None):
        combination = QKeySequence(key)[0]
        text = " " if key == "Space" else (key.lower() if len(key) == 1 else "")
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(focus, QKeyEvent(kind, combination.key(), combination.keyboardModifiers(), text))
        return
    slot()


def _number_field(widget):
    """The spin box `widget` is, or whose line edit it is; None for other widgets."""
    for candidate in (widget, widget.parent() if widget is not None else None):
        if isinstance(candidate, QAbstractSpinBox):
            return candidate
    return None


def _field(widget):
    """The editable field `widget` belongs to (a spin box for its inner line edit, an editable combo box's line
    edit for the combo itself: Qt gives the combo the focus), or None."""
    number = _number_field(widget)
    if number is not None:
        return number
    if isinstance(widget, QComboBox) and widget.isEditable():
        return widget.lineEdit()
    return widget if isinstance(widget, QLineEdit) else None


def _tab_slot(widget, key: str):
    """The slot bound to `key` by the nearest ancestor of `widget` that installed shortcuts."""
    while widget is not None:
        for bound_key, slot, _description in _bindings.get(widget, ()):
            if bound_key == key:
                return slot
        widget = widget.parent()
    return None


_POLISH, _FOCUS_IN, _FOCUS_OUT, _KEY_PRESS, _WHEEL = (QEvent.Type.Polish, QEvent.Type.FocusIn, QEvent.Type.FocusOut,
                                                  QEvent.Type.KeyPress, QEvent.Type.Wheel)


class FieldKeys(QObject):
    """The application-wide event filter behind the field rules above (installed once, by install_shortcuts)."""

    _instance = None

    @classmethod
    def install(cls) -> None:
        app = QApplication.instance()
        if app is not None and cls._instance is None:
            cls._instance = cls(app)
            app.installEventFilter(cls._instance)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._before: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # field -> its value at focus-in

    def eventFilter(self, obj, event) -> bool:  # Qt's name
        # Every event of the application passes here (3,000 by the first frame): the kinds are compared by
        # identity (enum members are singletons; == goes through Python's Enum machinery, 1.8 → 0.6 µs a call).
        kind = event.type()
        if kind is _POLISH:
            if isinstance(obj, WHEELED) and obj.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                obj.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the wheel must not focus a field (and change it)
        elif kind is _FOCUS_IN:
            field = _field(obj)
            if field is not None and field not in self._before:
                self._before[field] = _value(field)
        elif kind is _FOCUS_OUT:
            field = _field(obj)
            if field is not None and not field.hasFocus() and not (obj is not field and obj.hasFocus()):
                self._before.pop(field, None)
        elif kind is _KEY_PRESS:
            return self._key(obj, event)
        elif kind is _WHEEL and isinstance(obj, WHEELED) and not isinstance(obj, QScrollBar) and not obj.hasFocus():
            return self._scroll_instead(obj, event)
        return False

    def _key(self, obj, event) -> bool:
        field = _field(obj)
        plain = (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        if field is None or event.modifiers() not in plain:
            return False
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            _commit(field)
            self._hand_back(field)
            return True
        if key == Qt.Key.Key_Escape:
            if field in self._before:
                _restore(field, self._before[field])
            self._hand_back(field)
            return True
        if key == Qt.Key.Key_Space and isinstance(field, QAbstractSpinBox):
            _commit(field)
            slot = _tab_slot(field, "Space")
            self._hand_back(field)
            if slot is not None:
                slot()
            return True
        return False

    def _hand_back(self, field) -> None:
        self._before.pop(field, None)
        field.clearFocus()
        owner = field.parent()
        if isinstance(owner, QComboBox) and owner.hasFocus():  # an editable combo holds the focus for its edit
            owner.clearFocus()

    @staticmethod
    def _scroll_instead(obj, event) -> bool:
        parent = obj.parent()
        while parent is not None and not isinstance(parent, QAbstractScrollArea):
            parent = parent.parent()
        if parent is not None:
            QApplication.sendEvent(parent.verticalScrollBar(), event)
        return True  # an unfocused field never changes under the wheel


def _value(field) -> str:
    return field.text()


def _restore(field, text: str) -> None:
    if isinstance(field, QAbstractSpinBox):
        edit = field.lineEdit()
        edit.setText(text)
        field.interpretText()
    else:
        field.setText(text)


def _commit(field) -> None:
    """What Enter does in the field: a spin box interprets its text; a line edit reports returnPressed."""
    if isinstance(field, QAbstractSpinBox):
        field.interpretText()  # valueChanged if it changed
        field.editingFinished.emit()  # as Enter would (losing focus may emit it again: its handlers are idempotent)
        field.lineEdit().returnPressed.emit()  # what Enter does in a spin box's own line edit
    else:
        field.returnPressed.emit()
