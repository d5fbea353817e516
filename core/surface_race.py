"""Racers on one surface: one Runner per method, stepped in lockstep, recorded into preallocated buffers.

The twin of core.training.Race for the Landscape: the same start, the same iteration for everyone, a racer that
stopped stays where it stopped. It implements core.experiment.Experiment (begin / step / done / extend).
"""
from __future__ import annotations

import numpy as np

from core.methods import keys

__all__ = ["CHECKPOINT_EVERY", "SurfaceRace", "Track"]


CHECKPOINT_EVERY = 256  # steps between two snapshots of a racer: an old step's picture state is ≤ this many away


class Track:
    """One racer's steps 0..n−1: `points[i]`, `losses[i]`, `grad_norms[i]`, `evals[i]`, and `step_at(i)` (Step i
    with its picture state).

    Memory stays compact whatever the length: the runner records the columns (44 bytes a step), and the full
    Step of an earlier iteration is rebuilt when asked for by replaying from the nearest snapshot (paths are
    deterministic), so no Step object is kept per iteration.
    """

    def __init__(self, method: str, runner, capacity: int):
        self.method = method
        self.runner = runner
        self.columns = runner.columns
        self.columns.reserve(capacity)
        self.error = ""  # set when core raised (a bug, not a divergence): the racer stops, the race goes on
        self._checkpoints = {0: runner.snapshot()}
        self._replayed: tuple[int, object] | None = None  # the last step rebuilt, (index, Step)

    @property
    def n(self) -> int:
        return self.columns.size

    @property
    def points(self) -> np.ndarray:
        return self.columns.col("points")

    @property
    def losses(self) -> np.ndarray:
        return self.columns.col("losses")

    @property
    def grad_norms(self) -> np.ndarray:
        return self.columns.col("grad_norms")

    @property
    def evals(self) -> np.ndarray:
        return self.columns.col("evals")

    def step_at(self, i: int):
        """Step i (0 ≤ i < n) with its picture state: the live one, or one replayed from a snapshot."""
        i = self.at(i)
        if i == self.n - 1:
            return self.runner.last
        if self._replayed is not None and self._replayed[0] == i:
            return self._replayed[1]
        base = max(c for c in self._checkpoints if c <= i)
        walker = self._checkpoints[base].snapshot()
        while walker.index < i - 1:
            walker.advance()
        step = walker.step() if walker.index < i else walker.last
        self._replayed = (i, step)
        return step

    def reserve(self, capacity: int) -> None:
        self.columns.reserve(capacity)

    @property
    def done(self) -> bool:
        return bool(self.error) or self.runner.done

    @property
    def status(self) -> str:
        return "failed" if self.error else self.runner.status

    @property
    def message(self) -> str:
        return self.error or self.runner.message

    def at(self, k: int) -> int:
        """The index of the step shown at timeline position k (a racer that stopped stays where it stopped)."""
        return max(0, min(int(k), self.n - 1))

    def status_at(self, k: int) -> tuple[str, str]:
        """(status, message) as they were at timeline position k."""
        if k >= self.n - 1 and self.done:
            return self.status, self.message
        return "running", ""

    def step_forward(self) -> None:
        try:
            self.runner.advance()
        except Exception as exc:
            self.error = f"stopped at step {self.n}: core raised {type(exc).__name__}: {exc}"
            return
        index = self.runner.index
        if index % CHECKPOINT_EVERY == 0 and index not in self._checkpoints:
            self._checkpoints[index] = self.runner.snapshot()


class SurfaceRace:
    """Racers started together from `start` on `surface`; `head` is the last iteration computed by any of them.

    `advance()` moves every running racer one iteration; a racer that converged, diverged or failed stays put.
    A racer added mid-race is caught up to `head` at once, so every racer is always at the same iteration.
    """

    def __init__(self, surface, start, runner_factory, max_steps: int):
        """`runner_factory(method, surface, start)` builds a core Runner (with the scene's hyperparameters)."""
        self.surface = surface
        self.start = (float(start[0]), float(start[1]))
        self.factory = runner_factory
        self.max_steps = int(max_steps)
        self.tracks: dict[str, Track] = {}
        self.head = 0

    def add(self, method: str) -> Track:
        """Start `method` (replacing its old run) and catch it up to `head`; raises ValueError on bad hparams."""
        runner = self.factory(method, self.surface, self.start)
        track = Track(method, runner, self.max_steps + 1)
        while track.n - 1 < self.head and not track.done:
            track.step_forward()
        self.tracks[method] = track
        return track

    def remove(self, method: str) -> None:
        self.tracks.pop(method, None)

    def methods(self) -> list[str]:
        return [m for m in keys() if m in self.tracks]

    @property
    def finished(self) -> bool:
        """No racer can move: all stopped, or `head` reached max_steps."""
        return self.head >= self.max_steps or all(t.done for t in self.tracks.values())

    def advance(self, iterations: int = 1) -> int:
        """Up to `iterations` lockstep iterations; returns how many were done."""
        done = 0
        while done < iterations and not self.finished:
            for track in self.tracks.values():
                if not track.done:
                    track.step_forward()
            self.head += 1
            done += 1
        return done

    # -- core.experiment.Experiment ------------------------------------------------------------------------
    @property
    def done(self) -> bool:
        return self.finished

    def begin(self) -> dict:
        """Every racer's step 0 (its start), by method."""
        return {method: track.step_at(0) for method, track in self.tracks.items()}

    def step(self) -> dict:
        """One lockstep iteration; the newest step of every racer, by method (empty once finished)."""
        if not self.advance(1):
            return {}
        return {method: track.runner.last for method, track in self.tracks.items()}

    def extend(self, iterations: int) -> None:
        """Allow `iterations` more iterations than max_steps."""
        self.set_max_steps(self.max_steps + int(iterations))

    def set_max_steps(self, max_steps: int) -> None:
        self.max_steps = int(max_steps)
        for track in self.tracks.values():
            track.reserve(self.max_steps + 1)
