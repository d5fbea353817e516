"""Minima of a typed surface, found numerically on its view: the grid's local minima, polished by Newton's method
with the exact derivatives, kept where the gradient vanishes and the Hessian is positive definite."""
from __future__ import annotations

import numpy as np

__all__ = ["find_minima"]

GRID = 48  # samples per axis of the first look
MAX_CANDIDATES = 24
POLISH_STEPS = 40
GRAD_TOL = 1e-8


def find_minima(grid, gradient, hessian, view) -> list[tuple[float, float, float]]:
    """(x, y, f) of each minimum found inside `view`, lowest first (ties on the grid count as candidates).

    `grid(n)` gives (xs, ys, Z) over the view; `gradient(x, y)` and `hessian(x, y)` are exact. Nothing raises on
    bad numbers: points where f or its derivatives are undefined are skipped.
    """
    xs, ys, z = grid(GRID)
    with np.errstate(invalid="ignore"):
        inner = z[1:-1, 1:-1]
        lower = np.isfinite(inner)
        for di in (-1, 0, 1):
            for dj in (-1, 0, 1):
                if di or dj:
                    lower &= inner <= np.where(np.isfinite(z), z, np.inf)[1 + di:z.shape[0] - 1 + di,
                                                                         1 + dj:z.shape[1] - 1 + dj]
    rows, cols = np.nonzero(lower)
    order = np.argsort(inner[rows, cols])[:MAX_CANDIDATES]
    xmin, xmax, ymin, ymax = view
    reach = 0.05 * max(xmax - xmin, ymax - ymin)
    found: list[tuple[float, float, float]] = []
    for k in order:
        p = _polish(np.array([xs[cols[k] + 1], ys[rows[k] + 1]]), gradient, hessian)
        if p is None or not (xmin - reach <= p[0] <= xmax + reach and ymin - reach <= p[1] <= ymax + reach):
            continue
        if any(np.hypot(p[0] - q[0], p[1] - q[1]) < 1e-6 * (1 + np.hypot(*p)) for q in found):
            continue
        found.append((float(p[0]), float(p[1]), float(inner[rows[k], cols[k]])))
    return sorted(found, key=lambda m: m[2])


def _polish(p: np.ndarray, gradient, hessian) -> np.ndarray | None:
    """Newton's method from a grid point; None unless it ends where ∇f = 0 and ∇²f is positive definite."""
    with np.errstate(all="ignore"):
        for _ in range(POLISH_STEPS):
            g, h = np.asarray(gradient(*p), dtype=float), np.asarray(hessian(*p), dtype=float)
            if not (np.all(np.isfinite(g)) and np.all(np.isfinite(h))):
                return None
            if np.hypot(*g) < GRAD_TOL:
                break
            lam = np.linalg.eigvalsh(0.5 * (h + h.T))
            shift = 0.0 if lam[0] > 1e-12 else 1e-6 - lam[0]  # Levenberg: downhill where h is not convex
            try:
                p = p - np.linalg.solve(h + shift * np.eye(2), g)
            except np.linalg.LinAlgError:
                return None
        g, h = np.asarray(gradient(*p), dtype=float), np.asarray(hessian(*p), dtype=float)
        if not (np.all(np.isfinite(g)) and np.all(np.isfinite(h))) or np.hypot(*g) >= GRAD_TOL:
            return None
        return p if np.linalg.eigvalsh(0.5 * (h + h.T))[0] > 0 else None
