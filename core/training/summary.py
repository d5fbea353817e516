"""Numbers the Training tab shows that a run does not keep itself: a smoothed loss and a confusion matrix."""
from __future__ import annotations

import math

import numpy as np

__all__ = ["Smoother", "confusion_matrix"]


class Smoother:
    """Bias-corrected exponential moving average (TensorBoard's smoothing): s_t = m_t / (1 − βᵗ).

    m_t = β·m_{t−1} + (1 − β)·x_t with m_0 = 0, so the first output equals the first input and the curve does not
    start near 0. A non-finite input makes every later output non-finite too, as the loss it follows.
    """

    def __init__(self, beta: float = 0.98):
        if not (isinstance(beta, (int, float)) and 0.0 <= beta < 1.0):
            raise ValueError(f"beta must be in [0, 1), got {beta!r}")
        self.beta = float(beta)
        self._m = 0.0
        self._power = 1.0  # βᵗ

    def __call__(self, x: float) -> float:
        """Feed one value, get the smoothed value so far."""
        self._m = self.beta * self._m + (1.0 - self.beta) * float(x)
        self._power *= self.beta
        if not math.isfinite(self._m):
            return self._m
        return self._m / (1.0 - self._power)

    def extend(self, values) -> np.ndarray:
        """Feed many values in order; their smoothed values (float64)."""
        return np.array([self(v) for v in np.asarray(values, dtype=np.float64).ravel()])


def confusion_matrix(labels, predicted, classes: int) -> np.ndarray:
    """int64 (classes, classes): entry [i, j] counts examples of true class i predicted as class j."""
    labels = np.asarray(labels).astype(np.intp, copy=False).ravel()
    predicted = np.asarray(predicted).astype(np.intp, copy=False).ravel()
    if labels.shape != predicted.shape:
        raise ValueError(f"labels and predictions differ in length: {labels.size} and {predicted.size}")
    if labels.size and (min(labels.min(), predicted.min()) < 0 or max(labels.max(), predicted.max()) >= classes):
        raise ValueError(f"labels and predictions must lie in [0, {classes})")
    return np.bincount(labels * classes + predicted, minlength=classes * classes).reshape(classes, classes)
