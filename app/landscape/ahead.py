"""Playing fast without stepping on the GUI thread: the race is computed ahead in a worker process (core.ahead).

From the first time the race plays at START_SPEED or faster, or such a speed is chosen, a worker process (the
run driver's process backend) is given the racers' states at the head whenever what lies ahead changes (a new
race, an edited hyperparameter, a racer added, Max steps), before Play as well; it sends the rows it computes, and
each frame plays what is due from them. Until its first rows arrive (the process starts in about a second), or if
it dies, the frame steps the race itself, as at low speeds: the race never waits for a worker that is not there.
"""
from __future__ import annotations

import os

from PySide6.QtCore import QObject

from app.runtime.runs import Failure, RunDriver
from core.ahead import AHEAD, Ahead, Chunk

__all__ = ["START_SPEED", "RunAhead"]

START_SPEED = 5.0  # below it a frame's steps cost under a millisecond: no process is started for them
PLAY_EVERY = AHEAD // 8  # iterations played between two "played up to here" messages to the worker
RESEND_BEHIND = 256  # iterations the worker's first rows may be behind the head before it is sent the head again


class RunAhead(QObject):
    """The Landscape race's worker process; `tick()` once per frame keeps it computing the current race."""

    def __init__(self, controller):
        super().__init__(controller)
        self.c = controller
        self.enabled = os.environ.get("DESCENT_RUN_AHEAD", "1") != "0"
        self.broken = ""  # why the worker is no longer used (it died or refused a job); "" while it is fine
        self.driver = RunDriver("process", self)
        self.driver.delivered.connect(self._delivered)
        self.driver.ended.connect(self._ended)
        self._sent: tuple[int, int] | None = None  # (id of the race, generation) of the last job sent
        self._played = 0  # the head last told to the worker
        self._focus: str | None = None  # the racer last told to the worker as the one whose aids are drawn

    @property
    def running(self) -> bool:
        return self.driver.alive

    def warm(self, speed: float) -> None:
        """Start the worker and give it the race as soon as a fast speed is chosen, before Play: starting it
        costs the GUI thread about 20 ms, and the process a second before its first rows, during which the
        frames would step the race themselves at a fraction of the speed asked for."""
        race = self.c.race
        if not self.driver.alive and speed >= START_SPEED and race is not None and not race.finished:
            self.tick(speed)

    def sync(self) -> None:
        """While the race stands and the worker is up (a fast speed was chosen, Play not pressed yet): send it
        the race as it is now, after a new surface, start point, Reset or edit, so that the rows waiting at Play
        are the race Play plays. Never starts a process."""
        if self.driver.alive:
            self.tick(START_SPEED)

    def _start(self) -> bool:
        try:
            self.driver.start(Ahead)
        except Exception as exc:  # no process can be started here: the frames step the race themselves
            self._give_up(f"cannot start a worker process ({type(exc).__name__}: {exc})")
            return False
        self._sent = self._focus = None  # a new process knows nothing yet
        return True

    def tick(self, speed: float) -> None:
        """Before a frame's steps: start the worker once the race plays fast, send it the race as it is now
        (only when that changed), tell it how far the race was played, and take what it sent."""
        race = self.c.race
        if race is None or not self.enabled or self.broken:
            return
        if not self.driver.alive and (speed < START_SPEED or not self._start()):
            return
        if self._sent != (id(race), race.generation):
            self._sent = (id(race), race.generation)
            self._played = race.head
            self.driver.post("job", *race.job())
        elif race.head - self._played >= PLAY_EVERY:
            self._played = race.head
            self.driver.post("play", race.generation, race.head)
        selected = self.c.scene.selected
        if selected != self._focus:  # its pictures are rebuilt at every aids frame: the worker sends more states
            self._focus = selected
            self.driver.post("focus", selected)
        self.driver.flush()

    def _delivered(self, items: list) -> None:
        race = self.c.race
        for item in items:
            if isinstance(item, Chunk) and race is not None:
                race.receive(item)
            elif isinstance(item, Failure) and item.fatal:
                self._give_up(item.message)
            # a refused job (say, a formula the worker cannot compile) sends no rows: that race is stepped here
        if race is not None and not race.fed and race.fed_behind > RESEND_BEHIND:
            race.changed()  # the frames stepped on while the process started: it starts again from the head

    def _ended(self, reason: str) -> None:
        if reason == "failed":
            self._give_up("the worker process ended")

    def _give_up(self, why: str) -> None:
        """Step on the GUI thread from now on (slower at high speeds, never wrong)."""
        self.broken = why or "the worker failed"
        if self.c.race is not None:
            self.c.race.fed = False
        self.driver.stop()

    def shutdown(self) -> None:
        self.driver.stop()
