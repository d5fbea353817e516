"""The built-in surfaces: ravines, saddles, local minima, a plateau and Beale, each with its lesson."""
from __future__ import annotations

from core.surfaces import CriticalPoint, Surface
from core.text import text

__all__ = ["SURFACES", "get_surface"]


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
        text("lesson.bowl"), fmin=0.0),
    Surface(
        "rotated_ravine", "Rotated ravine", "(x + y)^2/40 + (x - y)^2/2", "ravine", (-10, 10, -10, 10),
        ((-8, -3), (7, 9), (-3, 8)), _points((0, 0, "minimum", True)),
        text("lesson.rotated_ravine"),
        fmin=0.0),
    Surface(
        "rosenbrock", "Rosenbrock's banana", "(1 - x)^2 + 100*(y - x^2)^2", "ravine", (-2, 2, -1, 3),
        ((-1.2, 1), (-1.5, 2.5), (1.5, -0.5)), _points((1, 1, "minimum", True)),
        text("lesson.rosenbrock"), log_colors=True, fmin=0.0),
    Surface(
        "saddle", "Saddle", "x^2 - y^2", "saddle", (-2, 2, -2, 2), ((-1.8, 0.001), (-1.5, 0.5), (1.8, -0.05)),
        _points((0, 0, "saddle")),
        text("lesson.saddle"), start_lessons=(text("lesson.saddle.near_line"),)),
    Surface(
        "monkey_saddle", "Monkey saddle", "x^3 - 3*x*y^2", "saddle", (-1.5, 1.5, -1.5, 1.5),
        ((1.2, 0.01), (0.8, 1.0), (-0.5, -1.2)), _points((0, 0, "saddle")),
        text("lesson.monkey_saddle")),
    Surface(
        "flat_saddle", "Flat saddle", "x^2 + (y^2 - 1)^2/20", "saddle", (-2, 2, -2, 2),
        ((1.5, 0.001), (-1.5, -0.01), (0.5, 1.9)),
        _points((0, 0, "saddle"), (0, 1, "minimum", True), (0, -1, "minimum", True)),
        text("lesson.flat_saddle"), fmin=0.0),
    Surface(
        "himmelblau", "Himmelblau", "(x^2 + y - 11)^2 + (x + y^2 - 7)^2", "local minima", (-5, 5, -5, 5),
        ((0, 0), (-1, -0.5), (-0.5, 1.5), (1, -1)),
        tuple(CriticalPoint(mx, my, "minimum", True) for mx, my in _HIMMELBLAU_MINIMA) + _points(
            (-0.2708445906673476, -0.9230385564799815, "maximum"),
            (3.385154183607021, 0.07385187983774928, "saddle"),
            (0.08667750455539636, 2.884254701174776, "saddle"),
            (-3.0730257507643897, -0.08135304428796751, "saddle"),
            (-0.12796134673068008, -1.9537149802445763, "saddle")),
        text("lesson.himmelblau"), log_colors=True, fmin=0.0),
    Surface(
        "two_wells", "Two wells", "x^4/4 + x^3/3 - x^2 + y^2", "local minima", (-3, 2.5, -2, 2),
        ((2, 1.5), (0.5, -1.5), (-0.3, 1.8)),
        _points((-2, 0, "minimum", True), (1, 0, "minimum"), (0, 0, "saddle")),
        text("lesson.two_wells"), fmin=-8 / 3),
    Surface(
        "six_hump_camel", "Six-hump camel", "(4 - 2.1*x^2 + x^4/3)*x^2 + x*y + (4*y^2 - 4)*y^2", "local minima",
        (-2.2, 2.2, -1.2, 1.2), ((-2, -1), (-2, 0.5), (-1, -1)),
        _points((0, 0, "saddle"), *((s * x, s * y, kind, best) for x, y, kind, best in _CAMEL for s in (1, -1))),
        text("lesson.six_hump_camel"), fmin=-1.0316284534898774),
    Surface(
        "plateau", "Plateau", "1 - exp(-(x^2 + y^2))", "plateau", (-4, 4, -4, 4), ((3, 2), (-2, -3), (1.5, 1)),
        _points((0, 0, "minimum", True)),
        text("lesson.plateau"),
        fmin=0.0),
    Surface(
        "beale", "Beale", "(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2", "classic",
        (-4.5, 4.5, -4.5, 4.5), ((1, 1.5), (-1, -1), (-3, 0.5), (0.5, -3.5)),
        _points((3, 0.5, "minimum", True), (0, 1, "saddle"), (0.10053793732415836, -2.644513585023125, "saddle")),
        text("lesson.beale"), log_colors=True, fmin=0.0),
)}


def get_surface(key: str) -> Surface:
    """The built-in surface with this key (KeyError names the choices)."""
    try:
        return SURFACES[key]
    except KeyError:
        raise KeyError(f"unknown surface {key!r}; choose one of {', '.join(SURFACES)}") from None
