"""Colours, marker shapes and projector scaling shared by every tab; every colour here is colour-blind safe."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "AID_COLORS",
    "CRITICAL_SYMBOLS",
    "OKABE_ITO",
    "RACER_PALETTE",
    "Scale",
    "brush",
    "heat_colormap",
    "pen",
    "qcolor",
    "racer_color",
    "racer_edge",
    "racer_halo",
    "racer_symbol",
    "scale",
]

# Okabe & Ito (2008), "Color Universal Design": eight colours distinguishable with every common colour
# vision deficiency. https://jfly.uni-koeln.de/color/
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
}

# One fixed colour and marker per method, the same in every view and chart, given by the method's place in core's
# registry (so a new method gets the next ones). The yellow goes to L-BFGS, the racer that takes the fewest steps,
# so its short trail is the one most often drawn over the pale end of the map.
RACER_PALETTE = tuple(OKABE_ITO[name] for name in (
    "blue", "orange", "vermillion", "bluish green", "sky blue", "reddish purple", "black", "yellow"))
# A second, colour-free cue (pyqtgraph symbol names) so racers stay apart in greyscale prints too.
RACER_MARKERS = ("o", "s", "t1", "d", "p", "star", "h", "t", "+", "t2", "t3")
# Colours too light for the pale end of the heatmap get a thin dark outline (only these: an outline doubles the
# cost of drawing a trail); black markers get a white edge.
LIGHT = {OKABE_ITO["yellow"]}
DARK = {OKABE_ITO["black"]}
MARKER_EDGE, DARK_MARKER_EDGE, HALO = "#000000", "#FFFFFF", "#000000"


def _place(method: str) -> int:
    from core.methods import keys

    names = keys()
    return names.index(method) if method in names else len(names)


def racer_color(method: str) -> str:
    return RACER_PALETTE[_place(method) % len(RACER_PALETTE)]


def racer_symbol(method: str) -> str:
    return RACER_MARKERS[_place(method) % len(RACER_MARKERS)]


def racer_halo(method: str) -> str | None:
    """The outline colour of a light racer's trail, None for the others."""
    return HALO if racer_color(method) in LIGHT else None


def racer_edge(method: str) -> str:
    """The edge colour of a racer's marker: white on black markers, black on the others."""
    return DARK_MARKER_EDGE if racer_color(method) in DARK else MARKER_EDGE


# Visual aids drawn for the selected racer (Paul Tol's "bright" scheme, plus white for halos).
AID_COLORS = {
    "gradient": "#EE6677",
    "velocity": "#4477AA",
    "step": "#222222",
    "lookahead": "#AA3377",  # (Nesterov only; the quadratic model is for Newton and L-BFGS only)
    "accum": "#228833",
    "m_hat": "#66CCEE",
    "quadratic": "#AA3377",
    "trials": "#CCBB44",
    "halo": "#FFFFFF",
}

# The interface's own colours: text, axes, rules, and what states and messages are marked with.
INK = "#222222"  # titles, axis labels, chart text
AXIS = "#444444"
TEXT_SOFT = "#333333"
MUTED = "#555555"  # notes, a running racer's badge
FAINT = "#777777"
RULE = "#888888"
RULE_SOFT = "#9a9a9a"
GRID_LINE = "#dddddd"
PAPER = "#FFFFFF"
OUTLINE = "#000000"
GOOD = "#009E73"  # a passed check
CONVERGED = "#00704F"
BAD = "#D55E00"  # a failed check, a refused value
STOPPED = "#B34700"  # a diverged or failed racer, a refused edit
NOTICE = "#b36b00"  # a clamped or unreadable number
FORMULA_ERROR = "#c62828"
CONTOUR = (40, 40, 40, 110)  # RGBA of the surface's contour lines
CURSOR = (60, 60, 60, 160)  # RGBA of a chart's timeline cursor
BADGE_COLORS = {"running": MUTED, "ready": MUTED, "limit": MUTED, "converged": CONVERGED, "saddle": OKABE_ITO["blue"],
                "escaped": OKABE_ITO["reddish purple"], "diverged": STOPPED, "failed": STOPPED}
