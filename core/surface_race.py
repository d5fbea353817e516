"""Racers on one surface: one Runner per method, stepped in lockstep, recorded into preallocated buffers.

The twin of core.training.Race for the Landscape: the same start, the same iteration for everyone, a racer that
stopped stays where it stopped. It implements core.experiment.Experiment (begin / step / done / extend).
"""
from __future__ import annotations

import itertools

import numpy as np

from core.ahead import STATE_EVERY, advance_guarded, pack, recipe, unpack
from core.methods import keys
from core.paths import path_columns

__all__ = ["CHECKPOINT_EVERY", "SurfaceRace", "Track"]


CHECKPOINT_EVERY = 256  # steps between two snapshots of a racer: an old step's picture state is ≤ this many away
KEEP_STATES = 8  # a worker's states kept near the head (one every STATE_EVERY steps); further back, fewer
PRUNE_EVERY = 256  # steps played between two looks for states to let go
COMPACT_ROWS = 512  # played rows a fed buffer drops at once (it then holds only what is still to come)
_generations = itertools.count(1)


class Track:
    """One racer's steps 0..n−1: `points[i]`, `losses[i]`, `grad_norms[i]`, `evals[i]`, and `step_at(i)` (Step i
    with its picture state).

    Memory stays compact whatever the length: the runner records the columns (44 bytes a step), and the full
    Step of an earlier iteration is rebuilt when asked for by replaying from the nearest snapshot (paths are
    deterministic), so no Step object is kept per iteration.

    Steps may also come from a worker that computed them ahead (`feed`, then `absorb` as they are played): the
    rows are taken as they are, and `runner` is brought to the newest step only when something asks for it,
    replayed from the nearest state the worker sent.
    """

    def __init__(self, method: str, runner, capacity: int):
        self.method = method
        self._runner = runner
        self.columns = runner.columns
        self.columns.reserve(capacity)
        self.error = ""  # set when core raised (a bug, not a divergence): the racer stops, the race goes on
        self._end: tuple[str, str] | None = None  # (status, message) of a fed racer that stopped at its last row
        self._checkpoints = {0: runner.snapshot()}  # exact snapshots, pictures and all
        self._states: dict[int, bytes] = {}  # packed states from a worker (core.ahead): replay from index + 1 on
        self._fed = path_columns(1)  # rows computed ahead, not yet played: row j is step _fed_from + j
        self._fed_from = 0
        self._fed_end: tuple[str, str, str] | None = None  # how the fed rows end, if the racer stopped
        self._replayed: tuple[int, object] | None = None  # the last step rebuilt, (index, Step)
        self._pruned_at = 0  # the length the states were last pruned at

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

    @property
    def runner(self):
        """The racer's Runner at its newest step (replayed there first if steps were fed to it)."""
        if self._runner.index < self.n - 1:
            self._catch_up()
        return self._runner

    def _catch_up(self) -> None:
        target = self.n - 1
        walker = self._walker(target, live=True)
        walker.columns = None  # the rows are recorded already
        while walker.index < target:
            walker.advance()
        walker.columns = self.columns
        self._runner = walker

    def _walker(self, i: int, live: bool = False):
        """A Runner at the latest known state from which step i can be reached (and its picture built): an exact
        snapshot at or before i, a worker's state before i, or (`live`) the racer's own runner."""
        best, source = self._runner.index if live else -1, "live"
        exact = max(c for c in self._checkpoints if c <= i)
        if exact > best:
            best, source = exact, "exact"
        packed = max((c for c in self._states if c < i), default=-1)
        if packed > best:
            best, source = packed, "packed"
        if source == "exact":
            return self._checkpoints[best].snapshot()
        if source == "packed":
            return unpack(self._states[best], self._runner.surface)
        return self._runner

    def step_at(self, i: int):
        """Step i (0 ≤ i < n) with its picture state: the live one, or one replayed from a snapshot."""
        i = self.at(i)
        if i == self.n - 1:
            return self.runner.last
        if self._replayed is not None and self._replayed[0] == i:
            return self._replayed[1]
        walker = self._walker(i)
        while walker.index < i - 1:
            walker.advance()
        step = walker.step() if walker.index < i else walker.last
        self._replayed = (i, step)
        return step

    def reserve(self, capacity: int) -> None:
        self.columns.reserve(capacity)

    @property
    def done(self) -> bool:
        return bool(self.error) or self._end is not None or self._runner.done

    @property
    def status(self) -> str:
        if self.error:
            return "failed"
        return self._end[0] if self._end is not None else self._runner.status

    @property
    def message(self) -> str:
        if self.error:
            return self.error
        return self._end[1] if self._end is not None else self._runner.message

    def at(self, k: int) -> int:
        """The index of the step shown at timeline position k (a racer that stopped stays where it stopped)."""
        return max(0, min(int(k), self.n - 1))

    def status_at(self, k: int) -> tuple[str, str]:
        """(status, message) as they were at timeline position k."""
        if k >= self.n - 1 and self.done:
            return self.status, self.message
        return "running", ""

    def set(self, **hparams) -> None:
        """New hyperparameters from the next step on; an exact snapshot here, so that replaying a later step for
        its picture starts after the change (one from before it would walk on with the old values)."""
        runner = self.runner
        runner.set(**hparams)
        self._checkpoints[runner.index] = runner.snapshot()
        self._replayed = None

    def step_forward(self) -> None:
        runner = self.runner
        self.error = advance_guarded(runner)
        index = runner.index
        if index % CHECKPOINT_EVERY == 0 and index not in self._checkpoints:
            self._checkpoints[index] = runner.snapshot()

    # -- steps computed ahead (core.ahead) ---------------------------------------------------------------
    @property
    def fed_to(self) -> int:
        """The last step index known: played or fed."""
        return max(self.n, self._fed_from + self._fed.size) - 1

    def feed(self, first: int, rows, states: dict, end) -> None:
        """Steps first, first + 1, … computed ahead (rows as in core.ahead.Chunk), their states, and the end."""
        if self.done or self._fed_end is not None:
            return
        skip = self.fed_to + 1 - first  # steps already known (played here, or fed before) are the same steps
        count = len(rows[1])
        if skip < 0 or skip > count:
            return  # not contiguous: the caller's bug, never silently joined
        if self._fed.size == 0:
            self._fed_from = self.n
        fed = self._fed
        fed.reserve(fed.size + count - skip)
        for name, values in zip(fed.names, rows, strict=True):
            fed.fill(name, fed.size, values[skip:])
        fed.resize(fed.size + count - skip)
        self._states.update(states)
        if end is not None:
            self._fed_end = tuple(end)

    def absorb(self, iterations: int) -> None:
        """Play up to `iterations` fed steps (fewer if the racer stopped); the stop, once its last row is played."""
        start = self.n - self._fed_from  # rows of _fed already played (or stepped here meanwhile)
        take = max(0, min(int(iterations), self._fed.size - start))
        if take:
            cols, fed = self.columns, self._fed
            size = cols.size
            cols.reserve(size + take)
            for name in cols.names:
                cols.fill(name, size, fed.col(name)[start:start + take])
            cols.resize(size + take)
        played = self.n - self._fed_from
        if played >= self._fed.size:
            self._fed.resize(0)
            if self._fed_end is not None:
                status, message, error = self._fed_end
                self.error, self._end = error, (None if error else (status, message))
        elif played >= COMPACT_ROWS:  # the played rows go: the fed buffer holds only what is still to come
            fed, rest = self._fed, {name: np.array(self._fed.col(name)[played:]) for name in self._fed.names}
            for name, values in rest.items():
                fed.fill(name, 0, values)
            fed.resize(fed.size - played)
            self._fed_from += played
        self._prune()

    def forget_fed(self) -> None:
        """Drop what was computed ahead and not played (the race changed at its head)."""
        self._fed.resize(0)
        self._fed_end = None
        head = self.n - 1
        self._states = {c: data for c, data in self._states.items() if c <= head}

    def _prune(self) -> None:
        """Keep every worker state near the head, further back only one per CHECKPOINT_EVERY steps (looked over
        once every PRUNE_EVERY steps played: the states computed ahead are many, and a frame plays a few dozen)."""
        if abs(self.n - self._pruned_at) < PRUNE_EVERY:
            return
        self._pruned_at = self.n
        if len(self._states) > 2 * KEEP_STATES:
            old = self.n - 1 - KEEP_STATES * STATE_EVERY
            self._states = {c: d for c, d in self._states.items() if c >= old or c % CHECKPOINT_EVERY == 0}


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
        self.generation = next(_generations)  # changes whenever what lies ahead of the head changes
        self.fed = False  # a worker computes this generation's steps ahead (set once its rows pass the head)
        self._fed_head = 0  # the last iteration computed ahead (fed rows reach it)

    def add(self, method: str) -> Track:
        """Start `method` (replacing its old run) and catch it up to `head`; raises ValueError on bad hparams."""
        runner = self.factory(method, self.surface, self.start)
        track = Track(method, runner, self.max_steps + 1)
        while track.n - 1 < self.head and not track.done:
            track.step_forward()
        self.tracks[method] = track
        self.changed()
        return track

    def remove(self, method: str) -> None:
        self.tracks.pop(method, None)

    def set(self, method: str, **hparams) -> None:
        """Change `method`'s hyperparameters (or noise, tol) from its next step on (Runner.set; ValueError)."""
        self.tracks[method].set(**hparams)
        self.changed()

    def changed(self) -> None:
        """What lies ahead of the head changed: steps computed ahead are dropped, a new generation begins."""
        self.generation = next(_generations)
        self.fed = False
        self._fed_head = self.head
        for track in self.tracks.values():
            track.forget_fed()

    def methods(self) -> list[str]:
        return [m for m in keys() if m in self.tracks]

    @property
    def finished(self) -> bool:
        """No racer can move: all stopped, or `head` reached max_steps."""
        return self.head >= self.max_steps or all(t.done for t in self.tracks.values())

    def advance(self, iterations: int = 1, wait: bool = False, time_left=None) -> int:
        """Up to `iterations` lockstep iterations; returns how many were done. Iterations computed ahead are
        played first; then, unless `wait` while a worker is computing this race (`fed`), they are computed here,
        each while `time_left()` (if given) is true."""
        done = 0
        while done < iterations and not self.finished:
            if self._fed_head > self.head:
                take = min(iterations - done, self._fed_head - self.head, self.max_steps - self.head)
                for track in self.tracks.values():
                    if not track.done:
                        track.absorb(take)
                self.head += take
                done += take
                continue
            if (wait and self.fed) or (time_left is not None and not time_left()):
                break
            for track in self.tracks.values():
                if not track.done:
                    track.step_forward()
            self.head += 1
            done += 1
        return done

    # -- computed ahead (core.ahead) --------------------------------------------------------------------
    def job(self) -> tuple:
        """What a worker needs to compute ahead from the head: (generation, surface recipe, packed states of the
        running racers, head, max_steps), the arguments of core.ahead.Ahead.job."""
        states = {m: pack(t.runner) for m, t in self.tracks.items() if not t.done}
        return self.generation, recipe(self.surface), states, self.head, self.max_steps

    def receive(self, chunk) -> bool:
        """Take a core.ahead.Chunk of this generation (False: another generation's, or not contiguous)."""
        if chunk.generation != self.generation or chunk.first > max(self._fed_head, self.head) + 1:
            return False
        for method, rows in chunk.rows.items():
            track = self.tracks.get(method)
            if track is not None:
                track.feed(chunk.first, rows, chunk.states.get(method, {}), chunk.ends.get(method))
        self._fed_head = max(self._fed_head, chunk.last)
        self.fed = self.fed or self._fed_head > self.head  # from now on the frames wait for the worker
        return True

    @property
    def fed_behind(self) -> int:
        """Iterations the rows computed ahead are behind the head (stepped here while they were computed)."""
        return max(0, self.head - self._fed_head)

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
        self.changed()
