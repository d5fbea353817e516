"""What the Landscape tab does: show a surface, race the scene's methods on it, play, step and scrub the race.

Data flow: a control edits the Scene (validated by core before it is stored) → the controller (re)builds a core
SurfaceRace → the frame driver advances it while playing → the Renderer hands trails, charts and aids setData
slices of the race's buffers → one redraw per frame, whatever asked for it.
"""
from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QObject, Signal

import core
from app.landscape.model import Scene, SceneError, first_order, label, racers
from app.runtime.frames import FrameDriver
from core.measures import COST_LABEL, heat, heat_box, inner_columns, loss_for_chart, value_range
from core.methods import get_method
from core.surface_race import SurfaceRace

__all__ = ["LandscapeController"]

STEP_BUDGET_S = 0.005  # optimizer work per frame; beyond it the rest waits (high speeds become CPU-bound)
GRID_N = 480  # heatmap samples per axis (over the widened heat_box)


class LandscapeController(QObject):
    """The tab's state is `scene` (a Qt-free Scene), its run is `race` (a core SurfaceRace); `v` is the tab."""

    frameDrawn = Signal(int)  # timeline position after each redraw (for tests and benchmarks)

    def __init__(self, views, scene: Scene | None = None, parent=None):
        super().__init__(parent)
        self.v = views
        self.scene = scene or Scene()
        self.surface = None
        self.race: SurfaceRace | None = None
        self.position = 0
        self.playing = False
        self._credit = 0.0
        self._loss_range = None
        self.frames = FrameDriver(self._draw, self._tick, self)

    # ── scene and surface ──────────────────────────────────────────────────────────────────────────────────────
    def load_scene(self, scene: Scene) -> None:
        """Show `scene` (a surface core does not know, or a formula it refuses, falls back to the default)."""
        self.pause()
        self.scene = scene
        surface = self._surface_for(scene)
        self.v.playback.set_values(scene.speed, scene.max_steps)
        self.v.side.show_settings(scene)
        for method in racers():
            self.v.racers.set_enabled(method, scene.is_enabled(method))
        if scene.surface == "custom":
            self.v.formula.set_formula(scene.formula)
            self.v.formula.set_view(surface.view)
            self.v.picker.add_custom(surface)
        self._show_surface(surface, keep_view=scene.view is not None)
        self.select(scene.selected)

    def _surface_for(self, scene: Scene):
        if scene.surface == "custom":
            try:
                return core.from_expression(scene.formula, view=scene.domain or (-3, 3, -3, 3))
            except ValueError:
                scene.surface, scene.formula, scene.domain = Scene().surface, "", None
        if scene.surface not in core.SURFACES:
            scene.surface = Scene().surface
        return core.SURFACES[scene.surface]

    def set_surface(self, key: str) -> None:
        """Switch to a built-in surface: its default view and first start point, a fresh race."""
        if key == "custom":
            self.v.formula.apply()
            return
        self.scene.surface, self.scene.formula, self.scene.domain = key, "", None
        self.scene.view = self.scene.start = None
        self._show_surface(core.get_surface(key))

    def _custom_surface(self, surface) -> None:
        self.scene.surface, self.scene.formula, self.scene.domain = "custom", surface.formula, surface.view
        self.scene.view = self.scene.start = None
        self.v.picker.add_custom(surface)
        self._show_surface(surface)

    def _show_surface(self, surface, keep_view: bool = False) -> None:
        self.surface = surface
        xs, ys, z = surface.grid(GRID_N, view=heat_box(surface.view))
        inner = inner_columns(xs, surface.view)
        self.v.view.show_surface(xs, ys, heat(z, surface.log_colors, surface.fmin, inner), surface.critical_points)
        self.v.view.set_box(self.scene.view if keep_view and self.scene.view else surface.view)
        self.v.trails.set_box(surface.view)
        self.v.view.set_start(*self.start_point())
        self._show_picker()
        self._loss_range = value_range(z, inner)
        self._set_chart_axes()
        self._show_method()
        self.restart()

    def _show_picker(self) -> None:
        start, starts = self.start_point(), self.surface.starts
        self.v.picker.show_surface(self.surface, starts.index(start) if start in starts else None)

    def start_point(self) -> tuple[float, float]:
        return self.scene.start if self.scene.start is not None else tuple(self.surface.starts[0])

    def set_start(self, x: float, y: float) -> None:
        """All racers restart from (x, y); a playing race keeps playing."""
        self.scene.start = (float(x), float(y))
        self.v.view.set_start(x, y)
        self._show_picker()
        self.restart(keep_playing=True)

    def _preset(self, index: int) -> None:
        if 0 <= index < len(self.surface.starts):
            self.set_start(*self.surface.starts[index])

    def _view_changed(self, box) -> None:
        self.scene.view = tuple(box)

    def _zoomed(self, *_) -> None:
        self.v.renderer.forget(view="trail")  # trails are thinned to screen pixels: a new zoom thins them again
        self.render()

    # ── racers and hyperparameters ──────────────────────────────────────────────────────────────────────────
    def display_defaults(self, method: str) -> dict:
        """Core's defaults for `method`, with the tab's per-surface learning rate for first-order methods."""
        spec = get_method(method)
        values = spec.defaults
        lr = spec.start_lr(self.surface.key if self.surface else self.scene.surface)
        if lr is not None and "lr" in values:
            values["lr"] = lr
        return values

    def hparams_for(self, method: str) -> dict:
        """Exactly the hyperparameters passed to core for `method` (defaults, edits, shared lr)."""
        return self.scene.hparams_for(method, self.display_defaults(method))

    def _runner(self, method: str, surface, start):
        return core.Runner(surface, method, start, noise=self.scene.noise, seed=self.scene.seed,
                           **self.hparams_for(method))

    def restart(self, keep_playing: bool = False) -> None:
        """A fresh race from the start point with the scene's racers and hyperparameters (timeline at 0)."""
        playing = self.playing and keep_playing
        self.pause()
        self.race = SurfaceRace(self.surface, self.start_point(), self._runner, self.scene.max_steps)
        self.v.renderer.clear(racers())
        for method in self.scene.enabled:
            self._add_racer(method)
        self.position = 0
        self.render()
        if playing:
            self.play()

    def _add_racer(self, method: str) -> None:
        try:
            self.race.add(method)
        except ValueError as exc:
            self.v.racers.set_badge(method, "failed", f"cannot start: {exc}")
            return
        self.v.renderer.start(method, self.scene.max_steps + 1, self.surface)

    def set_racer(self, method: str, on: bool) -> None:
        """Switch a racer on (it joins at the current iteration) or off."""
        self.scene.set_enabled(method, on)
        self.v.racers.set_enabled(method, on)
        if on:
            self._add_racer(method)
        else:
            self.race.remove(method)
            self.v.renderer.stop(method)
        self.render()

    def toggle_racer(self, method: str) -> None:
        self.set_racer(method, not self.scene.is_enabled(method))

    def select(self, method: str) -> None:
        """The selected racer gets the aids, the equation panel and the hyperparameter editor."""
        self.scene.selected = method
        self.v.racers.select(method)
        self._show_method()
        self.render()

    def _show_method(self) -> None:
        if self.surface is not None:
            method = self.scene.selected
            self.v.side.show_method(method, self.display_defaults(method), self.hparams_for(method),
                                  self.scene.shared_lr)

    def _hparams_edited(self, changes: dict) -> None:
        """The scene validates through core before it stores: a refused edit is shown and the editor goes back."""
        method = self.scene.selected
        try:
            self.scene.set_hparams(method, changes)
        except SceneError as exc:
            self._show_method()  # the editor shows what is stored again
            self.v.side.set_status(str(exc).removeprefix("hparams: "))
            return
        self._apply_hparams(method, changes)

    def _hparams_reset(self) -> None:
        method = self.scene.selected
        self.scene.clear_hparams(method)
        self._apply_hparams(method, self.hparams_for(method))
        self._show_method()

    def _apply_hparams(self, method: str, changes: dict) -> None:
        """Edits reach the running racer from its next step (Runner.set); a refused value is shown, not applied."""
        self.v.side.show_equation(method, self.hparams_for(method))
        track = self.race.tracks.get(method) if self.race else None
        message = ""
        if track is not None:
            try:
                if self.race.head == 0:
                    self._add_racer(method)  # nothing run yet: start over with the new values
                else:
                    track.runner.set(**changes)
                    if track.done:
                        message = self.v.tr("%s has stopped; press R to race again with these values.") % label(method)
            except ValueError as exc:
                message = str(exc)
        self.v.side.set_status(message)
        self.render()

    def set_shared_lr(self, on: bool) -> None:
        self.scene.shared_lr = bool(on)
        self._push_lr()

    def _shared_lr_value(self, value: float) -> None:
        self.scene.lr = float(value)
        if self.scene.shared_lr:
            self._push_lr()

    def _push_lr(self) -> None:
        for method in first_order():
            track = self.race.tracks.get(method) if self.race else None
            if track is not None:
                track.runner.set(lr=self.hparams_for(method)["lr"])
        self._show_method()

    def set_noise(self, sigma: float) -> None:
        self.scene.noise = float(sigma)
        for track in (self.race.tracks.values() if self.race else ()):
            track.runner.set(noise=self.scene.noise)

    def set_aid(self, aid: str, on: bool) -> None:
        self.scene.aids[aid] = bool(on)
        self.v.aid_switches.set_values(self.scene.aids)
        self.render()

    def set_x_axis(self, axis: str) -> None:
        self.scene.x_axis = axis
        self.v.x_axis.setCurrentIndex(self.v.x_axis.findData(axis))
        self._set_chart_axes()
        self.v.renderer.forget()
        self.render()

    def _set_chart_axes(self) -> None:
        loss_log = loss_for_chart(np.zeros(1), self.surface.fmin)[1]
        x_label = "iteration" if self.scene.x_axis == "iterations" else COST_LABEL
        self.v.charts.set_axes(loss_log, "f − f*" if loss_log else "f", bool(self.surface.minima), x_label,
                             self._loss_range)

    # ── playback ────────────────────────────────────────────────────────────────────────────────────────────
    def play(self) -> None:
        """Resume from the end of the computed race (a scrubbed timeline jumps back to the end)."""
        if self.race is None:
            return
        if self.race.finished:
            if self.position < self.race.head:
                self.position = self.race.head
                self.render()
            return
        self.position = self.race.head
        self.playing = True
        self._credit = 0.0
        self.frames.start()
        self.v.playback.show_state(True, self.position, self.race.head)

    def pause(self) -> None:
        self.playing = False
        self.frames.stop()
        if self.race is not None:
            self.v.playback.show_state(False, self.position, self.race.head)

    def toggle_play(self) -> None:
        if self.playing:
            self.pause()
            self.render()  # charts are drawn per pixel column while playing: now draw them exactly
        else:
            self.play()

    def step(self) -> None:
        """One iteration forward: replay the next recorded one, or compute one more at the end."""
        self.pause()
        if self.position < self.race.head:
            self.position += 1
        elif self.race.advance(1):
            self.position = self.race.head
        self.render()

    def step_back(self) -> None:
        self.seek(self.position - 1)

    def reset(self) -> None:
        """Back to the start point with the current settings (R)."""
        self.restart()

    def seek(self, position: int) -> None:
        """Show every racer where it was at iteration `position` (clamped to what was computed)."""
        self.pause()
        self.position = max(0, min(int(position), self.race.head))
        self.render()

    def set_speed(self, speed: float) -> None:
        self.scene.speed = float(speed)

    def set_max_steps(self, max_steps: int) -> None:
        self.scene.max_steps = int(max_steps)
        self.race.set_max_steps(self.scene.max_steps)
        self.position = min(self.position, self.race.head)
        self.render()

    def _tick(self) -> None:
        """One frame: the optimizer steps owed at this speed (within a time budget), then one redraw."""
        self._credit += self.scene.speed
        owed = int(self._credit)
        self._credit -= owed
        deadline = time.perf_counter() + STEP_BUDGET_S
        while owed > 0 and time.perf_counter() < deadline and self.race.advance(1):
            owed -= 1
        self.position = self.race.head
        if self.race.finished:
            self.pause()
            self.render()

    def render(self) -> None:
        """Redraw at the next frame (every request before it makes one redraw)."""
        self.frames.request()

    def _draw(self) -> None:
        """Draw the race at the timeline position (setData on existing items only)."""
        if self.race is not None:
            self.v.renderer.draw(self.race, self.position, self.playing, self.scene)
            self.frameDrawn.emit(self.position)

    def to_json(self) -> str:
        """The scene as JSON (a lecture scene file)."""
        return self.scene.to_json()

    def load_json(self, text: str) -> None:
        """Load a scene written by to_json; raises SceneError with a readable message."""
        self.load_scene(Scene.from_json(text))
