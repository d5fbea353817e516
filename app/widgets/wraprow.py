"""A row of control groups that wraps onto more rows when the window is too narrow for one.

Each group stays whole (a label beside its field, three buttons together); a group made with ``stretch=True``
(a timeline, say) takes the spare width of its row and asks only for its minimum. The widget's minimum width is
its widest group's, so a row of controls never sets the window's minimum width: a 1024-px projector fits.
"""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QHBoxLayout, QLayout, QVBoxLayout, QWidget

__all__ = ["WrapRow"]

_RESIZED = Qt.WidgetAttribute.WA_Resized  # set once the widget has had a real width


class WrapRow(QWidget):
    """Groups laid out left to right, as many to a row as fit the current width (re-arranged on resize)."""

    def __init__(self, parent=None, spacing: int = 12):
        super().__init__(parent)
        self._spacing = spacing
        self._groups: list[tuple[QWidget, bool]] = []  # (the group's box, whether it stretches)
        self._arrangement: tuple[int, ...] = ()
        self._rows = QVBoxLayout(self)
        self._rows.setContentsMargins(0, 0, 0, 0)
        self._rows.setSpacing(2)
        self._rows.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)  # as a window too: minimumSizeHint rules

    def add_group(self, *widgets: QWidget, stretch: bool = False) -> QWidget:
        """A group of widgets that always share a row; with `stretch` its first widget takes the spare width."""
        box = QWidget(self)
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        for i, widget in enumerate(widgets):
            row.addWidget(widget, 1 if stretch and i == 0 else 0)
        self._groups.append((box, stretch))
        self.rearrange(force=True)
        return box

    def rows(self) -> tuple[int, ...]:
        """How many groups each row holds now (for tests and for callers that care)."""
        return self._arrangement

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        widest = max((box.minimumSizeHint().width() for box, _ in self._groups), default=0)
        return QSize(widest, hint.height())

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self.rearrange(event.size().width())

    def rearrange(self, width: int | None = None, force: bool = False) -> None:
        """Fill rows greedily for `width` (the current width; None before the first resize: one row)."""
        if width is None:
            width = self.width() if self.isVisible() or self.testAttribute(_RESIZED) else 1 << 20
        arrangement: list[int] = []
        used = None
        for box, stretch in self._groups:
            need = (box.minimumSizeHint() if stretch else box.sizeHint()).width()
            if used is not None and used + self._spacing + need <= width:
                arrangement[-1] += 1
                used += self._spacing + need
            else:
                arrangement.append(1)
                used = need
        arrangement_t = tuple(arrangement)
        if arrangement_t == self._arrangement and not force:
            return
        self._arrangement = arrangement_t
        while self._rows.count():
            row = self._rows.takeAt(0).layout()
            while row.count():
                row.takeAt(0)
            row.setParent(None)
        groups = iter(self._groups)
        for count in arrangement_t:
            row = QHBoxLayout()
            row.setSpacing(self._spacing)
            stretched = False
            for _ in range(count):
                box, stretch = next(groups)
                row.addWidget(box, 1 if stretch else 0)
                stretched = stretched or stretch
            if not stretched:
                row.addStretch(1)
            self._rows.addLayout(row)
        self.updateGeometry()
