"""How often results are handed to the views: ~30 times a second, less when drawing would hog the GUI thread."""
from __future__ import annotations

import time

__all__ = ["FRAME_MS", "GUI_BUDGET", "MAX_FRAME_MS", "Pacer"]

FRAME_MS = 33  # at most ~30 deliveries per second, however fast the engine steps
MAX_FRAME_MS = 100  # never fewer than 10 frames per second
# Share of one core the GUI thread may spend showing results while a run goes on: its Python work (pyqtgraph
# painting included) holds the GIL that a thread worker's steps need.
GUI_BUDGET = 0.15


class Pacer:
    """The delivery interval: FRAME_MS while showing results is cheap, longer when the GUI thread would otherwise
    use more than GUI_BUDGET of a core (measured as its CPU time since the previous frame)."""

    def __init__(self, budget: float = GUI_BUDGET, shortest: int = FRAME_MS, longest: int = MAX_FRAME_MS):
        self.budget, self.shortest, self.longest = budget, shortest, longest
        self.interval = float(shortest)
        self._cpu = self._wall = None

    def reset(self) -> None:
        self.interval = float(self.shortest)
        self._cpu = self._wall = None

    def next_interval(self) -> int:
        """Milliseconds until the next frame, from the GUI thread's CPU use since the last call."""
        cpu, wall = time.thread_time(), time.perf_counter()
        if self._cpu is not None and wall > self._wall:
            wanted = 1000.0 * (cpu - self._cpu) / self.budget  # frame length that keeps CPU/wall ≤ budget
            wanted = min(max(wanted, self.shortest), self.longest)
            self.interval = 0.6 * self.interval + 0.4 * wanted
        self._cpu, self._wall = cpu, wall
        return round(self.interval)
