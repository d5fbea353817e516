"""What the Training tab does: start, pause, halt, continue and reset runs in a worker process, steer them mid-run,
and route what they report to the views. The settings come from the model, never from widgets."""
from __future__ import annotations

import functools
import logging
import math

from PySide6.QtCore import QObject, Slot

from app.runtime.runs import Failure, RunDriver
from app.theme import racer_color
from app.training.engines import Answer, Change, Hint, Predictions, Started, Tick, build_race, build_solo
from app.training.options import describe, method_label, racer_colors
from app.training.runlog import change_label, divergence_text, status_text
from app.widgets import format_number
from core.errors import ConfigError

log = logging.getLogger(__name__)

#: heavy numeric work runs in a process: a busy GUI would cost a worker thread ~30 % of its speed (the GIL)
BACKEND = "process"


class TrainingController(QObject):
    """Owns the run driver (at most one worker); `views` is the tab, which holds the widgets."""

    def __init__(self, model, views, backend: str = BACKEND, parent=None):
        super().__init__(parent)
        self.model, self.views = model, views
        self.driver = RunDriver(backend, self)
        self.last_tick: Tick | None = None
        self.predictions_shown = False
        self.driver.delivered.connect(self.deliver)
        self.driver.ended.connect(self._ended)
        self.driver.state_changed.connect(self._state_changed)

    @property
    def state(self) -> str:
        return self.driver.state

    # ── running ─────────────────────────────────────────────────────────────────────────────────────────
    @Slot()
    def toggle_play(self) -> None:
        """Space: pause a running run, resume a paused one, otherwise continue the last network or start anew."""
        if self.state == "running":
            self.driver.pause()
        elif self.state == "paused":
            self.driver.resume()
        elif self.state == "finished" and self.model.can_continue():
            self.driver.post("extend", int(self.model.settings["iterations"]))
            self.driver.resume()
            self.views.banner.hide()
        else:
            self.start_solo()

    def _config(self, **overrides):
        """The next run's TrainConfig from the model; None (and a banner saying why) when a setting is invalid."""
        try:
            return self.model.config(**overrides)
        except ConfigError as exc:
            self.views.banner.show_message(self.tr("Check the settings"), str(exc), "warning")
            return None

    def _source(self):
        settings = self.model.settings
        return settings["source"], int(settings["seed"])

    def start_solo(self) -> None:
        """A new network from the settings; the previous curves become ghosts."""
        views = self.views
        if not views.data.ready():
            return
        views.controls.flush_hparams()
        method = self.model.settings["optimizer"]
        config = self._config()
        if config is None:
            return
        self._archive()
        label = f"run {self.model.runs + 1}: {method_label(method)}"
        self.model.begin_run("solo", [label])
        views.curves.new(label, racer_color(method))
        views.side.set_networks([])
        views.diagnostics.clear()
        views.diagnostics.histograms.prepare(len(config.hidden))
        source, seed = self._source()
        self.driver.start(functools.partial(build_solo, source, seed, config, label, self.predictions_shown))
        views.banner.hide()
        views.toolbar.status.setText(self.tr("Loading data and building the network…"))

    def start_race(self) -> None:
        """Every race entry from the same weights on the same minibatches, in lockstep."""
        views = self.views
        entries = views.controls.race_list.entries()
        if not views.data.ready():
            return
        if not entries:
            views.banner.show_message(self.tr("Nothing to race"),
                                      self.tr("Add at least one entry under “Race entries”."), "warning")
            return
        config = self._config()
        if config is None:
            return
        self._archive()
        labelled = [{**entry, "label": describe(entry)} for entry in entries]
        self.model.begin_run("race", [entry["label"] for entry in labelled])
        for entry, color in zip(labelled, racer_colors(entries), strict=True):
            views.curves.new(entry["label"], color, show_raw=False)  # noisy curves would hide the comparison
        views.race_panel.table.set_racers([(r.key, r.label, r.color) for r in views.curves.records.values()])
        views.side.set_networks([entry["label"] for entry in labelled])  # the first answers until one is chosen
        views.diagnostics.clear()
        source, seed = self._source()
        self.driver.start(functools.partial(build_race, source, seed, labelled, config))
        if self.predictions_shown:
            self.driver.post("want", True)
        views.side.setCurrentWidget(views.race_panel)
        views.banner.hide()
        views.toolbar.status.setText(self.tr("Loading data and building {0} networks…").format(len(entries)))

    @Slot()
    def stop(self) -> None:
        """Stop training now (a step under way is cut short); Space continues the same network."""
        self.driver.halt()

    @Slot()
    def reset(self) -> None:
        """Forget the network (curves become ghosts); the next Train starts from fresh weights."""
        views = self.views
        self.driver.stop()
        self.model.forget_run()
        self._archive()
        views.diagnostics.clear()
        views.predictions.clear()
        views.draw_panel.show_probabilities(None, self.tr("Train a network first (Space)"))
        views.banner.hide()
        views.toolbar.status.setText(self.tr("Press Space to train a new network"))
        self.views.update_buttons()

    def shutdown(self) -> None:
        """End the worker (the window is closing): returns within a fraction of a second."""
        self.driver.stop()

    def _archive(self) -> None:
        self.views.curves.archive()
        self.last_tick = None
        self.refresh()

    # ── mid-run changes ─────────────────────────────────────────────────────────────────────────────────
    @Slot(str, dict)
    def switch_optimizer(self, name: str, hparams: dict) -> None:
        """Switch the running (or halted) single run to `name`; without one this only sets the next run."""
        try:
            self.model.set(optimizer=name)
            self.model.set_hparams(hparams, replace=True)
        except ConfigError as exc:
            self.views.banner.show_message(self.tr("That did not work"), str(exc), "warning")
            return
        if self.model.solo:
            self.driver.post("switch", name, dict(hparams))

    @Slot(dict)
    def set_hparams(self, changes: dict) -> None:
        try:
            self.model.set_hparams(changes)
        except ConfigError as exc:
            self.views.banner.show_message(self.tr("That did not work"), str(exc), "warning")
            return
        if self.model.solo:
            self.driver.post("set_hparams", dict(changes))

    @Slot(object)
    def ask_drawing(self, digit) -> None:
        """Probabilities for a drawn digit from the current network (after a race, the chosen racer's)."""
        if not self.model.kind or not self.driver.alive:
            self.views.draw_panel.show_probabilities(None, self.tr("Train a network first (Space)"))
            return
        self.driver.post("answer", digit)

    def show_predictions(self, shown: bool) -> None:
        """The Predictions page is shown (or hidden): predictions are computed only while it is."""
        self.predictions_shown = bool(shown)
        if self.model.kind and self.driver.alive:
            self.driver.post("want", self.predictions_shown)
            if shown:
                self.driver.post("predictions")

    @Slot(str)
    def choose_network(self, label: str) -> None:
        """After (or during) a race: `label`'s network answers Predictions and Draw."""
        if not self.model.race or not self.driver.alive:
            return
        self.driver.post("choose", label)
        if self.predictions_shown:
            self.driver.post("predictions")
        if not self.views.draw_panel.pad.is_empty():
            self.views.draw_panel.submit()

    # ── results from the worker (every ~33 ms, everything since the last frame) ─────────────────────────
    @Slot(list)
    def deliver(self, items: list) -> None:
        views = self.views
        for item in items:
            if isinstance(item, Tick):
                self._tick(item)
            elif isinstance(item, Started):
                self._started(item)
            elif isinstance(item, Predictions):
                views.predictions.show_predictions(item)
            elif isinstance(item, Change):
                views.curves.add_change(item.label, item.event.iteration, change_label(item.event))
                record = views.curves.records.get(item.label)
                if item.event.kind == "switch" and record is not None:  # the label tells the optimizer sequence
                    views.curves.rename(item.label, f"{record.label} → {method_label(item.event.after['name'])}")
            elif isinstance(item, Hint):
                views.banner.show_message(self.tr("The network is not learning"), item.message, "warning")
            elif isinstance(item, Answer):
                views.draw_panel.show_probabilities(item.probabilities, predicted=item.predicted)
            elif isinstance(item, Failure):
                if item.details:
                    log.warning("training worker: %s\n%s", item.message, item.details)
                views.banner.show_message(self.tr("The run stopped") if item.fatal else self.tr("That did not work"),
                                          item.message, "error" if item.fatal else "warning")
        self.refresh()

    def _started(self, started: Started) -> None:
        views = self.views
        views.data.loaded(started.data)
        views.curves.add_start(started)
        views.predictions.clear()
        if self.model.solo:
            views.diagnostics.show_initial(started.initial)
        views.predictions.grid.set_digits(started.grid_images, started.grid_labels, started.data.class_names)
        if not views.draw_panel.pad.is_empty():
            views.draw_panel.submit()

    def _tick(self, tick: Tick) -> None:
        record = self.views.curves.add_tick(tick)
        if record is None:
            return
        result = tick.result
        if result.diagnostics is not None and self.model.solo:
            self.views.diagnostics.show_diagnostics(result.diagnostics)
        if result.status != record.status:
            record.status, record.message = result.status, result.message
            self.model.set_status(tick.label, result.status)
            if result.status == "diverged":
                self._diverged(tick)
        self.last_tick = tick

    def _diverged(self, tick: Tick) -> None:
        """The banner names core's diagnosis of the cause; its button applies the fix for that cause."""
        solo, message = self.model.solo, tick.result.message
        args = getattr(message, "args", {})
        title = self.tr("Training diverged — the loss is no longer a number")
        if math.isfinite(tick.result.loss):
            title = self.tr("Training diverged — the loss exploded")
        action, fix = "", None
        if solo and "fix_init" in args:
            action, fix = self.tr("Reset with He initialization"), functools.partial(self._reset_with, init="he")
        elif solo and "fix_lr" in args and args["fix_lr"] < tick.result.lr:  # never a higher learning rate
            lr = args["fix_lr"]
            action, fix = self.tr("Reset with lr {0}").format(format_number(lr)), functools.partial(self._reset_with,
                                                                                                    lr=lr)
        self.views.banner.show_message(title, divergence_text(tick.result, "" if solo else tick.label), "error",
                                       action, fix)

    def _reset_with(self, lr: float | None = None, init: str | None = None) -> None:
        """The divergence banner's fix, for the cause core named: a lower lr or a sane initialization; a fresh
        network."""
        if lr is not None:
            self.views.controls.editor.set_values({"lr": lr})
            self.model.set_hparams({"lr": lr})
        if init is not None:
            self.views.controls.show_init(init)
            self.model.set(init=init)
        self.reset()

    @Slot(str)
    def _ended(self, _reason: str) -> None:
        self.views.update_buttons()
        self.refresh()

    @Slot(str)
    def _state_changed(self, _state: str) -> None:
        self.views.update_buttons()

    def refresh(self) -> None:
        views = self.views
        views.curves.refresh()
        if self.model.race:
            views.race_panel.show_records(views.curves.records.values())
        views.toolbar.status.setText(status_text(self.state, self.last_tick, views.curves.records))
