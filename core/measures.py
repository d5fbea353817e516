"""What the Landscape pictures and charts show, from values core computed: colour scale, chart axes, distances.

These are display transforms of a surface grid and of runners' steps (a log colour scale, f − f*, the nearest
of the surface's listed minima, an evaluation count, √G); nothing here evaluates a surface or an optimizer.
"""
from __future__ import annotations

import numpy as np

from core.columns import Columns

__all__ = [
    "COST_LABEL",
    "Heat",
    "Series",
    "gradient_cost",
    "heat",
    "heat_box",
    "inner_columns",
    "loss_for_chart",
    "nearest_minimum_distance",
    "root_accumulator",
    "value_range",
]

LOG_EPS_RATIO = 1e-6  # log colours show f − f* + ε with ε = this · (range of f − f*): the floor stays finite
COST_LABEL = "gradient evaluations (∇²f counts as 2)"


class Heat:
    """What the heatmap shows: `values` (float32, rows are y), colour `levels` and the colour bar's label."""

    def __init__(self, values: np.ndarray, levels: tuple[float, float], label: str, log: bool):
        self.values = values
        self.levels = levels
        self.label = label
        self.log = log


def heat_box(view, widen: float = 0.5) -> tuple[float, float, float, float]:
    """The box the heatmap covers: the surface's view widened by `widen`·width on each side, so the usual
    wide plot area is filled with the surface instead of white margins (colours still scale to the view)."""
    xmin, xmax, ymin, ymax = view
    pad = widen * (xmax - xmin)
    return (xmin - pad, xmax + pad, ymin, ymax)


def heat(z: np.ndarray, log_colors: bool, fmin: float | None, inner=slice(None)) -> Heat:
    """Colour values for a surface grid Z: Z itself, or log10(Z − f* + ε) for steep surfaces (NaN stays NaN).

    The colour levels and ε come from the columns `inner` (the surface's own view), so a widened grid does not
    wash out the colours where the race happens.
    """
    z = np.asarray(z, dtype=np.float64)
    finite = np.isfinite(z)
    if not finite[:, inner].any():
        return Heat(np.full(z.shape, np.nan, np.float32), (0.0, 1.0), "f(x, y)", False)
    if log_colors:
        floor = float(np.min(z[finite]))
        floor = floor if fmin is None else min(float(fmin), floor)
        gap = np.where(finite, z - floor, np.nan)
        eps = max(LOG_EPS_RATIO * float(np.nanmax(gap[:, inner])), 1e-12)
        with np.errstate(invalid="ignore"):
            values = np.log10(gap + eps)
        label = "log₁₀(f − f*)" if fmin is not None else "log₁₀(f − min f)"
    else:
        values, label = np.where(finite, z, np.nan), "f(x, y)"
    # float32 holds ±3.4e38: larger values (1e300·x²) are clipped colours, never infinite levels
    big = float(np.finfo(np.float32).max)
    with np.errstate(invalid="ignore"):
        values = np.ascontiguousarray(np.clip(values, -big, big), dtype=np.float32)
    lo, hi = float(np.nanmin(values[:, inner])), float(np.nanmax(values[:, inner]))
    if not np.isfinite(hi - lo):
        lo, hi = lo / 2, hi / 2  # a span a float can hold
    if not hi > lo:
        span = max(abs(lo) * 1e-6, 1.0)
        lo, hi = lo - span, lo + span
    return Heat(values, (lo, hi), label, bool(log_colors))


def inner_columns(xs: np.ndarray, view) -> slice:
    """The columns of a heat_box grid that lie inside the surface's own view."""
    inside = np.flatnonzero((xs >= view[0] - 1e-12) & (xs <= view[1] + 1e-12))
    return slice(int(inside[0]), int(inside[-1]) + 1) if len(inside) else slice(None)


def value_range(z: np.ndarray, inner=slice(None)) -> tuple[float, float] | None:
    """(min, max) of the finite values of a grid's columns `inner` (f's range over the view); None if none is."""
    values = np.asarray(z)[:, inner]
    finite = values[np.isfinite(values)]
    return (float(finite.min()), float(finite.max())) if finite.size else None


