"""Softmax cross-entropy fused with its gradient, stable for any logits (the row maximum is subtracted first)."""
from __future__ import annotations

import numpy as np

__all__ = ["softmax", "softmax_cross_entropy"]


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax as a fresh array; rows sum to 1 even for huge logits."""
    z = logits - logits.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


def softmax_cross_entropy(logits: np.ndarray, y: np.ndarray, grad: np.ndarray | None = None,
                          overwrite: bool = False) -> tuple[float, int]:
    """Mean −log softmax(logits)[y] and the number of correct argmax predictions.

    If `grad` (same shape as logits) is given it receives ∂loss/∂logits = (softmax − onehot(y))/n.
    With `overwrite` the logits array is used as scratch (it then holds the shifted logits).
    """
    n = logits.shape[0]
    rows = np.arange(n)
    z = logits if overwrite else logits.copy()
    correct = int(np.count_nonzero(z.argmax(axis=1) == y))
    z -= z.max(axis=1, keepdims=True)
    p = np.exp(z, out=grad if grad is not None else None)
    s = p.sum(axis=1)
    loss = float(np.log(s).sum(dtype=np.float64) - z[rows, y].sum(dtype=np.float64)) / n
    if grad is not None:
        p *= (1.0 / (s * n))[:, None]
        p[rows, y] -= 1.0 / n
    return loss, correct
