"""Stepping a Landscape race ahead of its playback, in another process: the worker's side and what crosses over.

Paths are deterministic, so the steps a race will show can be computed before they are shown. `Ahead` is a
core.experiment.Experiment the run driver's process backend runs: it is given the racers' states at the race's
head (`job`), steps them in lockstep as `SurfaceRace.advance` would, and sends the new rows in `Chunk`s — the
columns a Track keeps (44 bytes a step) and, every `STATE_EVERY` steps, the racer's packed state, from which
the GUI rebuilds any step's picture by replaying a few steps (for the racer whose aids are drawn, `focus`,
every `FOCUS_EVERY` steps: its picture is rebuilt at every redraw of the aids). It stays at most `AHEAD`
iterations ahead of what was played (`played`), so a paused race costs nothing.

A state crosses as bytes (`pack` / `unpack`): the runner without its recorded path, its surface and its method
spec replaced by references, so a typed formula's sympy code never travels; each side binds its own surface.
"""
from __future__ import annotations

import copy
import io
import pickle
import time
from dataclasses import dataclass

import numpy as np

from core.methods import get_method, keys
from core.paths import Noise, path_columns
from core.surfaces import Surface

__all__ = ["AHEAD", "FOCUS_EVERY", "STATE_EVERY", "Ahead", "Chunk", "advance_guarded", "pack", "recipe",
           "surface_from", "unpack"]

AHEAD = 8192  # iterations computed beyond the last one played (50× plays ~3,000 a second)
STATE_EVERY = 64  # a racer's packed state every this many steps: a step's picture is ≤ this many replays away
FOCUS_EVERY = 16  # the same for the racer whose aids are drawn (`Ahead.focus`): they are rebuilt ten times a second
CHUNK_S = 0.02  # stepping per chunk: a chunk costs the GUI ≈ 0.3 ms to take in, whatever its size; the process sends
# what it made at most every 20 ms (app.runtime.workers) and reads its messages between chunks

_SURFACE, _METHOD = "surface", "method"


def recipe(surface: Surface) -> tuple:
    """What rebuilds `surface`'s numbers in another process: a built-in's generated code or the typed formula."""
    return (surface.key, surface.name, surface.formula, surface.category, tuple(surface.view),
            tuple(tuple(s) for s in surface.starts))


def surface_from(spec: tuple) -> Surface:
    """A surface with the same value, gradient, Hessian and view (a formula is parsed and compiled here)."""
    key, name, formula, category, view, starts = spec
    return Surface(key=key, name=name, formula=formula, category=category, view=view, starts=starts)


class _Packer(pickle.Pickler):
    def __init__(self, file, surface):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.surface = surface
        self.specs = {id(get_method(k)): k for k in keys()}

    def persistent_id(self, obj):
        if obj is self.surface:
            return _SURFACE
        key = self.specs.get(id(obj))
        if key is not None and obj is get_method(key):
            return (_METHOD, key)
        return None


class _Unpacker(pickle.Unpickler):
    def __init__(self, file, surface):
        super().__init__(file)
        self.surface = surface

    def persistent_load(self, pid):
        if pid == _SURFACE:
            return self.surface
        if isinstance(pid, tuple) and len(pid) == 2 and pid[0] == _METHOD:
            return get_method(pid[1])
        raise pickle.UnpicklingError(f"unknown reference {pid!r}")


def pack(runner) -> bytes:
    """`runner`'s state as bytes: what stepping it next needs, without its recorded path or its last picture."""
    runner._sync()  # the lean twin's floats back into the optimizer (the twin loads afresh on the next step)
    bare = copy.copy(runner)
    bare.columns, bare._later, bare._last = None, None, None
    bare._rng = Noise(state=runner._rng.state)
    bare._normals, bare._normal_at = runner._normals[runner._normal_at:], 0
    out = io.BytesIO()
    _Packer(out, runner.surface).dump(bare)
    return out.getvalue()


