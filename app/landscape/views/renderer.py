"""One frame: push the race's state at the timeline position into the views, touching only what changed."""
from __future__ import annotations

import math
import time

import numpy as np

from app.landscape.views.charts import CHARTS
from app.runtime.frames import FRAME_MS
from app.widgets.plots import nice_ceiling
from core.measures import Series, gradient_cost
from core.text import text

__all__ = ["Renderer"]

MIN_X_RANGE = 10.0  # iterations: the charts start this wide
LOOKAHEAD_S = 1.0  # while playing, the charts' x range holds where the race will be this long from now


def badge(track, k: int, race) -> tuple[str, str]:
    """What a racer's badge says at timeline position k: core's status, told apart where the words must differ —
    ready before anything ran, a saddle or maximum is not a minimum, Max steps reached is not running."""
    status, message = track.status_at(k)
    if status == "running":
        if race.head == 0:
            return "ready", text("status.ready")
        if k >= race.max_steps:
            return "limit", text("status.max_steps", steps=race.max_steps)
        return "running", message or "running"
    kind = getattr(message, "args", {}).get("kind")
    if status == "converged" and getattr(kind, "key", "") in ("kind.saddle", "kind.maximum"):
        return "saddle", message
    return status, message


def headline(status: str, message) -> str:
    """The badge's one-line form of a status (the full message stays its tooltip)."""
    args, key = getattr(message, "args", {}), getattr(message, "key", "")
    if key == "status.outside_domain":
        name = "badge.outside"
    elif status == "saddle":
        name = "badge.maximum" if getattr(args.get("kind"), "key", "") == "kind.maximum" else "badge.saddle"
    else:
        name = f"badge.{status}"
    try:
        return text(name, **args)
    except KeyError:  # ready, running, or a message without arguments: its first clause
        return str(message).split(":")[0]


AIDS_EVERY_S = 0.1  # while playing, the aids (arrows, boxes, models) are redrawn at most this often


