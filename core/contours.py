"""Contour lines of a sampled surface as line segments: marching squares in numpy, and the levels to trace.

pyqtgraph's `isocurve` traces cell by cell in Python (~50 ms per level at 400×400); this one is vectorized, so
the contours of a surface cost a few milliseconds and can be traced at the heatmap's full resolution.
"""
from __future__ import annotations

import math

import numpy as np

__all__ = ["contour_levels", "contour_segments", "isolines"]


def contour_levels(levels: tuple[float, float], count: int = 14) -> np.ndarray:
    """`count` evenly spaced values strictly inside the colour range (log-spaced in f when colours are log)."""
    lo, hi = levels
    return np.linspace(lo, hi, count + 2)[1:-1]


def contour_segments(xs: np.ndarray, ys: np.ndarray, values: np.ndarray, levels,
                     max_samples: int | None = None) -> np.ndarray:
    """Segments (m, 2, 2) of (x, y) points: the contours of values[i, j] = v(xs[j], ys[i]) at each level.

    With `max_samples`, the grid is thinned to at most that many samples per axis before tracing (contours of a
    480² heatmap look the same from 200², at a fifth of the cost).
    """
    values = np.asarray(values)
    step = 1 if max_samples is None else max(1, math.ceil(max(values.shape) / max_samples))
    segments = isolines(values[::step, ::step], levels) * step  # back to indices of the full grid
    dx = (xs[-1] - xs[0]) / max(len(xs) - 1, 1)
    dy = (ys[-1] - ys[0]) / max(len(ys) - 1, 1)
    return np.stack([xs[0] + segments[..., 1] * dx, ys[0] + segments[..., 0] * dy], axis=-1)


def isolines(values: np.ndarray, levels) -> np.ndarray:
    """Segments (m, 2, 2) of the contours of `values` at each level, in (row, column) index coordinates.

    A cell with a NaN corner gets no segment. Saddle cells (all four edges crossed) are split by the value at
    their centre (the mean of the corners), as in the classic marching-squares disambiguation.
    """
    v = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(v)
    finite = finite[:-1, :-1] & finite[:-1, 1:] & finite[1:, 1:] & finite[1:, :-1]
    out = []
    with np.errstate(invalid="ignore", divide="ignore"):
        for level in np.atleast_1d(levels):
            above = v >= level
            ab, bc = above[:-1, :-1] != above[:-1, 1:], above[:-1, 1:] != above[1:, 1:]
            dc, ad = above[1:, :-1] != above[1:, 1:], above[:-1, :-1] != above[1:, :-1]
            rows, cols = np.nonzero((ab | bc | dc | ad) & finite)
            if len(rows) == 0:
                continue
            # Only the cells a contour crosses: corners top-left a, top-right b, bottom-right c, bottom-left d.
            a, b = v[rows, cols], v[rows, cols + 1]
            c, d = v[rows + 1, cols + 1], v[rows + 1, cols]
            crossed = np.stack([ab[rows, cols], bc[rows, cols], dc[rows, cols], ad[rows, cols]])
            r, q = rows.astype(np.float64), cols.astype(np.float64)
            # Where each edge is crossed: top (a→b), right (b→c), bottom (d→c), left (a→d).
            points = np.stack([
                np.stack([r, q + (level - a) / (b - a)], axis=-1),
                np.stack([r + (level - b) / (c - b), q + 1], axis=-1),
                np.stack([r + 1, q + (level - d) / (c - d)], axis=-1),
                np.stack([r + (level - a) / (d - a), q], axis=-1),
            ])  # (4 edges, k cells, 2)
            count = crossed.sum(axis=0)
            two = count == 2
            if two.any():
                first = np.argmax(crossed[:, two], axis=0)
                last = 3 - np.argmax(crossed[::-1, two], axis=0)
                cells = points[:, two]
                k = np.arange(cells.shape[1])
                out.append(np.stack([cells[first, k], cells[last, k]], axis=1))
            four = count == 4
            if four.any():
                cells = points[:, four]
                centre_above = ((a + b + c + d) / 4 >= level)[four]
                joined = centre_above == (a >= level)[four]  # a's region reaches the centre: cut off b and d
                pairs = np.where(joined[:, None, None], [[0, 1], [2, 3]], [[0, 3], [1, 2]])  # (k, 2, 2)
                k = np.arange(cells.shape[1])
                for p in (0, 1):
                    out.append(np.stack([cells[pairs[:, p, 0], k], cells[pairs[:, p, 1], k]], axis=1))
    if not out:
        return np.zeros((0, 2, 2))
    segments = np.concatenate(out)
    return segments[np.isfinite(segments).all(axis=(1, 2))]
