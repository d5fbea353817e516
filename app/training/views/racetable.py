"""The race's comparison table: one row per racer, filled live and final when the race ends."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from app.widgets import format_number

COLUMNS = ("optimizer", "loss", "val. acc.", "iter.", "time (s)", "status")
TIPS = ("", "training loss, smoothed", "validation accuracy at the last evaluation", "iterations done",
        "training time in seconds", "")


def _percent(value) -> str:
    return "–" if value is None or value != value else f"{value:.1%}"


def _number(value) -> str:
    return "–" if value is None or value != value else format_number(float(value), 4)


class RaceTable(QTableWidget):
    """Rows follow the racers' order; `set_row` takes core's numbers and only formats them."""

    def __init__(self, parent=None):
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        for col, tip in enumerate(TIPS):
            self.horizontalHeaderItem(col).setToolTip(self.tr(tip))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # the status takes what is left and is elided there (its whole text is the tooltip): a narrow window
        # (a 1024-px projector) must not scroll the table sideways
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(40)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setWordWrap(False)
        self._keys: list[str] = []

    def set_racers(self, racers: list[tuple[str, str, str]]) -> None:
        """(key, label, colour) per racer; clears the numbers."""
        self.setRowCount(len(racers))
        self._keys = [key for key, _label, _color in racers]
        for row, (_key, label, color) in enumerate(racers):
            item = QTableWidgetItem(label)
            item.setForeground(QBrush(QColor(color)))
            font = item.font()
            font.setBold(True)
            item.setFont(font)
            self.setItem(row, 0, item)
            for col in range(1, len(COLUMNS)):
                self.setItem(row, col, QTableWidgetItem("–"))

    def set_row(self, key: str, loss=None, val_acc=None, iterations=None, seconds=None, status: str = "") -> None:
        if key not in self._keys:
            return
        row = self._keys.index(key)
        texts = (_number(loss), _percent(val_acc), "–" if iterations is None else f"{int(iterations):,}",
                 "–" if seconds is None else f"{seconds:.1f}", status)
        for col, text in enumerate(texts, start=1):
            item = self.item(row, col)
            item.setText(text)
            item.setToolTip(text)
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter if col < 5
                                  else Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

    def filled(self) -> bool:
        """Every racer has a loss."""
        return bool(self._keys) and all(self.item(r, 1).text() != "–" for r in range(self.rowCount()))
