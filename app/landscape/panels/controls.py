"""Side-panel controls: the surface picker, the racer legend (toggles, selection, status badges), the aid switches."""
from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPalette, QPen, QPixmap, QStandardItem
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app import theme
from app.landscape.model import aid_label, aids, label, racers
from app.landscape.views.aids import applicable_aids
from app.widgets.clamped import ClampedLabel
from app.widgets.fonts import set_text_color

__all__ = ["AidSwitches", "RacerList", "SurfacePicker", "racer_icon"]

CATEGORY_ORDER = ("saddle", "ravine", "local minima", "plateau", "classic", "custom")
BADGE_COLORS = theme.BADGE_COLORS
# A minimum, a saddle or maximum, f → −∞ and a blown-up step each get their own mark (colour is only a second cue).
BADGE_MARKS = {"running": "…", "ready": "•", "limit": "■", "converged": "✓", "saddle": "⊘", "escaped": "↘",
               "diverged": "✗", "failed": "!"}


def racer_icon(method: str, size: int = 18) -> QIcon:
    """The racer's marker (pyqtgraph symbol, colour, black edge) as an icon for legends and menus."""
    from pyqtgraph.graphicsItems.ScatterPlotItem import Symbols

    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.translate(QPointF(size / 2, size / 2))
    painter.scale(size * 0.8, -size * 0.8)
    pen = QPen(QColor(theme.racer_edge(method)))
    pen.setWidthF(1.5 / size)
    painter.setPen(pen)
    painter.setBrush(QColor(theme.racer_color(method)))
    painter.drawPath(Symbols[theme.racer_symbol(method)])
    painter.end()
    return QIcon(pixmap)


def point_text(x: float, y: float) -> str:
    return f"({x:.4g}, {y:.4g})"


def parse_point(text: str) -> tuple[float, float]:
    """ "x, y", "(x, y)" or "x y" as two finite numbers; ValueError says what is wrong."""
    parts = text.strip().strip("()[]").replace(",", " ").split()
    if len(parts) != 2:
        raise ValueError("type two numbers, x and y, e.g. 0.5, -1.2")
    try:
        x, y = (float(part.replace("−", "-")) for part in parts)
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not two numbers x, y") from None
    if not (math.isfinite(x) and math.isfinite(y)):
        raise ValueError("x and y must be finite numbers")
    return x, y


class SurfacePicker(QWidget):
    """A combo of surfaces grouped by category (header rows are not selectable), the lesson, start presets."""

    surfaceChosen = Signal(str)
    presetChosen = Signal(int)
    startTyped = Signal(float, float)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.combo = QComboBox(self)
        self.combo.setMaxVisibleItems(30)
        self.combo.activated.connect(self._activated)
        self.lesson = ClampedLabel(self)  # projector mode shows two lines of it; the tooltip has all of it
        self.presets = QComboBox(self)  # a suggested start, or any start typed as "x, y" (Enter sets it)
        self.presets.setEditable(True)
        self.presets.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.presets.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.presets.setMinimumContentsLength(13)
        self.presets.setToolTip(self.tr("A suggested start, or type x, y and press Enter (or click the surface)"))
        self.presets.activated.connect(self.presetChosen)
        self.presets.lineEdit().returnPressed.connect(self._start_typed)
        self.start_error = QLabel(self)
        self.start_error.setWordWrap(True)
        set_text_color(self.start_error, theme.STOPPED)
        self.start_error.hide()
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(self.tr("Surface"), self), 0, 0)
        layout.addWidget(self.combo, 0, 1)
        layout.addWidget(QLabel(self.tr("Start at"), self), 0, 2)
        layout.addWidget(self.presets, 0, 3)
        layout.addWidget(self.start_error, 1, 0, 1, 5)
        layout.addWidget(self.lesson, 2, 0, 1, 5)
        layout.setColumnStretch(4, 1)

    def set_surfaces(self, surfaces) -> None:
        """Fill the combo with `surfaces` (Surface objects) grouped by category, in CATEGORY_ORDER."""
        with QSignalBlocker(self.combo):
            self.combo.clear()
            model = self.combo.model()
            categories = sorted({s.category for s in surfaces},
                                key=lambda c: CATEGORY_ORDER.index(c) if c in CATEGORY_ORDER else len(CATEGORY_ORDER))
            for category in categories:
                header = QStandardItem(category.capitalize())
                header.setFlags(Qt.ItemFlag.NoItemFlags)
                font = QFont(self.font())
                font.setBold(True)
                header.setFont(font)
                model.appendRow(header)
                for surface in surfaces:
                    if surface.category == category:
                        self.combo.addItem("    " + surface.name, surface.key)

    def add_custom(self, surface) -> None:
        """Show a custom surface as the chosen entry (one custom entry at most)."""
        index = self.combo.findData("custom")
        text = "    " + (surface.name or surface.formula)
        if index < 0:
            header = QStandardItem(self.tr("Custom"))
            header.setFlags(Qt.ItemFlag.NoItemFlags)
            self.combo.model().appendRow(header)
            self.combo.addItem(text, "custom")
            index = self.combo.count() - 1
        else:
            self.combo.setItemText(index, text)
        with QSignalBlocker(self.combo):
            self.combo.setCurrentIndex(index)

    def show_surface(self, surface, start: tuple[float, float]) -> None:
        """Select `surface` (silent), show its start presets, the start in use and what it teaches from there."""
        index = self.combo.findData(surface.key)
        if index >= 0:
            with QSignalBlocker(self.combo):
                self.combo.setCurrentIndex(index)
        self.lesson.set_full_text(surface.lesson_at(start))
        self.show_start_error("")
        with QSignalBlocker(self.presets):
            self.presets.clear()
            for i, (x, y) in enumerate(surface.starts):
                self.presets.addItem(point_text(x, y), i)
            preset = surface.starts.index(start) if start in surface.starts else -1
            self.presets.setCurrentIndex(preset)
            if preset < 0:  # a clicked or typed start: its coordinates, ready to be edited
                self.presets.setEditText(point_text(*start))

    def show_start_error(self, message: str) -> None:
        self.start_error.setText(message)
        self.start_error.setVisible(bool(message))

    def _start_typed(self) -> None:
        text = self.presets.currentText()
        if self.presets.findText(text) >= 0:
            return  # a preset's own text: the combo chooses the preset itself (presetChosen)
        try:
            x, y = parse_point(text)
        except ValueError as error:
            self.show_start_error(self.tr("Start: {0}").format(error))
            return
        self.startTyped.emit(x, y)

    def current_key(self) -> str | None:
        return self.combo.currentData()

    def _activated(self, index: int) -> None:
        key = self.combo.itemData(index)
        if key:
            self.surfaceChosen.emit(key)


