"""After a race, which racer's network answers the Predictions and Draw pages."""
from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

__all__ = ["NetworkChoice"]


class NetworkChoice(QWidget):
    """"Answers from: [racer]", shown only when there is more than one network to ask."""

    chosen = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.combo = QComboBox(self)
        self.combo.setToolTip(self.tr("The racer whose network answers here"))
        self.combo.activated.connect(lambda i: self.chosen.emit(self.combo.itemData(i)))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(self.tr("Answers from"), self))
        layout.addWidget(self.combo, 1)
        self.hide()

    def set_networks(self, labels) -> None:
        """The racers to choose from (the first answers); none or one: nothing to choose, so hidden."""
        labels = list(labels)
        with QSignalBlocker(self.combo):
            self.combo.clear()
            for label in labels:
                self.combo.addItem(label, label)
        self.setVisible(len(labels) > 1)

    def current(self) -> str | None:
        return self.combo.currentData()

    def show_choice(self, label: str) -> None:
        with QSignalBlocker(self.combo):
            self.combo.setCurrentIndex(max(self.combo.findData(label), 0))
