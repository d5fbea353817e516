"""The Training tab's settings: data, network, training, optimizer (switchable mid-run) and race entries.

One concept a little over 300 lines: every setting of the next run, laid out, each writing into the model.
"""
from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app import theme
from app.training.model import start_hparams
from app.training.options import (
    CUSTOM,
    HIDDEN_PRESETS,
    format_hidden,
    method_label,
    parse_hidden,
    trainable,
    training_specs,
)
from app.training.panels.racelist import RaceList
from app.widgets import HyperparameterEditor, NumberBox
from app.widgets.fonts import set_text_color
from core.methods import get_method
from core.nn import ACTIVATIONS, INITS
from core.training import SCHEDULE_SPECS

HPARAM_SETTLE_MS = 350  # a slider drag becomes one mid-run change (one marker), not fifty


def _form(box: QGroupBox) -> QFormLayout:
    form = QFormLayout(box)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # a narrow column puts fields under their labels
    return form


def _compact(combo: QComboBox, letters: int = 8) -> QComboBox:
    """Long entries (schedule formulas) must not widen the whole panel; the popup still shows them in full."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(letters)
    return combo


class Controls(QWidget):
    """Everything a run is built from; network/data settings apply at the next run, optimizer ones at once."""

    method_changed = Signal(str, dict)  # method, its hyperparameters: switch now
    hparams_changed = Signal(dict)  # name -> value: apply now
    refused = Signal(str)  # a setting core refused (the model keeps the last valid one)
    download_requested = Signal()
    folder_requested = Signal()
    source_changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addWidget(self._data_box())
        layout.addWidget(self._network_box())
        layout.addWidget(self._training_box())
        layout.addWidget(self._optimizer_box())
        layout.addWidget(self._race_box())
        layout.addStretch(1)
        for combo in self.findChildren(QComboBox):
            _compact(combo)
        self._pending: dict = {}
        self._settle = QTimer(self, singleShot=True, interval=HPARAM_SETTLE_MS)
        self._settle.timeout.connect(self.flush_hparams)

    # -- sections ------------------------------------------------------------------------------------------
    def _data_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Data"), self)
        form = _form(box)
        self.source = QComboBox(box)
        self.source.addItem(self.tr("Bundled 10,000 digits"), "bundled")
        self.source.addItem(self.tr("Full MNIST (70,000 digits)"), "full")
        tip = self.tr("{0} training and {1} validation digits")
        for i, counts in enumerate((("8,000", "2,000"), ("60,000", "10,000"))):
            self.source.setItemData(i, tip.format(*counts), Qt.ItemDataRole.ToolTipRole)
        self.source.currentIndexChanged.connect(self.source_changed)
        self.download_button = QPushButton(self.tr("Download MNIST…"), box)
        self.download_button.clicked.connect(self.download_requested)
        self.folder_button = QPushButton(self.tr("Open folder…"), box)
        self.folder_button.clicked.connect(self.folder_requested)
        buttons = QVBoxLayout()  # one above the other: the column stays narrow at projector sizes
        buttons.addWidget(self.download_button)
        buttons.addWidget(self.folder_button)
        self.data_label = QLabel(box)
        self.data_label.setWordWrap(True)
        form.addRow(self.tr("Dataset"), self.source)
        form.addRow(buttons)
        form.addRow(self.data_label)
        return box

    def _network_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Network (applies on Reset)"), self)
        form = _form(box)
        self.hidden_preset = QComboBox(box)
        for label, sizes in HIDDEN_PRESETS.items():
            self.hidden_preset.addItem(label, sizes)
        self.hidden_preset.addItem(self.tr(CUSTOM), None)
        self.hidden_text = QLineEdit(format_hidden(HIDDEN_PRESETS["4 × 100 (lecture)"]), box)
        self.hidden_text.setPlaceholderText("100,100,100,100")
        self.hidden_text.setToolTip(self.tr("Hidden layer sizes, comma separated; empty = no hidden layer"))
        self.hidden_error = QLabel(box)
        self.hidden_error.setWordWrap(True)
        set_text_color(self.hidden_error, theme.BAD)
        self.hidden_error.hide()
        self.hidden_preset.currentIndexChanged.connect(self._preset_chosen)
        self.hidden_text.textEdited.connect(self._hidden_edited)
        self.activation = QComboBox(box)
        for key, (label, _alpha, formula) in ACTIVATIONS.items():
            self.activation.addItem(f"{label}: {formula}", key)
        self.activation.setCurrentIndex(self.activation.findData("relu"))
        self.init = QComboBox(box)
        for key, (label, note) in INITS.items():
            self.init.addItem(label, key)
            self.init.setItemData(self.init.count() - 1, note, Qt.ItemDataRole.ToolTipRole)
        self.init.setCurrentIndex(self.init.findData("he"))
        self.batch_norm = QCheckBox(self.tr("batch normalization"), box)
        self.dropout = QDoubleSpinBox(box)
        self.dropout.setRange(0.0, 0.9)
        self.dropout.setSingleStep(0.1)
        self.dropout.setToolTip(self.tr("Probability of dropping each hidden unit in training (inverted dropout)"))
        self.weight_decay = NumberBox(0.0, 1.0, log=True, parent=box)
        self.weight_decay.setValue(0.0)
        self.weight_decay.setToolTip(self.tr("L2 regularization strength λ (adds ½λ‖W‖² to the loss)"))
        form.addRow(self.tr("Hidden layers"), self.hidden_preset)
        form.addRow("", self.hidden_text)
        form.addRow(self.hidden_error)
        form.addRow(self.tr("Activation"), self.activation)
        form.addRow(self.tr("Initialization"), self.init)
        form.addRow("", self.batch_norm)
        form.addRow(self.tr("Dropout"), self.dropout)
        form.addRow(self.tr("L2 λ"), self.weight_decay)
        return box

    def _training_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Training"), self)
        form = _form(box)
        self.batch_size = QSpinBox(box)
        self.batch_size.setRange(1, 4096)
        self.batch_size.setValue(64)
        self.schedule = QComboBox(box)
        self.iterations = QSpinBox(box)
        self.iterations.setRange(10, 1_000_000)
        self.iterations.setSingleStep(500)
        self.iterations.setValue(3000)
        self.seed = QSpinBox(box)
        self.seed.setRange(0, 2**31 - 1)
        self.eval_every = QSpinBox(box)
        self.eval_every.setRange(1, 100_000)
        self.eval_every.setValue(50)
        self.eval_every.setSuffix(self.tr(" iterations"))
        form.addRow(self.tr("Batch size"), self.batch_size)
        form.addRow(self.tr("lr schedule"), self.schedule)
        self.schedule_editor = HyperparameterEditor(parent=box)  # the chosen schedule's own parameters
        self.schedule_editor.reset_button.hide()
        self.schedule_editor.hide()
        form.addRow(self.schedule_editor)
        form.addRow(self.tr("Iterations"), self.iterations)
        form.addRow(self.tr("Seed"), self.seed)
        form.addRow(self.tr("Evaluate every"), self.eval_every)
        return box

    def _optimizer_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Optimizer (switch any time)"), self)
        layout = QVBoxLayout(box)
        self.method = QComboBox(box)
        for name in trainable():
            self.method.addItem(method_label(name), name)
        self.method.setCurrentIndex(self.method.findData("sgd"))
        self._shown = "sgd"
        self._remembered: dict[str, dict] = {}  # method -> the values last used with it
        self.editor = HyperparameterEditor(training_specs("sgd"), start_hparams("sgd"), parent=box)
        self.note = QLabel(get_method("sgd").note, box)
        self.note.setWordWrap(True)
        set_text_color(self.note, theme.MUTED)
        layout.addWidget(self.method)
        layout.addWidget(self.editor)
        layout.addWidget(self.note)
        self.method.activated.connect(self._method_chosen)
        self.editor.changed.connect(self._hparams_edited)
        return box

    def _race_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Race entries"), self)
        layout = QVBoxLayout(box)
        self.race_list = RaceList(box)
        layout.addWidget(self.race_list)
        return box

    # -- the model ----------------------------------------------------------------------------------------
    def set_presentation(self, on: bool) -> None:
        """Projector mode: every field under its label, so a narrow column shows a choice's whole text."""
        policy = QFormLayout.RowWrapPolicy
        for form in self.findChildren(QFormLayout):
            form.setRowWrapPolicy(policy.WrapAllRows if on else policy.WrapLongRows)

    def bind(self, model) -> None:
        """Every setting widget writes into `model` (validated by core there); a refused value is reported."""
        self.model = model
        setters = (
            (self.activation.currentIndexChanged, lambda: {"activation": self.activation.currentData()}),
            (self.init.currentIndexChanged, lambda: {"init": self.init.currentData()}),
            (self.batch_norm.toggled, lambda: {"batch_norm": self.batch_norm.isChecked()}),
            (self.dropout.valueChanged, lambda: {"dropout": float(self.dropout.value())}),
            (self.weight_decay.valueChanged, lambda: {"weight_decay": float(self.weight_decay.value())}),
            (self.batch_size.valueChanged, lambda: {"batch_size": int(self.batch_size.value())}),
            (self.schedule.currentIndexChanged, self._schedule_chosen),
            (self.schedule_editor.changed, lambda: {"schedule": self._schedule()}),
            (self.iterations.valueChanged, lambda: {"iterations": int(self.iterations.value())}),
            (self.seed.valueChanged, lambda: {"seed": int(self.seed.value())}),
            (self.eval_every.valueChanged, lambda: {"eval_every": int(self.eval_every.value())}),
        )
        for signal, read in setters:
            signal.connect(lambda *_args, read=read: self._store(read()))
        self._store({"activation": self.activation.currentData(), "init": self.init.currentData(),
                     "batch_size": int(self.batch_size.value()), "iterations": int(self.iterations.value()),
                     "eval_every": int(self.eval_every.value()),
                     "schedule": self._schedule()})
        model.set_hparams(self.editor.values(), replace=True)
        model.subscribe(lambda what: self.show_settings(model.settings) if what == "settings" else None)

    def show_init(self, init: str) -> None:
        """Show an initialization chosen elsewhere (the divergence banner's fix), emitting nothing."""
        with QSignalBlocker(self.init):
            self.init.setCurrentIndex(self.init.findData(init))

    def show_settings(self, settings: dict) -> None:
        """Show the model's settings (after it changed them itself: loaded settings, a lesson), emitting nothing."""
        combos = ((self.activation, "activation"), (self.init, "init"))
        spins = ((self.dropout, "dropout"), (self.weight_decay, "weight_decay"), (self.batch_size, "batch_size"),
                 (self.iterations, "iterations"), (self.seed, "seed"), (self.eval_every, "eval_every"))
        for combo, name in combos:
            index = combo.findData(settings[name])
            if index >= 0 and index != combo.currentIndex():
                with QSignalBlocker(combo):
                    combo.setCurrentIndex(index)
        for box, name in spins:
            if box.value() != settings[name]:
                with QSignalBlocker(box):
                    box.setValue(settings[name])
        if self.batch_norm.isChecked() != settings["batch_norm"]:
            with QSignalBlocker(self.batch_norm):
                self.batch_norm.setChecked(settings["batch_norm"])
        try:
            typed = parse_hidden(self.hidden_text.text())
        except ValueError:
            typed = None
        if "hidden" not in self.model.errors and typed != tuple(settings["hidden"]):  # never under the user's cursor
            with QSignalBlocker(self.hidden_text):
                self.hidden_text.setText(format_hidden(settings["hidden"]))
            with QSignalBlocker(self.hidden_preset):
                index = self.hidden_preset.findData(tuple(settings["hidden"]))
                self.hidden_preset.setCurrentIndex(index if index >= 0 else self.hidden_preset.count() - 1)

    def _schedule(self) -> dict:
        """The chosen schedule with the parameters shown for it."""
        return {"kind": self.schedule.currentData() or "constant", **self.schedule_editor.values()}

    def _schedule_chosen(self) -> dict:
        kind = self.schedule.currentData() or "constant"
        specs = SCHEDULE_SPECS.get(kind, ())
        self.schedule_editor.set_specs(specs, {s.name: s.default for s in specs})
        self.schedule_editor.setVisible(bool(specs))
        return {"schedule": self._schedule()}

    def _store(self, changes: dict) -> None:
        try:
            self.model.set(**changes)
        except ValueError as exc:
            self.refused.emit(str(exc))

    def _store_hidden(self) -> None:
        """The preset's sizes, or the typed ones; a text that does not parse is shown under the field."""
        sizes = self.hidden_preset.currentData()
        if sizes is None:
            try:
                sizes = parse_hidden(self.hidden_text.text())
            except ValueError as exc:
                self._show_hidden_error(str(exc))
                self.model.set_error("hidden", str(exc))
                return
        self._show_hidden_error("")
        self._store({"hidden": tuple(sizes)})

    def set_schedules(self, schedules: dict) -> None:
        """key -> label, from core."""
        self.schedule.clear()
        for key, label in schedules.items():
            self.schedule.addItem(label, key)

    def set_method(self, name: str, hparams: dict | None = None) -> None:
        """Show `name` and its hyperparameters without emitting anything."""
        self._remembered[self._shown] = self.editor.values()
        self.method.setCurrentIndex(self.method.findData(name))
        self.editor.set_specs(training_specs(name), hparams or self._remembered.get(name, start_hparams(name)))
        self._shown = name
        self.note.setText(get_method(name).note)

    def choose_method(self, name: str) -> None:
        """What picking `name` in the drop-down does (switches a running network)."""
        self.method.setCurrentIndex(self.method.findData(name))
        self._method_chosen(self.method.currentIndex())

    # -- reacting ------------------------------------------------------------------------------------------
    def _preset_chosen(self, index: int) -> None:
        sizes = self.hidden_preset.itemData(index)
        custom = sizes is None
        if not custom:
            self.hidden_text.setText(format_hidden(sizes))
        if hasattr(self, "model"):
            self._store_hidden()

    def _hidden_edited(self, text: str) -> None:
        with QSignalBlocker(self.hidden_preset):
            self.hidden_preset.setCurrentIndex(self.hidden_preset.count() - 1)
        if hasattr(self, "model"):
            self._store_hidden()

    def _show_hidden_error(self, text: str) -> None:
        self.hidden_error.setText(text)
        self.hidden_error.setVisible(bool(text))

    def _method_chosen(self, index: int) -> None:
        name = self.method.itemData(index)
        self._remembered[self._shown] = self.editor.values()
        self.editor.set_specs(training_specs(name), self._remembered.get(name, start_hparams(name)))
        self._shown = name
        self.note.setText(get_method(name).note)
        self._pending.clear()
        self._settle.stop()
        self.method_changed.emit(name, self.editor.values())

    def _hparams_edited(self, changes: dict) -> None:
        self._pending.update(changes)
        self._settle.start()

    def flush_hparams(self) -> None:
        """Emit the hyperparameter changes gathered while the user was still dragging."""
        self._settle.stop()
        if self._pending:
            changes, self._pending = dict(self._pending), {}
            self.hparams_changed.emit(changes)