def loss_for_chart(losses: np.ndarray, fmin: float | None, out: np.ndarray | None = None) -> tuple[np.ndarray, bool]:
    """(y values, log axis?): f − f* on a log axis when f* is known, else f itself on a linear axis (written into
    `out` when given)."""
    losses = np.asarray(losses, dtype=np.float64)
    if fmin is None:
        if out is None:
            return losses, False
        out[:] = losses
        return out, False
    with np.errstate(over="ignore", invalid="ignore"):
        out = np.subtract(losses, fmin, out=out)
        return np.maximum(out, 1e-16, out=out), True


def nearest_minimum_distance(points: np.ndarray, minima) -> np.ndarray | None:
    """Euclidean distance from each point (n, 2) to the nearest listed minimum; None when none is known."""
    centres = np.array([(m.x, m.y) for m in minima], dtype=np.float64).reshape(-1, 2)
    if len(centres) == 0:
        return None
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    out = np.empty(len(points))
    with np.errstate(over="ignore", invalid="ignore"):
        _distances(points, centres, out)
    return out


def _distances(points: np.ndarray, centres: np.ndarray, out: np.ndarray) -> None:
    """`out` = the distance from each point to the nearest of `centres` (≥ 1 of them)."""
    if len(centres) == 1:
        (cx, cy), = centres
        np.hypot(points[:, 0] - cx, points[:, 1] - cy, out=out)
    else:
        d = np.hypot(points[:, None, 0] - centres[None, :, 0], points[:, None, 1] - centres[None, :, 1])
        np.min(d, axis=1, out=out)


def gradient_cost(evals: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """x values for the evaluation axis from core's cumulative (f, ∇f, ∇²f) counts, (n, 3) -> (n,) (written into
    `out` when given).

    In 2-D a Hessian costs about as much as two gradients (one per coordinate), and a line search's f values
    come with their gradients, so the price of a step is max(#f, #∇f) + 2·#∇²f.
    """
    evals = np.asarray(evals).reshape(-1, 3)
    out = np.maximum(evals[:, 0], evals[:, 1], out=np.empty(len(evals)) if out is None else out)
    out += 2.0 * evals[:, 2]
    return out


def root_accumulator(info: dict, source: str = "accum") -> np.ndarray | None:
    """√G per axis from a step's info[source] (the method's "box" drawable: √v̂ for Adam, √(accumulated squares)
    for Adagrad and RMSprop); None if the step has none (negative rounding noise counts as 0)."""
    g2 = info.get(source)
    if g2 is None:
        return None
    return np.sqrt(np.maximum(np.asarray(g2, dtype=float), 0.0))


class Series:
    """One racer's chart values (x as evaluations, loss as charted, distance), extended as its track grows."""

    def __init__(self, capacity: int, fmin: float | None, minima):
        self.fmin = fmin
        self.minima = tuple(minima)
        self._centres = np.array([(m.x, m.y) for m in self.minima], dtype=np.float64).reshape(-1, 2)
        names = ("cost", "loss", "distance") if self.minima else ("cost", "loss")
        self.columns = Columns(names, max(int(capacity), 1))

    @property
    def n(self) -> int:
        return self.columns.size

    @property
    def cost(self) -> np.ndarray:
        return self.columns.col("cost")

    @property
    def loss(self) -> np.ndarray:
        return self.columns.col("loss")

    @property
    def distance(self) -> np.ndarray | None:
        return self.columns.col("distance") if self.minima else None

    def extend(self, track) -> None:
        """Add the values of the track's steps not seen yet (each step is converted once, straight into the
        columns)."""
        start, stop = self.n, track.n
        if stop <= start:
            return
        cols = self.columns
        cols.reserve(stop)
        gradient_cost(track.evals[start:stop], out=cols.slot("cost", start, stop))
        loss_for_chart(track.losses[start:stop], self.fmin, out=cols.slot("loss", start, stop))
        if len(self._centres):
            with np.errstate(over="ignore", invalid="ignore"):
                _distances(track.points[start:stop], self._centres, cols.slot("distance", start, stop))
        cols.resize(stop)