# Diagnostics draw one colour per layer (Okabe-Ito in a fixed order, so layer 1 is always blue).
LAYER_COLORS = tuple(OKABE_ITO[name] for name in (
    "blue", "orange", "bluish green", "reddish purple", "sky blue", "vermillion", "black", "yellow"))


def layer_colors(n: int) -> tuple[str, ...]:
    """n colours for n layers: the fixed palette up to its length, a perceptual colour map beyond (never repeats)."""
    if n <= len(LAYER_COLORS):
        return LAYER_COLORS[:n]
    import pyqtgraph as pg

    cmap = pg.colormap.get("viridis")
    return tuple(cmap.map(0.9 * k / (n - 1), mode="qcolor").name() for k in range(n))


BANNER_STYLES = {
    "error": "background: #fdecea; border: 1px solid #D55E00; border-radius: 4px;",
    "warning": "background: #fff4dc; border: 1px solid #E69F00; border-radius: 4px;",
    "info": "background: #e8f3fb; border: 1px solid #0072B2; border-radius: 4px;",
}

CRITICAL_SYMBOLS = {"minimum": "star", "saddle": "x", "maximum": "t1"}

# Lightening the map towards white keeps its lightness monotonic (so it stays perceptually ordered) while the
# saturated racer colours stand out against it.
HEAT_LIGHTEN = 0.35


@dataclass(frozen=True)
class Scale:
    """Sizes in pixels for one display mode; presentation mode keeps every label at least 20 px high."""

    font_px: int
    title_px: int
    tick_px: int
    trail_width: float
    marker_size: float
    contour_width: float
    aid_width: float
    chart_width: float


NORMAL = Scale(font_px=13, title_px=17, tick_px=12, trail_width=2.0, marker_size=13, contour_width=1.0,
               aid_width=2.5, chart_width=1.0)
PRESENTATION = Scale(font_px=21, title_px=28, tick_px=20, trail_width=3.5, marker_size=22, contour_width=1.5,
                     aid_width=4.0, chart_width=3.0)


def scale(presentation: bool) -> Scale:
    """The sizes for normal (laptop) or presentation (projector) mode."""
    return PRESENTATION if presentation else NORMAL


def heat_colormap(name: str = "viridis", lighten: float = HEAT_LIGHTEN):
    """A perceptually uniform pyqtgraph ColorMap (viridis, cividis ...) blended towards white by `lighten`."""
    import numpy as np
    import pyqtgraph as pg

    base = pg.colormap.get(name)
    positions, colors = base.getStops(mode=pg.ColorMap.BYTE)
    colors = np.asarray(colors, dtype=float)
    rgb = colors[:, :3] * (1.0 - lighten) + 255.0 * lighten
    blended = np.column_stack([rgb, colors[:, 3:4] if colors.shape[1] == 4 else np.full(len(rgb), 255.0)])
    return pg.ColorMap(positions, blended.round().astype(np.ubyte), name=f"{name} (light)")


@lru_cache(maxsize=256)
def brush(color: str, alpha: int = 255):
    """A shared, never-modified QBrush: pyqtgraph's symbol atlas caches by object identity, so scatter
    items that get a fresh brush every frame would re-render (and keep) their symbols every frame."""
    import pyqtgraph as pg

    return pg.mkBrush(qcolor(color, alpha))


@lru_cache(maxsize=256)
def pen(color: str, width: float = 1.0, alpha: int = 255):
    """A shared, never-modified cosmetic QPen (see `brush`)."""
    import pyqtgraph as pg

    return pg.mkPen(qcolor(color, alpha), width=width)


def qcolor(hex_color: str, alpha: int = 255):
    """A QColor from '#RRGGBB' with an alpha (0–255)."""
    from PySide6.QtGui import QColor

    color = QColor(hex_color)
    color.setAlpha(alpha)
    return color
