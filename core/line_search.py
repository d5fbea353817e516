"""Step lengths along a descent direction d: Armijo backtracking and a strong Wolfe search (bracketing + zoom).

Both take φ, the objective along the line (φ(t) = f(x + t·d)), and f₀ = φ(0), f′(0) = ∇f(x)·d < 0; neither raises
on bad numbers: NaN counts as "too far", and no acceptable step gives t = 0.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["LineSearch", "backtracking", "strong_wolfe"]

F_NOISE = 1e-10  # relative differences of f below this are rounding: the line search lets slopes decide


@dataclass
class LineSearch:
    """Outcome of a line search along d: step t (0 = no decrease found), f, ∇f and ∇f·d there, every trial t."""
    t: float
    f: float
    g: np.ndarray | None
    gtd: float
    trials: list = field(default_factory=list)
    wolfe: bool = False  # both strong Wolfe conditions hold at t
    curvature: bool = False  # |f′(t)| ≤ c₂·|f′(0)| holds (with f(t) ≤ f₀ up to rounding: approximate Wolfe)


def decreases(f, f0, required) -> bool:
    """Armijo's test f ≤ f₀ + required (required < 0), up to rounding: within F_NOISE·|f₀|, or exactly f₀ (f
    saturated in floating point) counts as enough, so the slope can decide. False for NaN (undefined = too far)."""
    return f <= f0 + required + F_NOISE * abs(f0) or f == f0


def backtracking(phi, f0, gtd0, t, c1=1e-4, max_evals=30) -> LineSearch:
    """Armijo backtracking: halve t until f(t) ≤ f₀ + c₁·t·f′(0) (up to rounding, see `decreases`).

    ``phi(t) -> f`` evaluates the objective at x + t·d. Gives t = 0 when ``max_evals`` trials found no decrease;
    ``trials`` holds every t tried (the last is the accepted one).
    """
    trials = []
    for _ in range(max_evals):
        trials.append(t)
        f = phi(t)
        if decreases(f, f0, c1 * t * gtd0):
            return LineSearch(t=t, f=f, g=None, gtd=np.nan, trials=trials)
        t *= 0.5
    return LineSearch(t=0.0, f=f0, g=None, gtd=gtd0, trials=trials)


def _cubic_min(a, b, lo, hi) -> float:
    """Minimizer of the cubic through (t, f, f') at a and b, clipped to [lo, hi]; the midpoint if none is finite."""
    (t1, f1, _, d1), (t2, f2, _, d2) = a, b
    with np.errstate(all="ignore"):
        theta = d1 + d2 - 3.0 * (f1 - f2) / (t1 - t2)
        disc = theta * theta - d1 * d2
        t = np.nan
        if disc >= 0:
            root = np.copysign(np.sqrt(disc), t2 - t1)
            t = t2 - (t2 - t1) * (d2 + root - theta) / (d2 - d1 + 2.0 * root)  # Nocedal–Wright (3.59)
    return float(min(max(t, lo), hi)) if np.isfinite(t) else 0.5 * (lo + hi)


def strong_wolfe(phi, f0, gtd0, t, c1=1e-4, c2=0.9, max_evals=25, xtol=1e-9) -> LineSearch:
    """A step meeting f(t) ≤ f₀ + c₁·t·f′(0) and |f′(t)| ≤ c₂·|f′(0)| (Nocedal–Wright Alg. 3.5 + 3.6, cubic steps).

    ``phi(t) -> (f, g, gtd)`` evaluates the objective at x + t·d; ``gtd0`` = ∇f(x)·d must be negative. The zoom
    stops when its interval is shorter than ``xtol`` (in t). If evaluations or interval run out, the best
    sufficient-decrease point found is returned with ``wolfe=False`` (t = 0 if none decreased f).

    Values of f within F_NOISE·|f₀| of each other (or exactly f₀) count as ties, settled by the slope: near a
    minimum rounding hides the decrease in f while ∇f is still accurate. A step may then be accepted by the
    curvature condition alone, with f(t) ≤ f₀ up to that tie (in the spirit of Hager–Zhang's approximate Wolfe
    conditions); ``wolfe`` reports the exact conditions, ``curvature`` the one that was met.
    """
    trials = []
    noise = F_NOISE * abs(f0)

    def probe(s):
        f, g, gtd = phi(s)
        trials.append(s)
        return (s, f, g, gtd)

    def armijo(p):
        return decreases(p[1], f0, c1 * p[0] * gtd0)

    def done(p, curvature):
        wolfe = curvature and p[1] <= f0 + c1 * p[0] * gtd0
        return LineSearch(t=p[0], f=p[1], g=p[2], gtd=p[3], trials=trials, wolfe=wolfe, curvature=curvature)

    prev, cur = (0.0, f0, None, gtd0), probe(t)
    while True:  # bracketing (Alg. 3.5): grow t until the interval holds a Wolfe point
        if not armijo(cur) or (len(trials) > 1 and cur[1] > prev[1] + noise):
            lo, hi = prev, cur
            break
        if abs(cur[3]) <= -c2 * gtd0:
            return done(cur, True)
        if cur[3] >= 0:
            lo, hi = cur, prev
            break
        if len(trials) >= max_evals:
            return done(cur, False)
        grow = cur[0] - prev[0]  # extrapolate to [t + 1.1·Δ, t + 4·Δ] (Moré–Thuente's bounds): Δ grows each time
        far = cur[0] + 4.0 * grow
        # a slope no less steep than the last (the line bends down, or is straight) leaves the cubic no minimum
        # ahead: go to the far bound, as Moré–Thuente do
        nxt = far if cur[3] <= prev[3] else _cubic_min(prev, cur, cur[0] + 1.1 * grow, far)
        prev, cur = cur, probe(nxt)
    while len(trials) < max_evals and abs(hi[0] - lo[0]) > xtol:  # zoom (Alg. 3.6)
        left, right = sorted((lo[0], hi[0]))
        margin = 0.1 * (right - left)  # keep trials off the ends so the interval always shrinks
        cur = probe(_cubic_min(lo, hi, left + margin, right - margin))
        if not armijo(cur) or cur[1] > lo[1] + noise:
            hi = cur
            continue
        if abs(cur[3]) <= -c2 * gtd0:
            return done(cur, True)
        if cur[3] * (hi[0] - lo[0]) >= 0:
            hi = lo
        lo = cur
    return done(lo, False)
