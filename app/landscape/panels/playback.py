"""The playback bar: play/pause, step, reset, speed, max steps and the timeline scrubber."""
from __future__ import annotations

import time

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QSlider, QSpinBox, QVBoxLayout, QWidget

from app.landscape.model import MAX_STEPS_LIMIT, SPEEDS
from app.widgets.counter import CounterLabel, SteadyButton
from app.widgets.wraprow import WrapRow

__all__ = ["PlaybackBar"]

TIMELINE_MIN_WIDTH = 200  # px: below this the scrubber is too fine to aim at


def speed_text(speed: float) -> str:
    return f"{speed:g}×"


TIMELINE_EVERY_S = 0.5  # while playing at the head, the timeline's range follows at least this often
ACHIEVED_EVERY_S = 0.5  # the speed reached changes its number at most this often


class PlaybackBar(QWidget):
    """Controls only: it emits what the user asked for and shows what the tab tells it (`show_state`)."""

    playToggled = Signal()
    stepRequested = Signal()
    resetRequested = Signal()
    speedChanged = Signal(float)
    maxStepsChanged = Signal(int)
    scrubbed = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._timeline_at = -float("inf")  # when the timeline slider was last set
        self.play_button = SteadyButton((self.tr("▶ Play"), self.tr("❚❚ Pause")), self)
        self.play_button.setToolTip(self.tr("Play / pause (Space)"))
        self.play_button.clicked.connect(self.playToggled)
        self.step_button = QPushButton(self.tr("Step ▸"), self)
        self.step_button.setToolTip(self.tr("One step of every racer (→)"))
        self.step_button.clicked.connect(self.stepRequested)
        self.reset_button = QPushButton(self.tr("Reset"), self)
        self.reset_button.setToolTip(self.tr("Back to the start point (R)"))
        self.reset_button.clicked.connect(self.resetRequested)
        for button in (self.play_button, self.step_button, self.reset_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Space must reach the tab's shortcut, not a button

        self.speed = QComboBox(self)
        for speed in SPEEDS:
            self.speed.addItem(speed_text(speed), speed)
        self.speed.setToolTip(self.tr("Optimizer steps per displayed frame"))
        self.speed.currentIndexChanged.connect(lambda i: self.speedChanged.emit(float(self.speed.itemData(i))))
        self.max_steps = QSpinBox(self)
        self.max_steps.setRange(1, MAX_STEPS_LIMIT)
        self.max_steps.setKeyboardTracking(False)
        self.max_steps.setToolTip(self.tr("The race stops after this many iterations"))
        self.max_steps.valueChanged.connect(self.maxStepsChanged)

        self.timeline = QSlider(Qt.Orientation.Horizontal, self)
        self.timeline.setRange(0, 0)
        self.timeline.setToolTip(self.tr("Drag to any iteration; Play resumes from the end"))
        self.timeline.valueChanged.connect(self._scrubbed)
        self.timeline.setMinimumWidth(TIMELINE_MIN_WIDTH)
        self.position = CounterLabel(f"step {MAX_STEPS_LIMIT} / {MAX_STEPS_LIMIT}", self)  # changes every frame

        self.achieved = CounterLabel(self.tr("≈ %s now") % "100×", self)  # "≈ 12× now" when out of reach
        self._achieved_at = -float("inf")  # when its number last changed
        self.achieved.setToolTip(self.tr("The speed this machine reaches now: optimizer steps per frame"))
        # Always in its row (empty while the speed is reached), so its coming and going never re-flows the bar.
        # groups that wrap onto a second (third…) row when the window is narrow: a 1024-px projector fits
        self.controls = WrapRow(self)
        self.controls.add_group(self.play_button, self.step_button, self.reset_button)
        self.controls.add_group(QLabel(self.tr("Speed"), self), self.speed, self.achieved)
        self.controls.add_group(QLabel(self.tr("Max steps"), self), self.max_steps)
        self.controls.add_group(self.timeline, self.position, stretch=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.controls)
        self.set_presentation(False)
        self.show_state(False, 0, 0)

    def set_presentation(self, on: bool) -> None:
        """Size the position label for its widest text and re-wrap the rows (call after the fonts are scaled)."""
        self.position.set_widest(self.tr("step %d / %d") % (MAX_STEPS_LIMIT, MAX_STEPS_LIMIT))
        self.controls.rearrange(force=True)

    def set_values(self, speed: float, max_steps: int) -> None:
        """Show the scene's speed and max steps (silent)."""
        index = min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - speed))
        for widget, apply in ((self.speed, lambda: self.speed.setCurrentIndex(index)),
                              (self.max_steps, lambda: self.max_steps.setValue(int(max_steps)))):
            with QSignalBlocker(widget):
                apply()

    def show_achieved(self, requested: float, achieved: float | None) -> None:
        """Say what speed is really reached when the machine cannot keep up (None: it keeps up)."""
        text = "" if achieved is None or achieved >= 0.9 * requested else self.tr("≈ %s now") % speed_text(
            round(achieved, 1 if achieved < 10 else 0))
        if self.achieved.text() == text:
            return
        now = time.monotonic()
        if text and self.achieved.text() and now - self._achieved_at < ACHIEVED_EVERY_S:
            return  # a new number at most twice a second (readable); appearing and going are at once
        self._achieved_at = now
        self.achieved.setText(text)

    def show_state(self, playing: bool, position: int, head: int) -> None:
        """Show whether the race plays and where the timeline is (silent)."""
        self.play_button.setText(self.tr("❚❚ Pause") if playing else self.tr("▶ Play"))
        now = time.monotonic()
        at_end = playing and position == head and self.timeline.value() == self.timeline.maximum()
        if not at_end or now - self._timeline_at >= TIMELINE_EVERY_S:
            # Playing at the head, the handle sits at the right end whatever the range: repainting the slider
            # every frame to show the same picture cost a tenth of a frame.
            self._timeline_at = now
            with QSignalBlocker(self.timeline):
                self.timeline.setRange(0, max(int(head), 0))
                self.timeline.setValue(int(position))
        self.position.setText(self.tr("step %d / %d") % (position, head))

    def _scrubbed(self, value: int) -> None:
        self.position.setText(self.tr("step %d / %d") % (value, self.timeline.maximum()))
        self.scrubbed.emit(value)
