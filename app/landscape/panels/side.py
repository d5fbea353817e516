"""The side panel: the racer legend, then pages for the selected racer, the race settings and your f(x, y)."""
from __future__ import annotations

import dataclasses

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import theme
from app.landscape.model import first_order, label
from app.landscape.panels.controls import AidSwitches, RacerList
from app.widgets import EquationPanel, FormulaBox, HyperparameterEditor, LogSlider
from app.widgets.fonts import set_text_color
from core.methods import get_method

__all__ = ["SidePanel"]

WIDTH = 440  # px in normal mode; in projector mode the pages' widest row at 20+ px decides (fits a 1024-px screen)


class SidePanel(QWidget):
    """Holds the controls (public attributes); shows what the tab passes in and computes nothing.

    The racer legend stays in view; each page below it scrolls on its own (a scroll area lets word-wrapped
    labels take the height they need at projector font sizes instead of being squeezed).
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.racers = RacerList(self)
        self.aid_switches = AidSwitches(self)
        self.equation = EquationPanel(self)
        self.equation.equation_label.setWordWrap(True)  # long rules wrap rather than widen the panel
        self.editor = HyperparameterEditor(parent=self)
        self.editor_status = QLabel(self)
        self.editor_status.setWordWrap(True)
        set_text_color(self.editor_status, theme.STOPPED)
        self.editor_status.hide()
        self.pinned = QCheckBox(self.tr("Keep my edits on all surfaces"), self)
        self.pinned.setToolTip(self.tr("Off: each surface starts from its own tuned values, and your edits come "
                                       "back when you return to it. On: your edits follow you."))
        self.shared_lr = QCheckBox(self.tr("One lr for all first-order racers"), self)
        self.shared_lr_value = LogSlider(1e-5, 10.0, 0.01, log=True, parent=self)
        self.noise = LogSlider(0.0, 10.0, 0.0, log=True, parent=self)
        self.noise.setToolTip(self.tr("σ of Gaussian noise added to every first-order gradient: 0 = full-batch "
                                      "gradient descent, > 0 = stochastic (minibatch-like) gradients"))
        self.x_axis = QComboBox(self)
        self.x_axis.addItem(self.tr("iterations"), "iterations")
        self.x_axis.addItem(self.tr("gradient evaluations"), "evaluations")
        self.formula = FormulaBox(parent=self)

        method_page = QWidget(self)
        method_layout = QVBoxLayout(method_page)
        method_layout.addWidget(self.equation)
        method_layout.addWidget(self._group(self.tr("Visual aids"), self.aid_switches))
        method_layout.addWidget(self._group(self.tr("Hyperparameters"), self.editor, self.editor_status, self.pinned))
        method_layout.addStretch(1)
        race_page = QWidget(self)
        form = QFormLayout(race_page)
        form.addRow(self.shared_lr)
        form.addRow(self.tr("shared lr"), self.shared_lr_value)
        form.addRow(self.tr("gradient noise σ"), self.noise)
        form.addRow(self.tr("chart x axis"), self.x_axis)
        formula_page = QWidget(self)
        formula_layout = QVBoxLayout(formula_page)
        formula_layout.addWidget(self.formula)
        formula_layout.addStretch(1)
        self.pages = QTabWidget(self)
        self.pages.addTab(self._scrolling(method_page), self.tr("Selected racer"))
        self.pages.addTab(self._scrolling(race_page), self.tr("Race"))
        self.pages.addTab(self._scrolling(formula_page), self.tr("Your f(x, y)"))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self._group(self.tr("Racers (keys 1–8; ◉ = selected)"), self.racers))
        layout.addWidget(self.pages, 1)
        self.setMinimumWidth(WIDTH)

    def _scrolling(self, page: QWidget) -> QScrollArea:
        area = QScrollArea(self)
        area.setWidget(page)
        area.setWidgetResizable(True)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        area.setFrameShape(QScrollArea.Shape.NoFrame)
        return area

    def _group(self, title: str, *widgets) -> QGroupBox:
        box = QGroupBox(title, self)
        layout = QVBoxLayout(box)
        for widget in widgets:
            layout.addWidget(widget)
        return box

    def show_method(self, method: str, defaults: dict, values: dict, shared_lr: bool) -> None:
        """The editor for `method` (its Reset goes back to `defaults`), its values, its equation and aids."""
        specs = [dataclasses.replace(spec, default=defaults[spec.name]) for spec in get_method(method).specs]
        self.editor.set_specs(specs, values)
        if "lr" in self.editor.names():
            self.editor.set_enabled_param("lr", not (shared_lr and method in first_order()))
        self.aid_switches.set_method(method)
        self.pages.setTabText(0, label(method))
        self.set_status("")
        self.show_equation(method, values)

    def show_equation(self, method: str, values: dict) -> None:
        """Update rule in torch's form (symbols), the values in use, and what to watch for (texts from core)."""
        spec = get_method(method)
        try:
            text = spec.equation(values, values=False)
        except ValueError:  # a combination core refuses: show the rule of the method's defaults
            text = spec.equation(values=False)
        labels = {s.name: s.label for s in spec.specs}
        shown = {name: values[name] for name in labels if name in values}
        self.equation.show_method(spec.label, text, spec.note, shown, labels)

    def set_status(self, message: str) -> None:
        self.editor_status.setText(message)
        self.editor_status.setVisible(bool(message))

    def show_settings(self, scene) -> None:
        """Shared lr, noise and chart axis as in `scene` (silent)."""
        with QSignalBlocker(self.shared_lr):
            self.shared_lr.setChecked(scene.shared_lr)
        with QSignalBlocker(self.pinned):
            self.pinned.setChecked(scene.pinned)
        self.shared_lr_value.setValue(scene.lr)
        self.noise.setValue(scene.noise)
        self.x_axis.setCurrentIndex(self.x_axis.findData(scene.x_axis))
        self.aid_switches.set_values(scene.aids)

    def set_presentation(self, on: bool) -> None:
        """F2's widgets scale their own fonts (call before the tab scales its font)."""
        for widget in (self.equation, self.editor, self.formula):
            widget.set_presentation(on)

    def fit_width(self, on: bool) -> None:
        """The narrowest width for the mode (call after the fonts are scaled): in projector mode, the width that
        shows every page's widest row without clipping, so a 1024-px screen still leaves the surface most of it."""
        self.setMinimumWidth(self._widest_page() if on else WIDTH)

    def _widest_page(self) -> int:
        """The width that shows every page's widest row without clipping: its content, scroll bar and margins."""
        content = max(self.pages.widget(i).widget().minimumSizeHint().width() for i in range(self.pages.count()))
        bar = self.style().pixelMetric(self.style().PixelMetric.PM_ScrollBarExtent)
        margins = self.layout().contentsMargins()
        return content + bar + margins.left() + margins.right() + 12  # 12: the tab widget's frame