def unpack(data: bytes, surface: Surface):
    """A Runner from `pack`'s bytes, on `surface`; it records nothing until given columns. Its own last step's
    picture may lack what only pictures need (a second-order model): replay from an earlier state for that."""
    return _Unpacker(io.BytesIO(data), surface).load()


def advance_guarded(runner) -> str:
    """One step of `runner`; "" or, when core raised (a bug, not a divergence), the message the racer stops with."""
    try:
        runner.advance()
    except Exception as exc:
        return f"stopped at step {runner.index + 1}: core raised {type(exc).__name__}: {exc}"
    return ""


@dataclass(frozen=True)
class Chunk:
    """Iterations `first` … `last` of race `generation`: per method, the rows its racer added (from its step
    `first` on; fewer if it stopped), its packed states by step index, and, if it stopped, (status, message,
    error) after its last row."""

    generation: int
    first: int
    last: int
    rows: dict  # method -> (points (k, 2), losses (k,), grad_norms (k,), evals (k, 3) int32)
    states: dict  # method -> {step index: bytes}
    ends: dict  # method -> (status, message, error)


class Ahead:
    """The worker's experiment: one job at a time (a new one replaces it), stepped in chunks of `CHUNK_S`."""

    def __init__(self):
        self.generation: int | None = None
        self.runners: dict = {}
        self.stopped: set = set()
        self.head = self.max_steps = self.played = 0
        self.focused: str | None = None  # the racer whose states are sent every FOCUS_EVERY steps
        self._surfaces: dict[tuple, Surface] = {}

    @property
    def done(self) -> bool:
        return (self.generation is None or self.head >= self.max_steps or len(self.stopped) == len(self.runners)
                or self.head >= self.played + AHEAD)

    def begin(self):
        return None

    def step(self):
        return self._chunk() if not self.done else None

    def extend(self, iterations: int) -> None:
        self.max_steps += int(iterations)

    def job(self, generation: int, surface: tuple, states: dict, head: int, max_steps: int) -> None:
        """Step from `head` on: `states` are the running racers' packed states there (by method)."""
        if surface not in self._surfaces:
            self._surfaces = {surface: surface_from(surface)}  # one surface at a time (a formula's code is big)
        here = self._surfaces[surface]
        self.runners = {method: unpack(data, here) for method, data in states.items()}
        self.stopped = set()
        self.generation, self.head, self.played, self.max_steps = int(generation), int(head), int(head), int(max_steps)

    def focus(self, method: str | None) -> None:
        """Send `method`'s states every FOCUS_EVERY steps from now on (the others' every STATE_EVERY)."""
        self.focused = method

    def play(self, generation: int, head: int) -> None:
        """The race was played up to iteration `head`: stay up to AHEAD beyond it."""
        if generation == self.generation:
            self.played = max(self.played, int(head))

    def _chunk(self) -> Chunk:
        first, until = self.head + 1, time.perf_counter() + CHUNK_S
        limit = min(self.max_steps, self.played + AHEAD)
        running = {m: r for m, r in self.runners.items() if m not in self.stopped}
        for runner in running.values():
            runner.columns = path_columns()
        states: dict = {m: {} for m in running}
        ends: dict = {}
        while self.head < limit and len(ends) < len(running) and time.perf_counter() < until:
            for method, runner in running.items():
                if method in ends:
                    continue
                error = advance_guarded(runner)
                if error or runner.done:
                    ends[method] = ("failed" if error else runner.status, error or runner.message, error)
                elif runner.index % (FOCUS_EVERY if method == self.focused else STATE_EVERY) == 0:
                    states[method][runner.index] = pack(runner)
            self.head += 1
        self.stopped |= set(ends)
        rows = {}
        for method, runner in running.items():
            cols = runner.columns
            rows[method] = tuple(np.array(cols.col(n)) for n in ("points", "losses", "grad_norms", "evals"))
            runner.columns = None
        return Chunk(self.generation, first, self.head, rows, states, ends)
