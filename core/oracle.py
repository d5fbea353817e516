"""The surface as a second-order method sees it: f, ∇f and ∇²f at a point, each call charged to a count."""
from __future__ import annotations

import numpy as np

__all__ = ["Oracle", "f_at", "grad_at", "hess_at", "scalar_safe"]


def _evaluate(fn, p, shape):
    # np.float64 arguments make overflow an inf, not Python's OverflowError, in surfaces written with operators.
    try:
        with np.errstate(all="ignore"):
            out = fn(np.float64(p[0]), np.float64(p[1]))
    except ArithmeticError:
        return np.full(shape, np.nan)
    return np.asarray(out, dtype=float).reshape(shape)


def scalar_safe(surface) -> bool:
    """A core Surface: its scalar calls already give NaN and inf for domain errors and overflow, as fresh arrays
    of the right shape, so they need none of _evaluate's wrapping (the same values, a few µs sooner)."""
    return hasattr(surface, "_scalars")


def f_at(surface, p) -> float:
    """f(p) as a float (NaN where undefined); not counted."""
    if scalar_safe(surface):
        return float(surface.value(float(p[0]), float(p[1])))
    return float(_evaluate(surface.value, p, ()))


def grad_at(surface, p) -> np.ndarray:
    """∇f(p), shape (2,); not counted."""
    if scalar_safe(surface):
        return surface.gradient(float(p[0]), float(p[1]))
    return _evaluate(surface.gradient, p, (2,))


def hess_at(surface, p) -> np.ndarray:
    """∇²f(p), shape (2, 2); not counted."""
    if scalar_safe(surface):
        return surface.hessian(float(p[0]), float(p[1]))
    return _evaluate(surface.hessian, p, (2, 2))


class Oracle:
    """The surface as a method sees it; ``evals`` = (f, ∇f, ∇²f) calls so far, each charged once."""

    def __init__(self, surface):
        self.surface = surface
        self.evals = np.zeros(3, dtype=np.int64)

    def f(self, p) -> float:
        self.evals[0] += 1
        return f_at(self.surface, p)

    def g(self, p) -> np.ndarray:
        self.evals[1] += 1
        return grad_at(self.surface, p)

    def h(self, p) -> np.ndarray:
        self.evals[2] += 1
        return hess_at(self.surface, p)

    def peek(self, p) -> float:
        """f(p) for pictures only (the model's level); not charged."""
        return f_at(self.surface, p)