class Renderer:
    """Remembers what each view shows per racer, so a frame costs setData only where something moved.

    Playing, the three charts take turns (one per frame, ~17 Hz each), a chart is redrawn only when a racer
    reaches a new pixel column, the aids follow at 10 Hz on frames of their own (no chart's turn then), and the
    cursor line is hidden (the dots mark the present); paused, stepping or scrubbing, everything is drawn exactly.
    """

    def __init__(self, trails, charts, aids, racers, playback, view):
        self.trails, self.charts, self.aids = trails, charts, aids
        self.racers, self.playback, self.view = racers, playback, view
        self.series: dict[str, Series] = {}
        self._drawn: dict[tuple[str, str], tuple] = {}  # (view, method) -> what it shows
        self._frame = 0
        self._aids_at = -math.inf  # when the aids were last drawn
        self._skipped = False  # whether the last frame skipped its chart's turn for the aids
        self._iota = np.arange(1024, dtype=float)  # 0, 1, 2, …: the charts' x on the iteration axis (read-only)
        self._iota.flags.writeable = False

    def start(self, method: str, capacity: int, surface) -> None:
        """A racer (re)joins: fresh chart series, nothing of it drawn yet."""
        self.series[method] = Series(capacity, surface.fmin, surface.minima)
        self.forget(method)
        self.charts.restart(method)

    def stop(self, method: str) -> None:
        """A racer leaves: its trail, marker and curves disappear."""
        self.series.pop(method, None)
        self.forget(method)
        self.trails.hide(method)
        self.charts.hide(method)

    def clear(self, methods) -> None:
        for method in methods:
            self.stop(method)
            self.racers.set_badge(method, "", "")

    def forget(self, method: str | None = None, view: str | None = None) -> None:
        """Redraw `method` (all racers if None) in `view` (all views if None) next frame."""
        for key in [k for k in self._drawn if (method is None or k[1] == method) and (view is None or k[0] == view)]:
            del self._drawn[key]

    def draw(self, race, k: int, playing: bool, scene) -> None:
        """Everything at timeline position k."""
        now = time.perf_counter()
        aids_due = not playing or now - self._aids_at >= AIDS_EVERY_S  # exact whenever the race stands still
        if not playing:
            due = CHARTS
        elif aids_due and any(scene.aids.values()) and not self._skipped:
            due = ()  # a frame that redraws aids skips its chart's turn, so the two do not stack up in one frame
        else:
            due = (CHARTS[self._frame % len(CHARTS)],)
            self._frame += 1
        self._skipped = playing and not due  # (never twice running: on a machine so slow that the aids are due
        # every frame, the charts still get every other frame)
        iterations = scene.x_axis == "iterations"
        if iterations:
            extent = float(race.head)
        else:
            extent = max((gradient_cost(t.evals[t.n - 1: t.n])[0] for t in race.tracks.values()), default=0.0)
        right = self._x_right(race, playing, scene.speed, extent, iterations)
        # Curves are decimated per pixel column: a new range redoes them. While playing, a chart takes a new range
        # on its own turn, so that each chart's lines are painted afresh once (in its frame), not twice (the old
        # lines at the new scale, then the new lines) and all three in one frame.
        for name in self.charts.set_x_range(right, due if playing else CHARTS):
            self.forget(view=name)
        curves = {name: [] for name in due}  # per due chart, the (method, x, y) of the curves that moved
        for method in race.methods():
            self._draw_racer(method, race.tracks[method], k, playing, curves, iterations)
            status, message = badge(race.tracks[method], k, race)
            self.racers.set_badge(method, status, message, headline(status, message))
        for name, moved in curves.items():
            if moved:
                self.charts.show_all(name, moved)
        self.trails.refresh_markers()
        self.charts.refresh_dots(due)
        self.charts.set_cursor(float(k) if iterations and not playing else None)
        if aids_due:
            self._aids_at = now if playing else -math.inf  # the first frame of a play draws them at once
            self.aids.show(scene.selected, race.tracks.get(scene.selected), k, scene.aids, self.view.visible_box())
        self.playback.show_state(playing, k, race.head)

    def _x_right(self, race, playing: bool, speed: float, extent: float, iterations: bool) -> float:
        """The right end of the charts' x range, for an x axis now reaching `extent` (iterations, or gradient
        evaluations) with a 10 % margin.

        While playing, the range holds where the race will be LOOKAHEAD_S from now at this speed (3,125 iterations
        at 50×), rounded up to 1, 2 or 5 × 10ᵏ, up to Max steps: the x axis then steps out a few times a race
        instead of at every nice number, and each step redraws a chart afresh (a race from 0 to 20,000 at 50× took
        56 such redraws in 400 frames; 24 with the next second at every nice number; 12 with 1-2-5 steps).
        Standing, the charts fit the race exactly, as they are then drawn exactly (a pause redraws them anyway).
        """
        needed = max(MIN_X_RANGE, nice_ceiling(1.1 * extent))
        if not playing:
            return needed
        head = race.head
        reach = head if race.finished else min(head + speed * LOOKAHEAD_S * 1000 / FRAME_MS, race.max_steps)
        per_step = extent / head if head else (1.0 if iterations else 0.0)  # the x axis's units per iteration
        ahead = nice_ceiling(1.1 * per_step * reach, (1.0, 2.0, 5.0)) if per_step * reach > 0 else 0.0
        if iterations:  # no wider than Max steps with its margin needs, to a nice number (the axis labels a
            ahead = min(ahead, nice_ceiling(1.1 * race.max_steps))  # nice range well on a narrow chart)
        return max(needed, ahead)  # (a head past a lowered Max steps still fits)

    def _iterations(self, n: int) -> np.ndarray:
        """0, 1, …, n − 1 as floats: a view of one array, grown when too short (not a new array per curve)."""
        if len(self._iota) < n:
            self._iota = np.arange(max(n, 2 * len(self._iota)), dtype=float)
            self._iota.flags.writeable = False
        return self._iota[:n]

    def _draw_racer(self, method, track, k, playing, curves, iterations) -> None:
        i = track.at(k)
        state = (i, track.n)
        series = self.series[method]
        series.extend(track)
        if self._drawn.get(("trail", method)) != state:
            self.trails.show(method, track.points[: i + 1])
            self._drawn[("trail", method)] = state
        x = None
        last_x = float(i) if iterations else float(series.cost[i])
        for name, moved in curves.items():
            drawn = ("column", self.charts.column(name, last_x)) if playing else state
            if self._drawn.get((name, method)) == drawn:
                continue
            if x is None:
                x = self._iterations(i + 1) if iterations else series.cost[: i + 1]
            y = {"loss": series.loss, "grad_norm": track.grad_norms, "distance": series.distance}[name]
            moved.append((method, x, None if y is None else y[: i + 1]))
            self.charts.set_dot(name, method, last_x, None if y is None else y[i])
            self._drawn[(name, method)] = drawn
