"""Playing the Landscape race: play, pause, step, scrub, speed and length; one redraw per frame."""
from __future__ import annotations

import time
from collections import deque

from PySide6.QtCore import QObject, Signal

from app.runtime.frames import FRAME_MS, FrameDriver

__all__ = ["Player"]

STEP_BUDGET_S = 0.005  # optimizer work per frame on the GUI thread, when no worker computes ahead (see ahead.py)
ACHIEVED_WINDOW_S = 1.0  # the speed label's measure: steps per second over about the last second...
ACHIEVED_FRAMES = 10  # ...once at least this many frames are in it


class Player(QObject):
    """The timeline `position` over the controller's race; advances it while `playing` (the frame driver ticks)."""

    frameDrawn = Signal(int)  # timeline position after each redraw (for tests and benchmarks)

    def __init__(self, controller):
        super().__init__(controller)
        self.c = controller
        self.position = 0
        self.playing = False
        self._credit = 0.0
        self._made: deque[tuple[float, int]] = deque()  # (time, head) per frame while playing: the real speed
        self.frames = FrameDriver(self._draw, self._tick, self)

    def play(self) -> None:
        """Resume from the end of the computed race (a scrubbed timeline jumps back to the end)."""
        if self.c.race is None:
            return
        if self.c.race.finished:
            if self.position < self.c.race.head:
                self.position = self.c.race.head
                self.render()
            return
        self.position = self.c.race.head
        self.playing = True
        self._credit = 0.0
        self._made.clear()
        self.frames.start()
        self.c.v.playback.show_state(True, self.position, self.c.race.head)

    def pause(self) -> None:
        self.playing = False
        self.frames.stop()
        self._made.clear()
        self.c.v.playback.show_achieved(self.c.scene.speed, None)  # a standing race claims no speed
        if self.c.race is not None:
            self.c.v.playback.show_state(False, self.position, self.c.race.head)

    def toggle_play(self) -> None:
        if self.playing:
            self.pause()
            self.render()  # charts are drawn per pixel column while playing: now draw them exactly
        else:
            self.play()

    def step(self) -> None:
        """One iteration forward: replay the next recorded one, or compute one more at the end."""
        self.pause()
        if self.position < self.c.race.head:
            self.position += 1
        elif self.c.race.advance(1):
            self.position = self.c.race.head
        self.render()

    def step_back(self) -> None:
        self.seek(self.position - 1)

    def reset(self) -> None:
        """Back to the start point with the current settings (R)."""
        self.c.restart()

    def seek(self, position: int) -> None:
        """Show every racer where it was at iteration `position` (clamped to what was computed)."""
        self.pause()
        self.position = max(0, min(int(position), self.c.race.head))
        self.render()

    def set_speed(self, speed: float) -> None:
        self.c.scene.set_speed(float(speed))
        self.c.v.playback.set_values(self.c.scene.speed, self.c.scene.max_steps)  # the combo follows a script too
        self._made.clear()  # the label measures the new speed afresh
        self.c.ahead.warm(self.c.scene.speed)  # a fast speed: the worker process starts now, not at Play

    def set_max_steps(self, max_steps: int) -> None:
        self.c.scene.set_max_steps(int(max_steps))
        self.c.race.set_max_steps(self.c.scene.max_steps)
        self.position = min(self.position, self.c.race.head)
        self.render()

    def _tick(self) -> None:
        """One frame: the optimizer steps owed at this speed (within a time budget), then one redraw."""
        self._credit += self.c.scene.speed
        owed = int(self._credit)
        self._credit -= owed
        self.c.ahead.tick(self.c.scene.speed)  # a worker may have computed these steps already
        deadline = time.perf_counter() + STEP_BUDGET_S
        self.c.race.advance(owed, wait=True, time_left=lambda: time.perf_counter() < deadline)
        self.c.v.playback.show_achieved(self.c.scene.speed, self._achieved_speed())
        self.position = self.c.race.head
        if self.c.race.finished:
            self.pause()
            self.render()

    def _achieved_speed(self) -> float | None:
        """The speed really reached, as the label's factor: steps per second over the last second against 1×'s
        one step per nominal frame. It counts both a stepping budget that runs out and frames that come late
        (a slow machine paints fewer than FRAME_MS allows). None while there is too little to tell."""
        now, made = time.perf_counter(), self._made
        made.append((now, self.c.race.head))
        while len(made) > ACHIEVED_FRAMES and now - made[0][0] > ACHIEVED_WINDOW_S:
            made.popleft()
        if len(made) < ACHIEVED_FRAMES or self.c.race.finished or now <= made[0][0]:
            return None
        return (made[-1][1] - made[0][1]) / (now - made[0][0]) * FRAME_MS / 1000

    def render(self) -> None:
        """Redraw at the next frame (every request before it makes one redraw)."""
        self.frames.request()

    def _draw(self) -> None:
        """Draw the race at the timeline position (setData on existing items only)."""
        if self.c.race is not None:
            if not self.playing:
                self.c.ahead.sync()  # a warmed worker follows a change made before Play (playing, tick does)
            self.c.v.renderer.draw(self.c.race, self.position, self.playing, self.c.scene)
            self.frameDrawn.emit(self.position)
