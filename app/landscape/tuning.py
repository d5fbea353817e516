"""Tuning the Landscape race: the selected method's hyperparameters (validated by the scene through core), the
shared learning rate, gradient noise, visual aids and the charts' x axis."""
from __future__ import annotations

import numpy as np

import core
from app.landscape.model import SceneError, first_order, label
from core.measures import COST_LABEL, loss_for_chart
from core.methods import get_method

__all__ = ["Tuning"]


class Tuning:
    """Edits that reach the running racers from their next step, or restart them when nothing has run yet."""

    def __init__(self, controller):
        self.c = controller

    def display_defaults(self, method: str) -> dict:
        """Core's defaults for `method`, with the tab's per-surface learning rate for first-order methods."""
        spec = get_method(method)
        values = spec.defaults
        lr = spec.start_lr(self.c.surface.key if self.c.surface else self.c.scene.surface)
        if lr is not None and "lr" in values:
            values["lr"] = lr
        return values

    def hparams_for(self, method: str) -> dict:
        """Exactly the hyperparameters passed to core for `method` (defaults, edits, shared lr)."""
        return self.c.scene.hparams_for(method, self.display_defaults(method))

    def _runner(self, method: str, surface, start):
        return core.Runner(surface, method, start, noise=self.c.scene.noise, seed=self.c.scene.seed,
                           **self.hparams_for(method))

    def select(self, method: str) -> None:
        """The selected racer gets the aids, the equation panel and the hyperparameter editor."""
        self.c.scene.select(method)
        self.c.v.racers.select(method)
        self._show_method()
        self.c.player.render()

    def _show_method(self) -> None:
        if self.c.surface is not None:
            method = self.c.scene.selected
            self.c.v.side.show_method(method, self.display_defaults(method), self.hparams_for(method),
                                  self.c.scene.shared_lr)

    def _hparams_edited(self, changes: dict) -> None:
        """The scene validates through core before it stores: a refused edit is shown and the editor goes back."""
        method = self.c.scene.selected
        try:
            self.c.scene.set_hparams(method, changes)
        except SceneError as exc:
            self._show_method()  # the editor shows what is stored again
            self.c.v.side.set_status(str(exc).removeprefix("hparams: "))
            return
        self._apply_hparams(method, changes)

    def _hparams_reset(self) -> None:
        method = self.c.scene.selected
        self.c.scene.clear_hparams(method)
        self._apply_hparams(method, self.hparams_for(method))
        self._show_method()

    def _apply_hparams(self, method: str, changes: dict) -> None:
        """Edits reach the running racer from its next step (Runner.set); a refused value is shown, not applied."""
        self.c.v.side.show_equation(method, self.hparams_for(method))
        track = self.c.race.tracks.get(method) if self.c.race else None
        message = ""
        if track is not None:
            try:
                if self.c.race.head == 0:
                    self.c._add_racer(method)  # nothing run yet: start over with the new values
                else:
                    self.c.race.set(method, **changes)
                    if track.done:
                        text = self.c.v.tr("%s has stopped; press R to race again with these values.")
                        message = text % label(method)
            except ValueError as exc:
                message = str(exc)
        self.c.v.side.set_status(message)
        self.c.player.render()

    def set_shared_lr(self, on: bool) -> None:
        self.c.scene.set_shared_lr(bool(on))
        self._push_lr()

    def _shared_lr_value(self, value: float) -> None:
        self.c.scene.set_lr(float(value))
        if self.c.scene.shared_lr:
            self._push_lr()

    def _push_lr(self) -> None:
        for method in first_order():
            track = self.c.race.tracks.get(method) if self.c.race else None
            if track is not None:
                self.c.race.set(method, lr=self.hparams_for(method)["lr"])
        self._show_method()
        self.c.player.render()  # (a worker waiting for Play is sent the changed race when it is drawn)

    def set_noise(self, sigma: float) -> None:
        self.c.scene.set_noise(float(sigma))
        for method in (list(self.c.race.tracks) if self.c.race else ()):
            self.c.race.set(method, noise=self.c.scene.noise)
        self.c.player.render()

    def set_aid(self, aid: str, on: bool) -> None:
        self.c.scene.set_aid(aid, bool(on))
        self.c.v.aid_switches.set_values(self.c.scene.aids)
        self.c.player.render()

    def set_x_axis(self, axis: str) -> None:
        self.c.scene.set_x_axis(axis)
        self.c.v.x_axis.setCurrentIndex(self.c.v.x_axis.findData(axis))
        self._set_chart_axes()
        self.c.v.renderer.forget()
        self.c.player.render()

    def _set_chart_axes(self) -> None:
        loss_log = loss_for_chart(np.zeros(1), self.c.surface.fmin)[1]
        x_label = "iteration" if self.c.scene.x_axis == "iterations" else COST_LABEL
        self.c.v.charts.set_axes(loss_log, "f − f*" if loss_log else "f", bool(self.c.surface.minima), x_label,
                             self.c._loss_range)
