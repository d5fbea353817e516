"""The optimizer configurations of a race: a list with add/remove, and an editor for the selected entry."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from app.training.options import describe, method_label, trainable, training_specs
from app.widgets import HyperparameterEditor

# The lecture's four, at learning rates where their difference shows within a few hundred iterations.
DEFAULT_RACE = (
    {"name": "sgd", "lr": 0.01},
    {"name": "momentum", "lr": 0.01},
    {"name": "adagrad", "lr": 0.01},
    {"name": "adam", "lr": 0.001},
)
MAX_RACERS = 8


class RaceList(QWidget):
    """Entries are dicts {"name": method, **hparams}; `changed` fires whenever the list or an entry changes."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.list = QListWidget(self)
        self.list.setMinimumHeight(90)
        self.method = QComboBox(self)
        for name in trainable():
            self.method.addItem(method_label(name), name)
        self.add_button = QPushButton(self.tr("Add"), self)
        self.remove_button = QPushButton(self.tr("Remove"), self)
        self.editor = HyperparameterEditor(parent=self)
        row = QHBoxLayout()
        row.addWidget(self.method, 1)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addLayout(row)
        layout.addWidget(self.editor)
        self.add_button.clicked.connect(lambda: self.add({"name": self.method.currentData()}))
        self.remove_button.clicked.connect(self.remove_selected)
        self.list.currentRowChanged.connect(self._select)
        self.editor.changed.connect(self._edited)
        self.set_entries(DEFAULT_RACE)

    def entries(self) -> list[dict]:
        return [dict(self.list.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.list.count())]

    def set_entries(self, entries) -> None:
        self.list.clear()
        for entry in entries:
            self.add(entry, select=False)
        self.list.setCurrentRow(0 if self.list.count() else -1)
        self.changed.emit()

    def add(self, entry: dict, select: bool = True) -> None:
        if self.list.count() >= MAX_RACERS:
            return
        name = entry["name"]
        specs = training_specs(name)
        full = {"name": name, **{s.name: s.default for s in specs}, **{k: v for k, v in entry.items() if k != "name"}}
        item = QListWidgetItem(describe(full))
        item.setData(Qt.ItemDataRole.UserRole, full)
        self.list.addItem(item)
        if select:
            self.list.setCurrentItem(item)
        self.remove_button.setEnabled(True)
        self.changed.emit()

    def remove_selected(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)
            self.remove_button.setEnabled(self.list.count() > 0)
            self.changed.emit()

    def _select(self, row: int) -> None:
        if row < 0:
            self.editor.set_specs(())
            return
        entry = self.list.item(row).data(Qt.ItemDataRole.UserRole)
        self.editor.set_specs(training_specs(entry["name"]), {k: v for k, v in entry.items() if k != "name"})

    def _edited(self, changes: dict) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        entry = {**item.data(Qt.ItemDataRole.UserRole), **changes}
        item.setData(Qt.ItemDataRole.UserRole, entry)
        item.setText(describe(entry))
        self.changed.emit()
