"""What the Landscape tab does: show a surface, race the scene's methods on it, play, step and scrub the race.

Data flow: a control edits the Scene (validated by core before it is stored) → the controller (re)builds a core
SurfaceRace → the frame driver advances it while playing → the Renderer hands trails, charts and aids setData
slices of the race's buffers → one redraw per frame, whatever asked for it.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

import core
from app.landscape.ahead import RunAhead
from app.landscape.model import Scene, SceneError, racers
from app.landscape.player import Player
from app.landscape.tuning import Tuning
from core.measures import heat, heat_box, inner_columns, value_range
from core.surface_race import SurfaceRace

__all__ = ["LandscapeController"]

GRID_N = 480  # heatmap samples per axis (over the widened heat_box)
MAX_GRID_N = 1200  # a heatmap widened for a wide plot area samples more, up to this
COVER_DELAY_MS = 150  # after the view's range last changed


class LandscapeController(QObject):
    """The tab's state is `scene` (a Qt-free Scene), its run is `race` (a core SurfaceRace); `v` is the tab.

    `player` plays, steps and scrubs the race; `tuning` edits the selected method, the aids and the axes."""

    def __init__(self, views, scene: Scene | None = None, parent=None):
        super().__init__(parent)
        self.v = views
        self.scene = scene or Scene()
        self.surface = None
        self.race: SurfaceRace | None = None
        self._loss_range = None
        self._heat_box = None
        # a wider view is filled once it has settled (a window being laid out or dragged changes it many times)
        self._cover = QTimer(self, singleShot=True, interval=COVER_DELAY_MS)
        self._cover.timeout.connect(self._cover_visible)
        self.player = Player(self)
        self.tuning = Tuning(self)
        self.ahead = RunAhead(self)

    def load_scene(self, scene: Scene) -> None:
        """Show `scene` (a surface core does not know, or a formula it refuses, falls back to the default)."""
        self.player.pause()
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
        self.tuning.select(scene.selected)

    def _surface_for(self, scene: Scene):
        if scene.surface == "custom":
            try:
                return core.from_expression(scene.formula, view=scene.domain or (-3, 3, -3, 3))
            except ValueError:
                scene.set_surface(Scene().surface)
        if scene.surface not in core.SURFACES:
            scene.set_surface(Scene().surface)
        return core.SURFACES[scene.surface]

    def scene_pinned(self, on: bool) -> None:
        """Pin (or unpin) the hyperparameter edits across surfaces."""
        self.scene.set_pinned(on)

    def set_surface(self, key: str) -> None:
        """Switch to a built-in surface: its default view and first start point, a fresh race."""
        if key == "custom":
            self.v.formula.apply()
            return
        self.scene.set_surface(key)
        self._show_surface(core.get_surface(key))

    def _custom_surface(self, surface) -> None:
        self.scene.set_surface("custom", surface.formula, surface.view)
        self.v.picker.add_custom(surface)
        self._show_surface(surface)

    def _show_surface(self, surface, keep_view: bool = False) -> None:
        self.surface = surface
        z, inner = self._draw_heat(heat_box(surface.view))
        self.v.view.set_box(self.scene.view if keep_view and self.scene.view else surface.view)
        self.v.trails.set_box(surface.view)
        self.v.view.set_start(*self.start_point())
        self._show_picker()
        self._loss_range = value_range(z, inner)
        self.tuning._set_chart_axes()
        self.tuning._show_method()
        self.restart()

    def _show_picker(self) -> None:
        self.v.picker.show_surface(self.surface, self.start_point())

    def start_point(self) -> tuple[float, float]:
        return self.scene.start if self.scene.start is not None else tuple(self.surface.starts[0])

    def set_start(self, x: float, y: float) -> None:
        """All racers restart from (x, y); a playing race keeps playing."""
        self.scene.set_start((float(x), float(y)))
        self.v.view.set_start(x, y)
        self._show_picker()
        self.restart(keep_playing=True)

    def type_start(self, x: float, y: float) -> None:
        """A start typed as numbers: set as if clicked; a start the scene refuses is named and changes nothing."""
        try:
            self.set_start(x, y)
        except SceneError as error:
            self.v.picker.show_start_error(str(error))

    def _preset(self, index: int) -> None:
        if 0 <= index < len(self.surface.starts):
            self.set_start(*self.surface.starts[index])

    def _view_changed(self, box) -> None:
        self.scene.set_view(tuple(box))

    def _zoomed(self, *_) -> None:
        self.v.renderer.forget(view="trail")  # trails are thinned to screen pixels: a new zoom thins them again
        self.player.render()
        if self.v.view.isVisible():
            self._cover.start()

    def _draw_heat(self, box) -> tuple:
        """The heatmap, contours and critical points over `box` (x widened beyond the view: colours still scale
        to the surface's own view); returns the grid and its columns inside the view."""
        surface = self.surface
        usual = heat_box(surface.view)
        ratio = (box[1] - box[0]) / (usual[1] - usual[0])
        xs, ys, z = surface.grid(min(int(GRID_N * max(ratio, 1.0)), MAX_GRID_N), view=box)
        inner = inner_columns(xs, surface.view)
        self.v.view.show_surface(xs, ys, heat(z, surface.log_colors, surface.fmin, inner), surface.critical_points)
        self._heat_box = tuple(box)
        return z, inner

    def _cover_visible(self) -> None:
        """A plot wider than the heatmap (pictures only, a zoom out) is filled sideways, never left white."""
        if self._heat_box is None or not self.v.view.isVisible():
            return  # no surface shown yet, or nothing to fill
        x0, x1, _y0, _y1 = self.v.view.visible_box()
        hx0, hx1, hy0, hy1 = self._heat_box
        view = self.surface.view
        covered = x0 >= hx0 and x1 <= hx1
        far_out = not (x1 - x0) < 20 * (view[1] - view[0])  # zoomed far out (or NaN): the view alone will do
        if covered or far_out:
            return
        pad = 0.1 * (x1 - x0)
        self._draw_heat((min(x0 - pad, hx0), max(x1 + pad, hx1), hy0, hy1))

    def restart(self, keep_playing: bool = False) -> None:
        """A fresh race from the start point with the scene's racers and hyperparameters (timeline at 0)."""
        playing = self.player.playing and keep_playing
        self.player.pause()
        self.race = SurfaceRace(self.surface, self.start_point(), self.tuning._runner, self.scene.max_steps)
        self.v.renderer.clear(racers())
        for method in self.scene.enabled:
            self._add_racer(method)
        self.player.position = 0
        self.player.render()
        if playing:
            self.player.play()

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
        self.player.render()

    def toggle_racer(self, method: str) -> None:
        self.set_racer(method, not self.scene.is_enabled(method))

    def to_json(self) -> str:
        """The scene as JSON (a lecture scene file)."""
        return self.scene.to_json()

    def load_json(self, text: str) -> None:
        """Load a scene written by to_json; raises SceneError with a readable message."""
        self.load_scene(Scene.from_json(text))
