"""The Help menu's list of keyboard shortcuts (F1): the current tab's and the window's, readable on a projector."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QGridLayout, QLabel, QVBoxLayout

from app.widgets.fonts import scale_fonts


class ShortcutsDialog(QDialog):
    """Two columns, key and what it does; Esc or Close closes it."""

    def __init__(self, tab_title: str, shortcuts: list[tuple[str, str]], parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        layout = QVBoxLayout(self)
        heading = QLabel(self.tr("{0} tab and window").format(tab_title), self)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        layout.addWidget(heading)
        grid = QGridLayout()
        self.rows: list[tuple[str, str]] = []
        for row, (key, text) in enumerate(shortcuts):
            key_label = QLabel(key, self)
            key_label.setTextFormat(Qt.TextFormat.PlainText)
            bold = key_label.font()
            bold.setBold(True)
            key_label.setFont(bold)
            grid.addWidget(key_label, row, 0)
            grid.addWidget(QLabel(text, self), row, 1)
            self.rows.append((key, text))
        layout.addLayout(grid)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        if parent is not None and getattr(parent, "presentation", False):
            scale_fonts(self, True)
