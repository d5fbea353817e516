"""Keyboard shortcuts that work whichever child has focus, yet never take a key from a text field."""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QLineEdit, QPlainTextEdit, QTextEdit

__all__ = ["TEXT_INPUTS", "install_shortcuts"]

TEXT_INPUTS = (QLineEdit, QAbstractSpinBox, QTextEdit, QPlainTextEdit)
REPEATING = ("Left", "Right")


def install_shortcuts(widget, bindings: dict) -> dict[str, QShortcut]:
    """`bindings`: key text ("Space", "Right", "R", "1") -> slot. Returns the QShortcuts by key.

    Window-wide, but Qt keeps a hidden widget's shortcuts asleep, so they act only while `widget` (a tab) is
    shown. Text fields claim their keys first (ShortcutOverride); should one not, the key is handed back to it.
    """
    shortcuts = {}
    for key, slot in bindings.items():
        shortcut = QShortcut(QKeySequence(key), widget)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.setAutoRepeat(key in REPEATING)
        shortcut.activated.connect(lambda key=key, slot=slot: _activated(key, slot))
        shortcuts[key] = shortcut
    return shortcuts


def _activated(key: str, slot) -> None:
    focus = QApplication.focusWidget()
    if isinstance(focus, TEXT_INPUTS):
        combination = QKeySequence(key)[0]
        text = " " if key == "Space" else (key.lower() if len(key) == 1 else "")
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(focus, QKeyEvent(kind, combination.key(), combination.keyboardModifiers(), text))
        return
    slot()
