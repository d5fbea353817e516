"""The Landscape tab: optimizers race across a 2-D loss surface, drawn at the display's frame rate.

Data flow: a control edits the Scene → the tab (re)builds a Race of core Runners → the frame timer advances it
→ the Renderer hands trails, charts and aids setData slices of the race's buffers → one repaint per frame.
"""
from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

import core
from app import theme
from app.landscape.aids import Aids
from app.landscape.charts import Charts
from app.landscape.controls import SurfacePicker
from app.landscape.model import Scene, SceneError, first_order, label, racers
from app.landscape.playback import PlaybackBar
from app.landscape.renderer import Renderer
from app.landscape.side_panel import SidePanel
from app.landscape.surface_view import SurfaceView
from app.landscape.trails import Trails
from app.widgets import scale_fonts
from app.widgets.keys import install_shortcuts
from core.measures import COST_LABEL, heat, heat_box, inner_columns, loss_for_chart, value_range
from core.methods import get_method
from core.surface_race import SurfaceRace

__all__ = ["LandscapeTab"]

FRAME_MS = 16  # ~60 frames per second
STEP_BUDGET_S = 0.005  # optimizer work per frame; beyond it the rest waits (high speeds become CPU-bound)
GRID_N = 480  # heatmap samples per axis (over the widened heat_box)


