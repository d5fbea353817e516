"""Loss surfaces f(x, y) with exact gradients and Hessians, and the built-in catalogue of races."""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from core.derivatives import Compiled
from core.expr import ExpressionError, parse_expression

__all__ = ["SURFACES", "CriticalPoint", "Surface", "from_expression", "get_surface"]

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
    """f(x, y) from a formula, with exact ∇f and ∇²f (sympy, lambdified) and what a race on it needs.

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
    expr: sp.Expr | None = field(default=None, repr=False)
    _compiled: Compiled | None = field(default=None, repr=False, compare=False)

    def __post_init__(self):
        if self.category not in CATEGORIES:
            raise ValueError(f"category must be one of {CATEGORIES}, not {self.category!r}")
        starts = tuple((float(sx), float(sy)) for sx, sy in self.starts)
        if not starts:
            raise ValueError("a surface needs at least one start point")
        expr = parse_expression(self.formula) if self.expr is None else self.expr
        object.__setattr__(self, "view", _check_view(self.view))
        object.__setattr__(self, "starts", starts)
        object.__setattr__(self, "critical_points", tuple(self.critical_points))
        object.__setattr__(self, "expr", expr)
        if self._compiled is None:
            object.__setattr__(self, "_compiled", Compiled(expr))

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
            f, gx, gy = self._scalars(1, x, y)
            return np.array((gx, gy)) if f == f else np.full(2, np.nan)
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
    """A custom surface from a typed formula (see core.expr for the grammar); raises ExpressionError."""
    xmin, xmax, ymin, ymax = _check_view(view)
    surface = Surface(key="custom", name=name or str(text).strip(), formula=text, category="custom",
                      view=(xmin, xmax, ymin, ymax), expr=parse_expression(text),
                      starts=((xmin + 0.2 * (xmax - xmin), ymax - 0.2 * (ymax - ymin)),),
                      lesson="Your own formula: watch how each optimizer copes with it.")
    try:
        surface._compiled.build()
    except ExpressionError:
        raise
    except Exception as exc:  # sympy internals: the GUI must get a message, never a crash
        raise ExpressionError(f"cannot differentiate this formula ({type(exc).__name__}: {exc})") from exc
    return dataclasses.replace(surface, log_colors=_steep(surface))


def _points(*rows) -> tuple[CriticalPoint, ...]:
    return tuple(CriticalPoint(*row) for row in rows)


# Critical points without a closed form: ∇f = 0 solved by resultants, polished with mpmath at 40 digits and rounded
# to the nearest float (tests check ∇f ≈ 0 and the Hessian's signs there).
_HIMMELBLAU_MINIMA = ((3.0, 2.0), (-2.805118086952745, 3.131312518250573),
                      (-3.779310253377747, -3.2831859912861696), (3.5844283403304917, -1.8481265269644036))
_CAMEL = (  # (x, y, kind, is_global); the function is odd-symmetric, so each row stands for ±(x, y)
    (0.08984201310031806, -0.7126564030207396, "minimum", True),
    (1.703606714969981, -0.7960835686726251, "minimum", False),
    (1.6071047529201972, 0.5686514548841314, "minimum", False),
    (1.1092053368047865, -0.7682680925095399, "saddle", False),
    (1.6380679841897785, 0.22867406904439408, "saddle", False),
    (1.2960702671671092, 0.6050843880386585, "saddle", False),
    (1.2302298765166526, 0.16233458445899496, "maximum", False),
)

SURFACES: dict[str, Surface] = {s.key: s for s in (
    Surface(
        "bowl", "Stretched bowl", "x^2/20 + y^2", "ravine", (-10, 10, -10, 10), ((-7, 2), (-9, -6), (8, 8)),
        _points((0, 0, "minimum", True)),
        "The bowl from Deep Learning from Scratch is 20 times steeper in y than in x, so SGD zig-zags across it "
        "while crawling along it; momentum and per-axis step sizes fix that.", fmin=0.0),
    Surface(
        "rotated_ravine", "Rotated ravine", "(x + y)^2/40 + (x - y)^2/2", "ravine", (-10, 10, -10, 10),
        ((-8, -3), (7, 9), (-3, 8)), _points((0, 0, "minimum", True)),
        "The same 20:1 bowl turned 45°: steep and shallow directions now mix x and y, so per-coordinate step "
        "sizes (Adagrad, RMSprop, Adam) lose their edge and only curvature-aware methods see through it.",
        fmin=0.0),
    Surface(
        "rosenbrock", "Rosenbrock's banana", "(1 - x)^2 + 100*(y - x^2)^2", "ravine", (-2, 2, -1, 3),
        ((-1.2, 1), (-1.5, 2.5), (1.5, -0.5)), _points((1, 1, "minimum", True)),
        "Reaching the curved valley floor takes a few steps; following it to the minimum at (1, 1) takes every "
        "first-order method a long time.", log_colors=True, fmin=0.0),
    Surface(
        "saddle", "Saddle", "x^2 - y^2", "saddle", (-2, 2, -2, 2), ((-1.8, 0.001), (-1.5, 0.5), (1.8, -0.05)),
        _points((0, 0, "saddle")),
        "Started almost on the line that leads into the saddle, the gradient has nearly no y component, so plain "
        "SGD stalls at the saddle point before it slides off; noise, momentum or adaptive steps escape sooner."),
    Surface(
        "monkey_saddle", "Monkey saddle", "x^3 - 3*x*y^2", "saddle", (-1.5, 1.5, -1.5, 1.5),
        ((1.2, 0.01), (0.8, 1.0), (-0.5, -1.2)), _points((0, 0, "saddle")),
        "Three valleys meet at a point where the gradient and the whole Hessian vanish, so even Newton's method "
        "has nothing to go on there."),
    Surface(
        "flat_saddle", "Flat saddle", "x^2 + (y^2 - 1)^2/20", "saddle", (-2, 2, -2, 2),
        ((1.5, 0.001), (-1.5, -0.01), (0.5, 1.9)),
        _points((0, 0, "saddle"), (0, 1, "minimum", True), (0, -1, "minimum", True)),
        "The way down from this saddle is a wide, almost flat shelf: SGD crawls off it for hundreds of steps, "
        "while methods that rescale tiny gradients (RMSprop, Adam) escape quickly.", fmin=0.0),
    Surface(
        "himmelblau", "Himmelblau", "(x^2 + y - 11)^2 + (x + y^2 - 7)^2", "local minima", (-5, 5, -5, 5),
        ((0, 0), (-1, -0.5), (-0.5, 1.5), (1, -1)),
        tuple(CriticalPoint(mx, my, "minimum", True) for mx, my in _HIMMELBLAU_MINIMA) + _points(
            (-0.2708445906673476, -0.9230385564799815, "maximum"),
            (3.385154183607021, 0.07385187983774928, "saddle"),
            (0.08667750455539636, 2.884254701174776, "saddle"),
            (-3.0730257507643897, -0.08135304428796751, "saddle"),
            (-0.12796134673068008, -1.9537149802445763, "saddle")),
        "Four equally deep minima: which one a run ends in depends on the start and on how much momentum "
        "carries it.", log_colors=True, fmin=0.0),
    Surface(
        "two_wells", "Two wells", "x^4/4 + x^3/3 - x^2 + y^2", "local minima", (-3, 2.5, -2, 2),
        ((2, 1.5), (0.5, -1.5), (-0.3, 1.8)),
        _points((-2, 0, "minimum", True), (1, 0, "minimum"), (0, 0, "saddle")),
        "The well on the right is shallow and the one on the left deep: plain gradient descent settles in the "
        "nearer one, enough momentum carries a run over the ridge into the global minimum.", fmin=-8 / 3),
    Surface(
        "six_hump_camel", "Six-hump camel", "(4 - 2.1*x^2 + x^4/3)*x^2 + x*y + (4*y^2 - 4)*y^2", "local minima",
        (-2.2, 2.2, -1.2, 1.2), ((-2, -1), (-2, 0.5), (-1, -1)),
        _points((0, 0, "saddle"), *((s * x, s * y, kind, best) for x, y, kind, best in _CAMEL for s in (1, -1))),
        "Two global minima, four local ones and a crowd of saddles and maxima: a small map of how rugged "
        "a non-convex loss can be.", fmin=-1.0316284534898774),
    Surface(
        "plateau", "Plateau", "1 - exp(-(x^2 + y^2))", "plateau", (-4, 4, -4, 4), ((3, 2), (-2, -3), (1.5, 1)),
        _points((0, 0, "minimum", True)),
        "Far from the well the surface is flat to many decimals, like a saturated tanh unit: SGD barely moves, "
        "Adam's normalized steps keep going, and Newton's method is pushed the wrong way by negative curvature.",
        fmin=0.0),
    Surface(
        "beale", "Beale", "(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2", "classic",
        (-4.5, 4.5, -4.5, 4.5), ((1, 1.5), (-1, -1), (-3, 0.5), (0.5, -3.5)),
        _points((3, 0.5, "minimum", True), (0, 1, "saddle"), (0.10053793732415836, -2.644513585023125, "saddle")),
        "The race from the CS231n animations: a flat basin feeding a long, curved valley with steep walls, where "
        "adaptive methods and momentum pull away from SGD.", log_colors=True, fmin=0.0),
)}


def get_surface(key: str) -> Surface:
    """The built-in surface with this key (KeyError names the choices)."""
    try:
        return SURFACES[key]
    except KeyError:
        raise KeyError(f"unknown surface {key!r}; choose one of {', '.join(SURFACES)}") from None
