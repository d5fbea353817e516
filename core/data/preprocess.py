"""Preprocessing from the lecture: scale to [0, 1], subtract the training mean, divide by the training std.

Statistics come from the training images only (fit), then the same transform applies to every batch, training or
validation, turning uint8 images into float32 one batch at a time.
"""
from __future__ import annotations

import numpy as np

__all__ = ["PREPROCESS_MODES", "Preprocessor"]

PREPROCESS_MODES = ("scale", "center", "standardize")
_FIT_ROWS = 1024


class Preprocessor:
    """x ↦ (x/255 − mean) / max(std, eps), with mean/std fitted on training data (scale: x/255 only).

    per_pixel=True keeps one mean (and std) per pixel; False uses one number for the whole image.
    Pixels that barely vary in training (MNIST's border) are divided by `eps` instead of their tiny std, so a
    stray stroke there in a new image stays bounded rather than blowing up to 1e8.
    """

    def __init__(self, mode: str = "scale", per_pixel: bool = True, eps: float = 0.05):
        if mode not in PREPROCESS_MODES:
            raise ValueError(f"unknown preprocessing mode {mode!r}; choose one of {', '.join(PREPROCESS_MODES)}")
        if not eps > 0:
            raise ValueError(f"eps must be positive, got {eps}")
        self.mode, self.per_pixel, self.eps = mode, bool(per_pixel), float(eps)
        self.mean: np.ndarray | None = None
        self.std: np.ndarray | None = None
        self._shift = self._scale = None
        self.n_features: int | None = None

    @property
    def fitted(self) -> bool:
        return self.mode == "scale" or self.mean is not None

    def fit(self, train_x: np.ndarray) -> Preprocessor:
        """Learn the mean and std of `train_x` (uint8, (n, d)), in [0, 1] pixel units; returns self."""
        x = _check(train_x)
        if len(x) == 0:
            raise ValueError("cannot fit on an empty training set")
        self.n_features = x.shape[1]
        if self.mode == "scale":
            return self
        # Two passes in row chunks: float64 accuracy without a float64 copy of the whole set (376 MB for MNIST).
        total = np.zeros(x.shape[1])
        for i in range(0, len(x), _FIT_ROWS):
            total += x[i:i + _FIT_ROWS].sum(axis=0, dtype=np.float64)
        mean = total / (255.0 * len(x)) if self.per_pixel else np.float64(total.sum() / (255.0 * x.size))
        sq = np.zeros(x.shape[1])
        for i in range(0, len(x), _FIT_ROWS):
            d = x[i:i + _FIT_ROWS] / 255.0
            d -= mean
            sq += np.einsum("ij,ij->j", d, d)
        std = np.sqrt(sq / len(x)) if self.per_pixel else np.sqrt(sq.sum() / x.size)
        self.mean = np.asarray(mean, dtype=np.float32)
        self.std = np.asarray(std, dtype=np.float32)
        self._shift = self.mean
        self._scale = (1.0 / np.maximum(std, self.eps) if self.mode == "standardize"
                       else np.ones_like(std)).astype(np.float32)
        return self

    def transform(self, x: np.ndarray) -> np.ndarray:
        """float32 C-contiguous (n, d) from uint8 images (n, d), (n, rows, cols) or one image."""
        if not self.fitted:
            raise ValueError(f"call fit(train_x) before transform: mode {self.mode!r} needs training statistics")
        x = _check(x)
        if self.n_features is not None and x.shape[1] != self.n_features:
            raise ValueError(f"expected {self.n_features} pixels per image, got {x.shape[1]}")
        out = np.divide(x, np.float32(255.0), dtype=np.float32)
        if self.mode != "scale":
            out -= self._shift
            if self.mode == "standardize":
                out *= self._scale
        return out

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.transform(x)

    def __repr__(self) -> str:
        return f"Preprocessor(mode={self.mode!r}, per_pixel={self.per_pixel}, eps={self.eps:g})"


def _check(x: np.ndarray) -> np.ndarray:
    """uint8 images as a 2-D (n, d) view."""
    x = np.asarray(x)
    if x.dtype != np.uint8:
        raise ValueError(f"images must be uint8 (0-255), got {x.dtype}")
    if x.ndim == 1:
        return x.reshape(1, -1)
    if x.ndim == 3:
        return x.reshape(len(x), -1)
    if x.ndim != 2:
        raise ValueError(f"images must be (n, pixels), (n, rows, cols) or one image, got shape {x.shape}")
    return x