class RacerList(QWidget):
    """The legend: per racer a check box (on/off, key 1–8), a radio button (selected racer) and a status badge."""

    toggled = Signal(str, bool)
    selected = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        self.checks: dict[str, QCheckBox] = {}
        self.radios: dict[str, QRadioButton] = {}
        self.badges: dict[str, ClampedLabel] = {}
        self.group = QButtonGroup(self)
        self.compact = False  # projector mode: one-line badges (set_compact)
        for row, method in enumerate(racers()):
            radio = QRadioButton(self)
            radio.setToolTip(self.tr("Select %s: its aids, equation and hyperparameters") % label(method))
            radio.toggled.connect(lambda on, m=method: on and self.selected.emit(m))
            self.group.addButton(radio)
            check = QCheckBox(f"{row + 1}  {label(method)}", self)
            check.setIcon(racer_icon(method))
            check.setToolTip(self.tr("Race %s (key %d)") % (label(method), row + 1))
            check.toggled.connect(lambda on, m=method: self.toggled.emit(m, on))
            badge = ClampedLabel(self)  # every line in normal mode; one, elided, in compact mode
            grid.addWidget(radio, row, 0)
            grid.addWidget(check, row, 1)
            grid.addWidget(badge, row, 2)
            self.checks[method], self.radios[method], self.badges[method] = check, radio, badge
        grid.setColumnStretch(2, 1)

    def set_enabled(self, method: str, on: bool) -> None:
        check = self.checks[method]
        with QSignalBlocker(check):
            check.setChecked(on)
        if not on:
            self.set_badge(method, "", "")

    def select(self, method: str) -> None:
        radio = self.radios[method]
        with QSignalBlocker(radio):
            radio.setChecked(True)

    def set_badge(self, method: str, status: str, text: str, short: str = "") -> None:
        """Status badge: "… running", "✓ converged at step 5: …", "✗ diverged at step 3: …"; in compact
        (projector) mode its one-line `short` form ("⊘ saddle point at step 6"), the whole text on hover."""
        badge = self.badges[method]
        words = short if self.compact and short else text
        shown = f"{BADGE_MARKS.get(status, '')} {words}".strip() if status else ""
        if badge.full_text() != shown:
            badge.set_full_text(shown)
            badge.setToolTip(text)
            palette = badge.palette()  # a palette, not a style sheet: style sheets stop font propagation
            palette.setColor(QPalette.ColorRole.WindowText, QColor(BADGE_COLORS.get(status, theme.MUTED)))
            badge.setPalette(palette)

    def set_compact(self, on: bool) -> None:
        """One-line badges (a projector's panel has no room for a status that wraps over five lines)."""
        self.compact = bool(on)
        for badge in self.badges.values():
            badge.set_max_lines(1 if on else 0)

    def set_icon_size(self, px: int) -> None:
        for method, check in self.checks.items():
            check.setIcon(racer_icon(method, px))
            check.setIconSize(check.iconSize().scaled(px, px, Qt.AspectRatioMode.IgnoreAspectRatio))


class AidSwitches(QWidget):
    """One check box per visual aid; those that mean nothing for the selected racer are greyed out."""

    changed = Signal(str, bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.checks: dict[str, QCheckBox] = {}
        for aid in aids():
            check = QCheckBox(aid_label(aid), self)
            check.toggled.connect(lambda on, a=aid: self.changed.emit(a, on))
            layout.addWidget(check)
            self.checks[aid] = check

    def set_values(self, values: dict[str, bool]) -> None:
        for aid, check in self.checks.items():
            with QSignalBlocker(check):
                check.setChecked(bool(values.get(aid)))

    def set_method(self, method: str) -> None:
        usable = applicable_aids(method)
        for aid, check in self.checks.items():
            check.setEnabled(aid in usable)
            check.setVisible(aid in usable)
