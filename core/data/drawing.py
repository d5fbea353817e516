"""A hand-drawn digit made to look like an MNIST one: cropped, scaled to a 20-px box, centred by mass in 28×28.

MNIST's recipe (LeCun et al.): the digit's bounding box is size-normalised to fit 20×20 keeping its aspect ratio
(anti-aliased), then placed in a 28×28 field so that its centre of mass sits at the centre of the field.
Coordinates here are continuous: pixel (i, j) covers [i, i+1) × [j, j+1), so the field's centre is (14, 14).
"""
from __future__ import annotations

import numpy as np

__all__ = ["DRAWING_BOX", "DRAWING_FIELD", "center_of_mass", "preprocess_drawing"]

DRAWING_FIELD = 28
DRAWING_BOX = 20


def _area_weights(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in) matrix averaging input cells [j, j+1) over output cells of width n_in/n_out."""
    edges = np.arange(n_out + 1) * (n_in / n_out)
    lo = np.maximum(edges[:-1, None], np.arange(n_in)[None, :])
    hi = np.minimum(edges[1:, None], np.arange(1, n_in + 1)[None, :])
    return np.clip(hi - lo, 0.0, None) * (n_out / n_in)


def center_of_mass(image: np.ndarray) -> tuple[float, float]:
    """(row, col) of the intensity-weighted mean position, pixel centres at i + 0.5; (nan, nan) if all zero."""
    image = np.asarray(image, dtype=np.float64)
    total = image.sum()
    if total <= 0:
        return float("nan"), float("nan")
    rows = np.arange(image.shape[0]) + 0.5
    cols = np.arange(image.shape[1]) + 0.5
    return float(image.sum(axis=1) @ rows / total), float(image.sum(axis=0) @ cols / total)


def preprocess_drawing(gray: np.ndarray) -> np.ndarray:
    """uint8 (784,) MNIST-like digit from a drawing `gray` (H, W) in [0, 1], ink = 1; all zeros if nothing is drawn.

    The ink's bounding box is scaled (area averaging) so its longer side is 20 px, the ink is stretched so its
    brightest pixel is 255 (as in MNIST), and it is shifted by whole pixels so its centre of mass lands as close
    to (14, 14) as possible while the 20-px box stays inside the field.
    """
    gray = np.asarray(gray, dtype=np.float64)
    if gray.ndim != 2 or gray.size == 0:
        raise ValueError(f"a drawing must be a non-empty 2-D array, got shape {gray.shape}")
    gray = np.clip(np.nan_to_num(gray, nan=0.0), 0.0, 1.0)
    rows = np.flatnonzero(gray.any(axis=1))
    cols = np.flatnonzero(gray.any(axis=0))
    field = np.zeros((DRAWING_FIELD, DRAWING_FIELD))
    if rows.size == 0:
        return field.astype(np.uint8).ravel()
    box = gray[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    h, w = box.shape
    scale = DRAWING_BOX / max(h, w)
    out_h = max(1, min(DRAWING_BOX, round(h * scale)))
    out_w = max(1, min(DRAWING_BOX, round(w * scale)))
    small = _area_weights(h, out_h) @ box @ _area_weights(w, out_w).T
    small /= small.max()
    cy, cx = center_of_mass(small)
    center = DRAWING_FIELD / 2
    top = int(np.clip(round(center - cy), 0, DRAWING_FIELD - out_h))
    left = int(np.clip(round(center - cx), 0, DRAWING_FIELD - out_w))
    field[top:top + out_h, left:left + out_w] = small
    return np.round(field * 255.0).astype(np.uint8).ravel()
