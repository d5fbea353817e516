"""A dismissible banner across the top of the tab: what went wrong and what to try (the text comes from core)."""
from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from app import theme

STYLES = theme.BANNER_STYLES


class Banner(QFrame):
    """Hidden until `show_message`; `action` is an optional button (e.g. "Reset with lr 0.1") that runs a callback."""


    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("banner")
        self.title = QLabel(self)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.action = QPushButton(self)
        self.action.clicked.connect(self._act)
        self._callback = None
        self.close_button = QPushButton(self.tr("Dismiss"), self)
        self.close_button.clicked.connect(self.hide)
        texts = QVBoxLayout()
        texts.addWidget(self.title)
        texts.addWidget(self.text)
        layout = QHBoxLayout(self)
        layout.addLayout(texts, 1)
        layout.addWidget(self.action)
        layout.addWidget(self.close_button)
        for label in (self.title, self.text):
            label.setStyleSheet("background: transparent; border: none;")
        self.kind = ""
        self.hide()

    def show_message(self, title: str, text: str, kind: str = "error", action: str = "", callback=None) -> None:
        self.kind = kind
        self._callback = callback
        self.setStyleSheet(f"QFrame#banner {{{STYLES[kind]}}}")
        self.title.setText(title)
        self.text.setText(text)
        self.action.setText(action)
        self.action.setVisible(bool(action))
        self.show()

    def _act(self) -> None:
        callback = self._callback
        self.hide()
        if callback is not None:
            callback()
