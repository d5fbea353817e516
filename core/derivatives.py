"""Exact f, ∇f and ∇²f of a formula in x, y: sympy derivatives lambdified to numpy and to plain-float code.

Undefined values (log of a negative, 0/0, a non-real power) come out as NaN, never as an error; |u| and sign(u)
differentiate as functions of a real u (RealAbs, RealSign), so no DiracDelta reaches the compiled code.
"""
from __future__ import annotations

import inspect
import threading
from typing import NamedTuple

import numpy as np
import sympy as sp

from core.errors import ExpressionError
from core.expr import RealAbs, RealSign, X, Y
from core.generated import py_sign

__all__ = ["MAX_GRADIENT_NODES", "MAX_HESSIAN_NODES", "Compiled", "Lambdified"]

# The symbolic work is bounded by the size of the derivatives (nodes of their expression trees), so no accepted
# formula takes seconds to compile: the built-in surfaces need at most ~100 and ~160; a product of ten
# transcendental factors ~320 and ~1,900 (0.5 s); twelve would need ~560 and ~4,400 and is refused at once.
MAX_GRADIENT_NODES = 400
MAX_HESSIAN_NODES = 2500


# The numpy module itself rather than "numpy": lambdify's string form runs `from numpy import *`, which imports
# numpy.testing and numpy.f2py (~0.1 s at launch). The printed code is the same and finds the same functions.
_NUMPY = [{"RealAbs": np.abs, "RealSign": np.sign}, np]
_MATH = [{"RealAbs": abs, "RealSign": py_sign}, "math"]


def _numeric(e: sp.Expr) -> sp.Expr:
    """The same expression, printable as float code: NaN where not real, huge rationals as floats."""
    e = e.replace(sp.DiracDelta, lambda *args: sp.S.Zero).xreplace({sp.I: sp.nan, sp.zoo: sp.nan})
    e = e.replace(lambda a: a.is_Pow and a.base.is_Number and a.base < 0 and not a.exp.is_Integer, lambda a: sp.nan)
    return e.xreplace({r: sp.Float(r) for r in e.atoms(sp.Rational) if max(abs(r.p), r.q) > 2**53})


class Lambdified(NamedTuple):
    """f, (f, fx, fy) and (f, fxx, fxy, fyy): as sympy, as numpy functions and as plain-float (math) functions."""

    exprs: tuple
    numpy: tuple
    floats: tuple


class Compiled:
    """f, ∇f and ∇²f of an expression in x, y: exact sympy derivatives, each order lambdified once, when first used.

    Order 0 is f, order 1 is (f, fx, fy), order 2 is (f, fxx, fxy, fyy): f rides along with the derivatives to mark
    where f is undefined. A heatmap needs only f, so a surface shows before its derivatives are compiled.
    """

    def __init__(self, expr: sp.Expr):
        self.expr = expr
        self._lock = threading.Lock()
        self._sympy: list = [None, None, None]
        self._numpy: list = [None, None, None]  # written last, under the lock: set means the order is complete
        self._floats: list = [None, None, None]
        self._first = None  # (fx, fy) before _numeric, the base of the second derivatives

    def numpy(self, order: int):
        """The numpy function of (x, y) for this order (broadcasting arrays; NaN where undefined)."""
        return self._ready(order)[0]

    def floats(self, order: int):
        """The plain-float (math) function of (x, y) for this order; raises on domain errors, unlike numpy's."""
        return self._ready(order)[1]

    def sources(self) -> dict[str, tuple[str, str, str]]:
        """The Python source lambdify printed for each order, plain-float and numpy (core.generated runs it)."""
        self.build()
        return {"floats": tuple(inspect.getsource(f) for f in self._floats),
                "numpy": tuple(inspect.getsource(f) for f in self._numpy)}

    def build(self) -> Lambdified:
        """Every order, compiled now (a typed formula must survive this before it becomes a surface)."""
        for order in range(3):
            self._ready(order)
        return Lambdified(tuple(self._sympy), tuple(self._numpy), tuple(self._floats))

    def _ready(self, order: int) -> tuple:
        if self._numpy[order] is None:  # checked without the lock: the numpy function is stored last
            with self._lock:
                if self._numpy[order] is None:
                    self._compile(order)
        return self._numpy[order], self._floats[order]

    def _compile(self, order: int) -> None:
        exprs = self._derivatives(order)
        if order and any(d.has(sp.Derivative, sp.Subs) for d in exprs):
            raise ExpressionError("cannot differentiate this formula exactly")
        e = exprs[0] if order == 0 else exprs
        self._sympy[order] = e
        self._floats[order] = sp.lambdify((X, Y), e, modules=_MATH, cse=True)
        self._numpy[order] = sp.lambdify((X, Y), e, modules=_NUMPY, cse=True)

    def _derivatives(self, order: int) -> tuple:
        """(f,), (f, fx, fy) or (f, fxx, fxy, fyy) as sympy, ready to print as float code."""
        f = _numeric(self.expr.replace(sp.Abs, RealAbs).replace(sp.sign, RealSign))
        if order == 0:
            return (f,)
        if self._first is None:
            first = (f.diff(X), f.diff(Y))
            _bounded(first, MAX_GRADIENT_NODES, "gradient")
            self._first = first
        fx, fy = self._first
        parts = (fx, fy) if order == 1 else _bounded((fx.diff(X), fx.diff(Y), fy.diff(Y)), MAX_HESSIAN_NODES, "Hessian")
        return (f, *map(_numeric, parts))


def _bounded(parts: tuple, limit: int, what: str) -> tuple:
    """`parts` if their expression trees have at most `limit` nodes in all; an ExpressionError otherwise."""
    size = 0
    for part in parts:
        for _node in sp.preorder_traversal(part):
            size += 1
            if size > limit:
                raise ExpressionError(f"this formula is too big to differentiate quickly (its {what} has more than "
                                      f"{limit} terms and factors): try a shorter formula")
    return parts