class LandscapeTab(QWidget):
    """The whole tab; its state is `scene` (a Qt-free Scene), its run is `race` (core Runners + buffers)."""

    frameDrawn = Signal(int)

    def __init__(self, parent=None, scene: Scene | None = None):
        super().__init__(parent)
        self.scene = scene or Scene()
        self.surface = None
        self.race: SurfaceRace | None = None
        self.position = 0
        self.playing = False
        self._credit = 0.0
        self._loss_range = None
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(FRAME_MS)
        self.timer.timeout.connect(self._tick)
        self._build()
        self._connect()
        keys = {"Space": self.toggle_play, "Right": self.step, "Left": self.step_back, "R": self.reset}
        keys.update({str(i + 1): (lambda m=m: self.toggle_racer(m)) for i, m in enumerate(racers())})
        self.shortcuts = install_shortcuts(self, keys)
        self._apply_lesson_font(theme.scale(False))
        self.load_scene(self.scene)

    # ── construction ─────────────────────────────────────────────────────────────────────────────────────────
    def _build(self) -> None:
        self.picker = SurfacePicker(self)
        self.picker.set_surfaces(list(core.SURFACES.values()))
        self.view = SurfaceView(self)
        self.trails = Trails(self.view.plot)
        self.aids = Aids(self.view.plot)
        self.charts = Charts(self)
        self.playback = PlaybackBar(self)
        self.side = SidePanel(self)
        for name in ("racers", "aid_switches", "equation", "editor", "shared_lr", "shared_lr_value", "noise",
                     "x_axis", "formula"):
            setattr(self, name, getattr(self.side, name))  # the controls, reachable from the tab for tests
        self.renderer = Renderer(self.trails, self.charts, self.aids, self.racers, self.playback, self.view)

        plots = QSplitter(Qt.Orientation.Vertical, self)
        plots.addWidget(self.view)
        plots.addWidget(self.charts)
        plots.setStretchFactor(0, 3)
        plots.setStretchFactor(1, 1)
        plots.setSizes([700, 240])
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.picker)
        left_layout.addWidget(plots, 1)
        left_layout.addWidget(self.playback)
        self.split = QSplitter(Qt.Orientation.Horizontal, self)
        self.split.addWidget(left)
        self.split.addWidget(self.side)
        self.split.setStretchFactor(0, 1)
        self.split.setSizes([1000, 460])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.split)

    def _connect(self) -> None:
        self.picker.surfaceChosen.connect(self.set_surface)
        self.picker.presetChosen.connect(self._preset)
        self.view.startPicked.connect(self.set_start)
        self.view.viewChanged.connect(self._view_changed)
        self.view.vb.sigRangeChanged.connect(self._zoomed)
        self.racers.toggled.connect(self.set_racer)
        self.racers.selected.connect(self.select)
        self.aid_switches.changed.connect(self.set_aid)
        self.editor.changed.connect(self._hparams_edited)
        self.editor.reset_button.clicked.connect(self._hparams_reset)  # runs after the editor's own reset
        self.shared_lr.toggled.connect(self.set_shared_lr)
        self.shared_lr_value.valueChanged.connect(self._shared_lr_value)
        self.noise.valueChanged.connect(self.set_noise)
        self.x_axis.activated.connect(lambda i: self.set_x_axis(self.x_axis.itemData(i)))
        self.formula.surfaceReady.connect(self._custom_surface)
        self.formula.failed.connect(lambda _message: self._show_picker())  # the picker shows what is shown
        self.playback.playToggled.connect(self.toggle_play)
        self.playback.stepRequested.connect(self.step)
        self.playback.resetRequested.connect(self.reset)
        self.playback.speedChanged.connect(self.set_speed)
        self.playback.maxStepsChanged.connect(self.set_max_steps)
        self.playback.scrubbed.connect(self.seek)

    # ── scene and surface ──────────────────────────────────────────────────────────────────────────────────────
    def load_scene(self, scene: Scene) -> None:
        """Show `scene` (a surface core does not know, or a formula it refuses, falls back to the default)."""
        self.pause()
        self.scene = scene
        surface = self._surface_for(scene)
        self.playback.set_values(scene.speed, scene.max_steps)
        self.side.show_settings(scene)
        for method in racers():
            self.racers.set_enabled(method, scene.is_enabled(method))
        if scene.surface == "custom":
            self.formula.set_formula(scene.formula)
            self.formula.set_view(surface.view)
            self.picker.add_custom(surface)
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
            self.formula.apply()
            return
        self.scene.surface, self.scene.formula, self.scene.domain = key, "", None
        self.scene.view = self.scene.start = None
        self._show_surface(core.get_surface(key))

    def _custom_surface(self, surface) -> None:
        self.scene.surface, self.scene.formula, self.scene.domain = "custom", surface.formula, surface.view
        self.scene.view = self.scene.start = None
        self.picker.add_custom(surface)
        self._show_surface(surface)

    def _show_surface(self, surface, keep_view: bool = False) -> None:
        self.surface = surface
        xs, ys, z = surface.grid(GRID_N, view=heat_box(surface.view))
        inner = inner_columns(xs, surface.view)
        self.view.show_surface(xs, ys, heat(z, surface.log_colors, surface.fmin, inner), surface.critical_points)
        self.view.set_box(self.scene.view if keep_view and self.scene.view else surface.view)
        self.trails.set_box(surface.view)
        self.view.set_start(*self.start_point())
        self._show_picker()
        self._loss_range = value_range(z, inner)
        self._set_chart_axes()
        self._show_method()
        self.restart()

    def _show_picker(self) -> None:
        start, starts = self.start_point(), self.surface.starts
        self.picker.show_surface(self.surface, starts.index(start) if start in starts else None)

    def start_point(self) -> tuple[float, float]:
        return self.scene.start if self.scene.start is not None else tuple(self.surface.starts[0])

    def set_start(self, x: float, y: float) -> None:
        """All racers restart from (x, y); a playing race keeps playing."""
        self.scene.start = (float(x), float(y))
        self.view.set_start(x, y)
        self._show_picker()
        self.restart(keep_playing=True)

    def _preset(self, index: int) -> None:
        if 0 <= index < len(self.surface.starts):
            self.set_start(*self.surface.starts[index])

    def _view_changed(self, box) -> None:
        self.scene.view = tuple(box)

    def _zoomed(self, *_) -> None:
        self.renderer.forget(view="trail")  # trails are thinned to screen pixels: a new zoom thins them again
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
        self.renderer.clear(racers())
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
            self.racers.set_badge(method, "failed", f"cannot start: {exc}")
            return
        self.renderer.start(method, self.scene.max_steps + 1, self.surface)

    def set_racer(self, method: str, on: bool) -> None:
        """Switch a racer on (it joins at the current iteration) or off."""
        self.scene.set_enabled(method, on)
        self.racers.set_enabled(method, on)
        if on:
            self._add_racer(method)
        else:
            self.race.remove(method)
            self.renderer.stop(method)
        self.render()

    def toggle_racer(self, method: str) -> None:
        self.set_racer(method, not self.scene.is_enabled(method))

    def select(self, method: str) -> None:
        """The selected racer gets the aids, the equation panel and the hyperparameter editor."""
        self.scene.selected = method
        self.racers.select(method)
        self._show_method()
        self.render()

    def _show_method(self) -> None:
        if self.surface is not None:
            method = self.scene.selected
            self.side.show_method(method, self.display_defaults(method), self.hparams_for(method),
                                  self.scene.shared_lr)

    def _hparams_edited(self, changes: dict) -> None:
        """The scene validates through core before it stores: a refused edit is shown and the editor goes back."""
        method = self.scene.selected
        try:
            self.scene.set_hparams(method, changes)
        except SceneError as exc:
            self._show_method()  # the editor shows what is stored again
            self.side.set_status(str(exc).removeprefix("hparams: "))
            return
        self._apply_hparams(method, changes)

    def _hparams_reset(self) -> None:
        method = self.scene.selected
        self.scene.clear_hparams(method)
        self._apply_hparams(method, self.hparams_for(method))
        self._show_method()

    def _apply_hparams(self, method: str, changes: dict) -> None:
        """Edits reach the running racer from its next step (Runner.set); a refused value is shown, not applied."""
        self.side.show_equation(method, self.hparams_for(method))
        track = self.race.tracks.get(method) if self.race else None
        message = ""
        if track is not None:
            try:
                if self.race.head == 0:
                    self._add_racer(method)  # nothing run yet: start over with the new values
                else:
                    track.runner.set(**changes)
                    if track.done:
                        message = self.tr("%s has stopped; press R to race again with these values.") % label(method)
            except ValueError as exc:
                message = str(exc)
        self.side.set_status(message)
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
        self.aid_switches.set_values(self.scene.aids)
        self.render()

    def set_x_axis(self, axis: str) -> None:
        self.scene.x_axis = axis
        self.x_axis.setCurrentIndex(self.x_axis.findData(axis))
        self._set_chart_axes()
        self.renderer.forget()
        self.render()

    def _set_chart_axes(self) -> None:
        loss_log = loss_for_chart(np.zeros(1), self.surface.fmin)[1]
        x_label = "iteration" if self.scene.x_axis == "iterations" else COST_LABEL
        self.charts.set_axes(loss_log, "f − f*" if loss_log else "f", bool(self.surface.minima), x_label,
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
        self.timer.start()
        self.playback.show_state(True, self.position, self.race.head)

    def pause(self) -> None:
        self.playing = False
        self.timer.stop()
        if self.race is not None:
            self.playback.show_state(False, self.position, self.race.head)

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
        """Draw the race at the timeline position (setData on existing items only)."""
        if self.race is not None:
            self.renderer.draw(self.race, self.position, self.playing, self.scene)
            self.frameDrawn.emit(self.position)

    # ── lifecycle ───────────────────────────────────────────────────────────────────────────────────────────
    def set_presentation(self, on: bool) -> None:
        """Projector mode: every label ≥ 20 px, wider lines and bigger markers."""
        scale = theme.scale(on)
        self.side.set_presentation(on)  # first: F2's widgets remember their normal font
        scale_fonts(self, on, scale.font_px)
        self._apply_lesson_font(scale)
        self.racers.set_icon_size(int(scale.font_px * 1.2))
        self.playback.set_presentation(on)
        total = sum(self.split.sizes())
        side = self.side.minimumWidth()
        self.split.setSizes([max(total - side, side), side])  # the surface gets every pixel the panel can spare
        for view in (self.view, self.trails, self.charts, self.aids):
            view.apply_scale(scale)
        self.renderer.forget()
        self.render()

    def _apply_lesson_font(self, scale: theme.Scale) -> None:
        lesson = QFont(self.picker.lesson.font())
        lesson.setPixelSize(scale.title_px)
        self.picker.lesson.setFont(lesson)

    def hideEvent(self, event):
        if not event.spontaneous():  # another tab was chosen (a minimized window keeps racing)
            self.pause()
        super().hideEvent(event)

    def shutdown(self) -> None:
        """Stop the frame timer (called by the main window when it closes)."""
        self.pause()

    def to_json(self) -> str:
        """The scene as JSON (a lecture scene file)."""
        return self.scene.to_json()

    def load_json(self, text: str) -> None:
        """Load a scene written by to_json; raises SceneError with a readable message."""
        self.load_scene(Scene.from_json(text))
