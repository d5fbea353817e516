"""The Training tab: train MNIST live in a worker thread, switch optimizers mid-run, race them, look inside."""
from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QScrollArea, QSplitter, QVBoxLayout, QWidget

from app.theme import racer_color
from app.training.banner import Banner
from app.training.controls import Controls
from app.training.curves import Curves
from app.training.datasource import DataSource
from app.training.engines import Answer, Change, Contest, Predictions, Solo, Started, Tick, Wants
from app.training.options import describe, method_label, racer_colors
from app.training.panels import SidePanel, Toolbar
from app.training.runlog import change_label, divergence_text, status_text
from app.training.worker import Failure, Session
from app.widgets import format_number, scale_fonts
from app.widgets.keys import install_shortcuts
from core.training import SCHEDULES, TrainConfig, typical_lr

log = logging.getLogger(__name__)


class TrainingTab(QWidget):
    """Owns one Session (at most one training thread); views show what core's Trainer and Race report."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.session = Session(self)
        self.wants = Wants()
        self.engine_kind = ""  # "solo" | "race": what session.engine is, once its thread has ended
        self.runs = 0
        self.last_tick: Tick | None = None
        self._build()
        self.data = DataSource(self.controls, self.banner, self)
        self._connect()
        self.shortcuts = install_shortcuts(self, {"Space": self.toggle_play})
        self.wants.predictions = self.side.page() == "predictions"
        self._update_buttons()

    # ── layout ──────────────────────────────────────────────────────────────────────────────────────────────
    def _build(self) -> None:
        self.controls = Controls(self)
        self.controls.set_schedules({key: f"{key.replace('_', ' ')}: {formula}" for key, formula in SCHEDULES.items()})
        scroll = QScrollArea(self)
        scroll.setWidget(self.controls)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(self.controls.sizeHint().width() + 24)
        self.toolbar = Toolbar(self)
        self.banner = Banner(self)
        self.curves = Curves(self)
        self.loss_chart, self.acc_chart = self.curves.loss, self.curves.accuracy
        self.side = SidePanel(self)
        self.diagnostics, self.predictions = self.side.diagnostics, self.side.predictions
        self.draw_panel, self.race_panel = self.side.draw, self.side.race
        main = QSplitter(Qt.Orientation.Horizontal, self)
        main.addWidget(scroll)
        main.addWidget(self.curves.widget)
        main.addWidget(self.side)
        main.setStretchFactor(1, 3)
        main.setStretchFactor(2, 2)
        main.setSizes([scroll.minimumWidth(), 620, 440])
        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.banner)
        layout.addWidget(main, 1)

    def _connect(self) -> None:
        self.session.delivered.connect(self.deliver)
        self.session.ended.connect(self._ended)
        self.session.state_changed.connect(self._update_buttons)
        bar = self.toolbar
        bar.play_button.clicked.connect(self.toggle_play)
        bar.stop_button.clicked.connect(self.stop)
        bar.reset_button.clicked.connect(self.reset)
        bar.race_button.clicked.connect(self.start_race)
        bar.clear_button.clicked.connect(self.clear_ghosts)
        bar.x_axis.currentIndexChanged.connect(self._x_axis_chosen)
        bar.log_scale.toggled.connect(self.loss_chart.set_log)
        self.controls.method_changed.connect(self.switch_optimizer)
        self.controls.hparams_changed.connect(self.set_hparams)
        self.draw_panel.requested.connect(self.ask_drawing)
        self.side.currentChanged.connect(self._side_page_changed)

    # ── running ─────────────────────────────────────────────────────────────────────────────────────────────
    @property
    def state(self) -> str:
        return self.session.state

    @property
    def thread(self):
        """The running training thread, if any (for tests and shutdown)."""
        return self.session.thread

    @Slot()
    def toggle_play(self) -> None:
        """Space: pause a running run, resume a paused one, otherwise continue the last network or start anew."""
        if self.state == "running":
            self.session.pause()
        elif self.state == "paused":
            self.session.resume()
        elif self.session.engine is not None and self._can_continue():
            self._continue()
        else:
            self.start_solo()

    def _can_continue(self) -> bool:
        engine = self.session.engine
        if self.engine_kind == "solo":
            return engine.trainer.status != "diverged"
        return not all(t.status == "diverged" for t in engine.race.trainers.values())

    def _continue(self) -> None:
        engine = self.session.engine
        if engine.done:
            engine.extend(self.controls.iterations.value())
        self.session.start(lambda: engine)
        self.banner.hide()

    def _config(self, **overrides) -> TrainConfig | None:
        """A TrainConfig from the controls; None (and a banner saying why) when a setting is invalid."""
        try:
            settings = self.controls.settings()
            return TrainConfig(**{**settings, "diagnostics_every": 0, **overrides})
        except ValueError as exc:
            self.banner.show_message(self.tr("Check the settings"), str(exc), "warning")
            return None

    def start_solo(self) -> None:
        """A new network from the controls; the previous curves become ghosts."""
        if not self.data.ready():
            return
        method, hparams = self.controls.method_name(), self.controls.hparams()
        config = self._config(optimizer=method, hparams=hparams)
        if config is None:
            return
        self.controls.flush_hparams()
        self._archive()
        self.runs += 1
        label = f"run {self.runs}: {method_label(method)}"
        self.curves.new(label, racer_color(method))
        self.diagnostics.clear()
        self.diagnostics.histograms.prepare(len(config.hidden))
        wants = self.wants
        self.engine_kind = "solo"
        self.session.start(self.data.builder(lambda data: Solo(data, config, wants, label)))
        self.banner.hide()
        self.toolbar.status.setText(self.tr("Loading data and building the network…"))

    def start_race(self) -> None:
        """Every race entry from the same weights on the same minibatches, in lockstep."""
        entries = self.controls.race_list.entries()
        if not self.data.ready():
            return
        if not entries:
            self.banner.show_message(self.tr("Nothing to race"),
                                     self.tr("Add at least one entry under “Race entries”."),
                                     "warning")
            return
        config = self._config()
        if config is None:
            return
        self._archive()
        self.runs += 1
        labelled = [{**entry, "label": describe(entry)} for entry in entries]
        for entry, color in zip(labelled, racer_colors(entries), strict=False):
            self.curves.new(entry["label"], color, show_raw=False)  # noisy curves would hide the comparison
        self.race_panel.table.set_racers([(r.key, r.label, r.color) for r in self.records.values()])
        self.diagnostics.clear()
        self.engine_kind = "race"
        self.session.start(self.data.builder(lambda data: Contest(data, labelled, config)))
        self.side.setCurrentWidget(self.race_panel)
        self.banner.hide()
        self.toolbar.status.setText(self.tr("Loading data and building {0} networks…").format(len(entries)))

    @Slot()
    def stop(self) -> None:
        self.session.stop()

    @Slot()
    def reset(self) -> None:
        """Forget the network (curves become ghosts); the next Train starts from fresh weights."""
        self.session.stop()
        self.session.engine = None
        self._archive()
        self.diagnostics.clear()
        self.predictions.clear()
        self.draw_panel.show_probabilities(None, self.tr("Train a network first (Space)"))
        self.banner.hide()
        self.toolbar.status.setText(self.tr("Press Space to train a new network"))
        self._update_buttons()

    def shutdown(self) -> None:
        """Stop every thread this tab started (the window is closing)."""
        self.session.stop()
        self.data.shutdown()

    @property
    def records(self):
        return self.curves.records

    @property
    def ghosts(self):
        return self.curves.ghosts

    def _archive(self) -> None:
        self.curves.archive()
        self.last_tick = None
        self._refresh()

    @Slot()
    def clear_ghosts(self) -> None:
        self.curves.clear_ghosts()

    # ── mid-run changes ─────────────────────────────────────────────────────────────────────────────────────
    @Slot(str, dict)
    def switch_optimizer(self, name: str, hparams: dict) -> None:
        """Switch the running (or stopped) single run to `name`; before a run this only sets the next one."""
        self._command(lambda engine, name=name, hp=dict(hparams): engine.switch(name, hp))

    @Slot(dict)
    def set_hparams(self, changes: dict) -> None:
        self._command(lambda engine, hp=dict(changes): engine.set_hparams(hp))

    def _command(self, command) -> None:
        if self.engine_kind != "solo":
            return
        if self.session.alive:
            self.session.post(command)  # runs in the worker thread between two steps
        elif self.session.engine is not None:
            try:
                self.deliver([command(self.session.engine)])  # the thread has ended: the engine is ours
            except ValueError as exc:
                self.deliver([Failure(str(exc), fatal=False)])

    @Slot(object)
    def ask_drawing(self, digit) -> None:
        """Probabilities for a drawn digit from the current single-run network."""
        if self.engine_kind != "solo" or (not self.session.alive and self.session.engine is None):
            note = self.tr("Race networks are many: train a single run to ask one") if self.engine_kind == "race" \
                else self.tr("Train a network first (Space)")
            self.draw_panel.show_probabilities(None, note)
            return
        self._command(lambda engine, digit=digit: engine.answer(digit))

    # ── results from the worker (every ~33 ms, everything since the last frame) ─────────────────────────────
    @Slot(list)
    def deliver(self, items: list) -> None:
        for item in items:
            if isinstance(item, Tick):
                self._tick(item)
            elif isinstance(item, Started):
                self._started(item)
            elif isinstance(item, Predictions):
                self.predictions.show_predictions(item)
            elif isinstance(item, Change):
                self.curves.add_change(item.label, item.event.iteration, change_label(item.event))
            elif isinstance(item, Answer):
                self.draw_panel.show_probabilities(item.probabilities, predicted=item.predicted)
            elif isinstance(item, Failure):
                if item.details:
                    log.warning("training worker: %s\n%s", item.message, item.details)
                self.banner.show_message(self.tr("That did not work") if not item.fatal else self.tr("The run stopped"),
                                         item.message, "warning" if not item.fatal else "error")
        self._refresh()

    def _started(self, started: Started) -> None:
        self.data.loaded(started.dataset)
        self.curves.add_start(started)
        self.predictions.clear()
        if self.engine_kind == "solo":
            self.diagnostics.show_initial(started.initial)
            self.predictions.grid.set_digits(started.grid_images, started.grid_labels, started.dataset.class_names)
            if not self.draw_panel.pad.is_empty():
                self.draw_panel.submit()

    def _tick(self, tick: Tick) -> None:
        record = self.curves.add_tick(tick)
        if record is None:
            return
        result = tick.result
        if result.diagnostics is not None and self.engine_kind == "solo":
            self.diagnostics.show_diagnostics(result.diagnostics)
        if result.status != record.status:
            record.status, record.message = result.status, result.message
            if result.status == "diverged":
                self._diverged(tick)
        self.last_tick = tick

    def _diverged(self, tick: Tick) -> None:
        solo = self.engine_kind == "solo"
        typical = typical_lr(tick.result.optimizer) if solo else None
        action = self.tr("Reset with lr {0}").format(format_number(typical)) if typical else ""
        self.banner.show_message(self.tr("Training diverged — the loss is no longer a number"),
                                 divergence_text(tick.result, "" if solo else tick.label), "error", action,
                                 lambda: self._reset_with_lr(typical))

    @Slot(str)
    def _ended(self, reason: str) -> None:
        self._update_buttons()
        self._refresh()

    def _refresh(self) -> None:
        self.curves.refresh()
        if self.engine_kind == "race":
            self.race_panel.show_records(self.records.values())
        self.toolbar.status.setText(status_text(self.state, self.last_tick, self.records))

    # ── buttons, views ───────────────────────────────────────────────────────────────────────────────
    @Slot()
    def _update_buttons(self, *_args) -> None:
        bar, state = self.toolbar, self.state
        resumable = self.session.engine is not None and self._can_continue()
        bar.play_button.setText({"running": self.tr("Pause"), "paused": self.tr("Resume")}.get(
            state, self.tr("Continue") if resumable else self.tr("Train")))
        bar.play_button.setIcon(bar.icons["pause" if state == "running" else "play"])
        bar.stop_button.setEnabled(self.session.alive)

    def _reset_with_lr(self, lr) -> None:
        """The divergence banner's fix: core's typical learning rate for this optimizer, and a fresh network."""
        if lr:
            self.controls.editor.set_values({"lr": lr})
        self.reset()

    def _x_axis_chosen(self, index: int) -> None:
        self.curves.set_x_axis(self.toolbar.x_axis.itemData(index))

    def _side_page_changed(self, _index: int) -> None:
        page = self.side.page()
        self.wants.predictions = page == "predictions"
        if page == "predictions" and self.engine_kind == "solo":
            self._command(lambda engine: engine.predictions())

    def add_dataset(self, dataset) -> None:
        """Offer an already loaded core Dataset in the Dataset choice and select it."""
        self.data.add_dataset(dataset)

    def set_presentation(self, on: bool) -> None:
        scale_fonts(self, on)
        self.curves.set_presentation(on)
        self.diagnostics.set_presentation(on)
