"""Loss surfaces f(x, y) with exact gradients and Hessians; typed formulas become surfaces here.

The built-in surfaces run code generated once from sympy (core.generated), so they need no sympy at all; a typed
formula (or any formula without generated code) is parsed and differentiated by sympy, imported on first use.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.critical import find_minima
from core.errors import ExpressionError
from core.generated import Generated
from core.surface_code import CODE
from core.text import text as say

__all__ = ["CriticalPoint", "Surface", "from_expression"]

KINDS = ("minimum", "saddle", "maximum")
CATEGORIES = ("ravine", "saddle", "local minima", "plateau", "classic", "custom")
_SCALAR = (int, float, np.integer, np.floating)


@dataclass(frozen=True)
class CriticalPoint:
    """A point where ∇f = 0 exactly, of kind minimum, saddle or maximum."""

    x: float
    y: float
    kind: str
    is_global: bool = False

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"critical point kind must be one of {KINDS}, not {self.kind!r}")
        if self.is_global and self.kind != "minimum":
            raise ValueError("only a minimum can be global")
        object.__setattr__(self, "x", float(self.x))
        object.__setattr__(self, "y", float(self.y))


def _check_view(view) -> tuple[float, float, float, float]:
    try:
        xmin, xmax, ymin, ymax = (float(v) for v in view)
    except (TypeError, ValueError):
        raise ValueError(f"a view is (xmin, xmax, ymin, ymax), not {view!r}") from None
    if not all(map(math.isfinite, (xmin, xmax, ymin, ymax))) or not (xmin < xmax and ymin < ymax):
        raise ValueError(f"a view needs finite xmin < xmax and ymin < ymax, not {view!r}")
    return xmin, xmax, ymin, ymax


@dataclass(frozen=True)
class Surface:
    """f(x, y) from a formula, with exact ∇f and ∇²f (generated code or sympy, lambdified) and what a race needs.

    value/gradient/hessian take floats (-> float, (2,), (2, 2)) or arrays (-> shape, (2, *shape), (2, 2, *shape));
    NaN where f is undefined, never a numpy warning.
    """

    key: str
    name: str
    formula: str
    category: str
    view: tuple[float, float, float, float]
    starts: tuple[tuple[float, float], ...]
    critical_points: tuple[CriticalPoint, ...] = ()
    lesson: str = ""
    log_colors: bool = False
    fmin: float | None = None
    start_lessons: tuple[str, ...] = ()  # a lesson about one preset start ("" for none), in the order of starts
    expr: Any = field(default=None, repr=False)  # the sympy expression; None for a built-in's generated code
    _compiled: Any = field(default=None, repr=False, compare=False)  # core.derivatives.Compiled or Generated

    def __post_init__(self):
        if self.category not in CATEGORIES:
            raise ValueError(f"category must be one of {CATEGORIES}, not {self.category!r}")
        starts = tuple((float(sx), float(sy)) for sx, sy in self.starts)
        if not starts:
            raise ValueError("a surface needs at least one start point")
        object.__setattr__(self, "view", _check_view(self.view))
        object.__setattr__(self, "starts", starts)
        object.__setattr__(self, "critical_points", tuple(self.critical_points))
        if self._compiled is None:
            code = CODE.get(self.formula) if self.expr is None else None
            if code is not None:  # a built-in formula: its generated code, no sympy
                object.__setattr__(self, "_compiled", Generated(self.key, code))
            else:
                from core.derivatives import Compiled
                from core.expr import parse_expression

                expr = parse_expression(self.formula) if self.expr is None else self.expr
                object.__setattr__(self, "expr", expr)
                object.__setattr__(self, "_compiled", Compiled(expr))

    def lesson_at(self, start) -> str:
        """What the surface teaches from `start`: its preset start's own lesson if it has one, else the general one."""
        start = tuple(float(v) for v in start) if start is not None else None
        if start in self.starts:
            index = self.starts.index(start)
            if index < len(self.start_lessons) and self.start_lessons[index]:
                return self.start_lessons[index]
        return self.lesson

    @property
    def minima(self) -> tuple[CriticalPoint, ...]:
        return tuple(p for p in self.critical_points if p.kind == "minimum")

    def with_view(self, view) -> Surface:
        """The same surface seen through another (xmin, xmax, ymin, ymax)."""
        return dataclasses.replace(self, view=_check_view(view))

    def value(self, x, y):
        if isinstance(x, _SCALAR) and isinstance(y, _SCALAR):
            return self._scalars(0, x, y)[0]
        x, y, shape = _arrays(x, y)
        out = np.empty(shape)
        with np.errstate(all="ignore"):
            out[...] = self._compiled.numpy(0)(x, y)
        return out

    def gradient(self, x, y) -> np.ndarray:
        if isinstance(x, _SCALAR) and isinstance(y, _SCALAR):
            return np.array(self._gradient_floats(x, y))
        x, y, shape = _arrays(x, y)
        out = np.empty((3, *shape))
        with np.errstate(all="ignore"):
            out[0], out[1], out[2] = self._compiled.numpy(1)(x, y)
        out[1:, np.isnan(out[0])] = np.nan
        return out[1:]

    def hessian(self, x, y) -> np.ndarray:
        if isinstance(x, _SCALAR) and isinstance(y, _SCALAR):
            f, a, b, c = self._scalars(2, x, y)
            return np.array(((a, b), (b, c))) if f == f else np.full((2, 2), np.nan)
        x, y, shape = _arrays(x, y)
        out = np.empty((4, *shape))
        with np.errstate(all="ignore"):
            out[0], out[1], out[2], out[3] = self._compiled.numpy(2)(x, y)
        out[1:, np.isnan(out[0])] = np.nan
        return np.stack((out[1:3], out[2:4]))

    def value_and_gradient(self, x: float, y: float) -> tuple[float, float, float]:
        """value(x, y) and gradient(x, y) at one point, as three floats (a racer's step needs no arrays)."""
        return (self._scalars(0, x, y)[0], *self._gradient_floats(x, y))

    def _gradient_floats(self, x, y) -> tuple[float, float]:
        """∇f at one point; NaN where f is (outside the domain)."""
        f, gx, gy = self._scalars(1, x, y)
        return (gx, gy) if f == f else (math.nan, math.nan)

    def _scalars(self, which: int, x, y) -> tuple[float, ...]:
        """f (which=0), (f, fx, fy) (1) or (f, fxx, fxy, fyy) (2) at one point, as floats."""
        floats, numpy = self._compiled.floats(which), self._compiled.numpy(which)
        try:  # plain floats through math are several times faster than numpy scalars
            out = floats(float(x), float(y))
            return (float(out),) if which == 0 else tuple(float(v) for v in out)
        except (ArithmeticError, ValueError, TypeError):  # math's domain errors, overflow, complex powers
            with np.errstate(all="ignore"):
                out = numpy(np.float64(x), np.float64(y))
            return (float(out),) if which == 0 else tuple(float(v) for v in out)

    def grid(self, n: int = 512, view=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(xs, ys, Z) over the view with Z[i, j] = f(xs[j], ys[i]): rows are y, float64."""
        xmin, xmax, ymin, ymax = _check_view(self.view if view is None else view)
        if int(n) != n or n < 2:
            raise ValueError(f"a grid needs an integer n >= 2, not {n!r}")
        xs, ys = np.linspace(xmin, xmax, int(n)), np.linspace(ymin, ymax, int(n))
        Z = np.empty((int(n), int(n)))
        with np.errstate(all="ignore"):  # broadcasting keeps x-only and y-only terms 1-D: cheap
            Z[...] = self._compiled.numpy(0)(xs[np.newaxis, :], ys[:, np.newaxis])
        return xs, ys, Z


def _arrays(x, y):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return x, y, np.broadcast_shapes(x.shape, y.shape)


def _steep(surface: Surface) -> bool:
    """True when most of the view sits near the bottom of a few steep walls, so linear colours show nothing."""
    _, _, Z = surface.grid(65)
    z = Z[np.isfinite(Z)]
    if z.size < Z.size // 2 or z.max() == z.min():
        return False
    with np.errstate(all="ignore"):  # 1e308 - (-1e308) overflows to inf, which is still "steep"
        spread = z - z.min()
        return bool(np.median(spread) < 0.07 * spread.max())


def from_expression(text: str, view=(-3, 3, -3, 3), name: str | None = None) -> Surface:
    """A custom surface from a typed formula (see core.expr for the grammar); raises ExpressionError.

    Its minima on the view are found numerically (core.critical), so the race can measure the distance to them;
    the lowest one found is marked global (on this view)."""
    from core.expr import parse_expression  # sympy: only now, when a formula is typed

    xmin, xmax, ymin, ymax = _check_view(view)
    surface = Surface(key="custom", name=name or str(text).strip(), formula=text, category="custom",
                      view=(xmin, xmax, ymin, ymax), expr=parse_expression(text),
                      starts=((xmin + 0.2 * (xmax - xmin), ymax - 0.2 * (ymax - ymin)),),
                      lesson=say("lesson.custom"))
    try:
        surface._compiled.build()
    except ExpressionError:
        raise
    except Exception as exc:  # sympy internals: the GUI must get a message, never a crash
        raise ExpressionError(f"cannot differentiate this formula ({type(exc).__name__}: {exc})") from exc
    minima = find_minima(surface.grid, surface.gradient, surface.hessian, surface.view)
    points = tuple(CriticalPoint(x, y, "minimum", is_global=(i == 0)) for i, (x, y, _f) in enumerate(minima))
    return dataclasses.replace(surface, log_colors=_steep(surface), critical_points=points)
