"""The local quadratic model a second-order step trusts, m(p) = f₀ + gᵀ(p − c) + ½ (p − c)ᵀ B (p − c).

Read-only (safe to hand to the GUI thread): its value for drawing, its kind and Newton's target, and the contour
lines the Landscape draws of it.
"""
from __future__ import annotations

import math

import numpy as np

from core.contours import contour_segments

__all__ = ["QuadraticModel"]

SINGULAR_RTOL = 1e-12  # |λ|min ≤ this · |λ|max counts as singular: the solve would be rounding noise


def at(p) -> str:
    """A point as the messages show it: (x, y) to 3 significant digits."""
    return f"({p[0]:.3g}, {p[1]:.3g})"


def _frozen(a, shape) -> np.ndarray:
    a = np.array(a, dtype=float).reshape(shape)
    a.setflags(write=False)
    return a


class QuadraticModel:
    """m(p) = f₀ + gᵀ(p − c) + ½ (p − c)ᵀ B (p − c): the local model a second-order step trusts (read-only)."""

    def __init__(self, center, value, gradient, hessian, eigvals=None, eigvecs=None):
        self.center = _frozen(center, (2,))
        self.level = float(value)  # f₀, the model's value at the centre (named apart from the method .value)
        self.gradient = _frozen(gradient, (2,))
        hessian = np.asarray(hessian, dtype=float).reshape(2, 2)
        self.hessian = _frozen(0.5 * (hessian + hessian.T), (2, 2))
        if eigvals is None or eigvecs is None:
            if np.all(np.isfinite(self.hessian)):
                eigvals, eigvecs = np.linalg.eigh(self.hessian)
            else:
                eigvals, eigvecs = np.full(2, np.nan), np.full((2, 2), np.nan)
        self.eigvals = _frozen(eigvals, (2,))  # ascending
        self.eigvecs = _frozen(eigvecs, (2, 2))  # columns are the unit eigen-directions
        self._singular: bool | None = None

    def value(self, x, y):
        """m at (x, y): a float for floats, an array (broadcast) for arrays."""
        dx = np.asarray(x, dtype=float) - self.center[0]
        dy = np.asarray(y, dtype=float) - self.center[1]
        (a, b), (_, c) = self.hessian
        g0, g1 = self.gradient
        with np.errstate(all="ignore"):
            out = self.level + g0 * dx + g1 * dy + 0.5 * (a * dx * dx + 2.0 * b * dx * dy + c * dy * dy)
        return float(out) if np.ndim(out) == 0 else out

    @property
    def singular(self) -> bool:
        if self._singular is None:  # asked twice per Newton step: once is enough (the model is read-only)
            self._singular = is_singular(self.eigvals)
        return self._singular

    @property
    def kind(self) -> str:
        """'minimum', 'saddle' or 'maximum' (the model's stationary point), or 'degenerate' when B is singular."""
        if self.singular:
            return "degenerate"
        lo, hi = self.eigvals
        return "minimum" if lo > 0 else "maximum" if hi < 0 else "saddle"

    @property
    def stationary_point(self) -> np.ndarray | None:
        """c − B⁻¹g, where the model's gradient vanishes (Newton's target); None when B is singular."""
        if self.singular:
            return None
        v, lam = self.eigvecs, self.eigvals
        return self.center - v @ ((v.T @ self.gradient) / lam)

    def contour_frame(self, span: float) -> tuple[np.ndarray, float]:
        """(middle, reach): the square middle ± reach that shows the model, around the centre and Newton's target
        (1.6 times their distance, at least 0.08·span), or 0.15·span around the centre when there is no target."""
        target = self.stationary_point
        if target is None:
            return self.center, 0.15 * span
        return (self.center + target) / 2, max(1.6 * float(np.hypot(*(target - self.center))), 0.08 * span)

    def contours(self, middle, reach: float, n: int = 80) -> np.ndarray:
        """Segments (m, 2, 2) of (x, y) points: contours of m over middle ± reach (n² samples), at m* + r·|f₀ − m*|
        with r = ¼, 1, 9/4 (and their negatives unless the model is a bowl), m* = m at the stationary point (the
        median sample when there is none): the one through the centre, and ones half and 1.5 times as far out."""
        xs = np.linspace(middle[0] - reach, middle[0] + reach, n)
        ys = np.linspace(middle[1] - reach, middle[1] + reach, n)
        values = np.asarray(self.value(xs[None, :], ys[:, None]), dtype=float)
        if not np.all(np.isfinite(values)):
            return np.zeros((0, 2, 2))
        target = self.stationary_point
        base = self.value(*target) if target is not None else float(np.median(values))
        gap = self.level - base
        if not gap or not math.isfinite(gap):
            gap = float(np.ptp(values)) / 4 or 1.0
        ratios = (0.25, 1.0, 2.25) if self.kind == "minimum" else (-2.25, -1.0, -0.25, 0.25, 1.0, 2.25)
        return contour_segments(xs, ys, values, [base + r * abs(gap) for r in ratios])

    def __repr__(self):
        return f"QuadraticModel(center={at(self.center)}, level={self.level:.4g}, eigvals={self.eigvals})"


def is_singular(eigvals) -> bool:
    """True when a symmetric 2×2 matrix with these eigenvalues cannot be solved with meaning."""
    lam = np.abs(np.asarray(eigvals, dtype=float))
    if not np.all(np.isfinite(lam)):
        return True
    return lam.max() == 0.0 or lam.min() <= SINGULAR_RTOL * lam.max()
