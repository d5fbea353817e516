"""The Landscape tab: optimizers race across a 2-D loss surface, drawn at the display's frame rate.

Layout and wiring only: the state is the controller's Scene (model.py), what the tab does is controller.py.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

import core
from app import theme
from app.landscape.controller import LandscapeController
from app.landscape.model import Scene, label, racers
from app.landscape.panels.controls import SurfacePicker
from app.landscape.panels.playback import PlaybackBar
from app.landscape.panels.side import SidePanel
from app.landscape.views.aids import Aids
from app.landscape.views.charts import Charts
from app.landscape.views.renderer import Renderer
from app.landscape.views.surface_view import SurfaceView
from app.widgets import scale_fonts
from app.widgets.formula import wait_for_warm_up
from app.widgets.keys import install_shortcuts
from app.widgets.trails import Trails

__all__ = ["LandscapeTab"]


class LandscapeTab(QWidget):
    """Views and panels, laid out and wired to the controller (what the tab does) and its Scene (the state)."""

    def __init__(self, parent=None, scene: Scene | None = None):
        super().__init__(parent)
        self._build()
        self.controller = c = LandscapeController(self, scene, self)
        self._connect(c)
        play = c.player
        tr = self.tr
        keys = {"Space": (play.toggle_play, tr("play / pause the race")),
                "Right": (play.step, tr("one step forward (replays a scrubbed step)")),
                "Left": (play.step_back, tr("one step back")), "R": (play.reset, tr("back to the start point"))}
        keys.update({str(i + 1): ((lambda m=m: c.toggle_racer(m)), tr("race {0} or not").format(label(m)))
                     for i, m in enumerate(racers())})
        self.shortcuts = install_shortcuts(self, keys)
        self._apply_lesson_font(theme.scale(False))
        c.load_scene(c.scene)

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

    def _connect(self, c) -> None:
        self.picker.surfaceChosen.connect(c.set_surface)
        self.picker.presetChosen.connect(c._preset)
        self.picker.startTyped.connect(c.type_start)
        self.view.startPicked.connect(c.set_start)
        self.view.viewChanged.connect(c._view_changed)
        self.view.vb.sigRangeChanged.connect(c._zoomed)
        self.racers.toggled.connect(c.set_racer)
        self.racers.selected.connect(c.tuning.select)
        self.aid_switches.changed.connect(c.tuning.set_aid)
        self.editor.changed.connect(c.tuning._hparams_edited)
        self.editor.reset_button.clicked.connect(c.tuning._hparams_reset)  # runs after the editor's own reset
        self.shared_lr.toggled.connect(c.tuning.set_shared_lr)
        self.side.pinned.toggled.connect(c.scene_pinned)
        self.shared_lr_value.valueChanged.connect(c.tuning._shared_lr_value)
        self.noise.valueChanged.connect(c.tuning.set_noise)
        self.x_axis.activated.connect(lambda i: c.tuning.set_x_axis(self.x_axis.itemData(i)))
        self.formula.surfaceReady.connect(c._custom_surface)
        self.formula.failed.connect(lambda _message: c._show_picker())  # the picker shows what is shown
        self.playback.playToggled.connect(c.player.toggle_play)
        self.playback.stepRequested.connect(c.player.step)
        self.playback.resetRequested.connect(c.player.reset)
        self.playback.speedChanged.connect(c.player.set_speed)
        self.playback.maxStepsChanged.connect(c.player.set_max_steps)
        self.playback.scrubbed.connect(c.player.seek)


    # ── lifecycle ───────────────────────────────────────────────────────────────────────────────────────────
    def set_presentation(self, on: bool) -> None:
        """Projector mode: every label ≥ 20 px, wider lines and bigger markers."""
        scale = theme.scale(on)
        self.side.set_presentation(on)  # first: F2's widgets remember their normal font
        scale_fonts(self, on, scale.font_px)
        self.side.fit_width(on)
        self._apply_lesson_font(scale)
        self.racers.set_icon_size(int(scale.font_px * 1.2))
        self.racers.set_compact(on)
        self.playback.set_presentation(on)
        total = sum(self.split.sizes())
        side = self.side.minimumWidth()
        self.split.setSizes([max(total - side, side), side])  # the surface gets every pixel the panel can spare
        for view in (self.view, self.trails, self.charts, self.aids):
            view.apply_scale(scale)
        self.renderer.forget()
        self.controller.player.render()

    def _apply_lesson_font(self, scale: theme.Scale) -> None:
        """The lesson in the tab's text size: at most two lines in projector mode, where height is scarce."""
        lesson = QFont(self.picker.lesson.font())
        projector = scale.font_px >= 20
        lesson.setPixelSize(scale.font_px if projector else scale.title_px)
        self.picker.lesson.setFont(lesson)
        self.picker.lesson.set_max_lines(2 if projector else 0)

    def hideEvent(self, event):
        if not event.spontaneous():  # another tab was chosen (a minimized window keeps racing)
            self.controller.player.pause()
        super().hideEvent(event)

    def set_pictures_only(self, on: bool) -> None:
        """Only the surface, its charts and the playback bar: the side panel steps aside (it comes back as it was)."""
        self.side.setVisible(not on)

    def register_targets(self, navigator) -> None:
        """"landscape.scene": show a scene (a Scene or its dictionary), e.g. for a Lab page or the lesson player."""
        navigator.register("landscape.scene", self.show_scene, owner="landscape")

    def show_scene(self, scene) -> None:
        self.controller.load_scene(scene if isinstance(scene, Scene) else Scene.from_dict(scene))

    def shutdown(self) -> None:
        """Stop the frame timer and drop a pending redraw (called by the main window when it closes)."""
        self.controller.player.pause()
        self.controller.player.frames.cancel()
        self.controller._cover.stop()
        self.controller.ahead.shutdown()
        wait_for_warm_up()

