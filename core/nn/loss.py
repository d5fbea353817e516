"""Softmax cross-entropy fused with its gradient, stable for any logits (the row maximum is subtracted first)."""
from __future__ import annotations

from functools import lru_cache

import numpy as np

__all__ = ["softmax", "softmax_cross_entropy"]


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax as a fresh array; rows sum to 1 even for huge logits."""
    z = logits - logits.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


@lru_cache(maxsize=16)
def _constants(n: int, c: int, dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
    """Flat offsets of each row's first entry, and a vector of c ones (read-only, shared)."""
    offsets, ones = np.arange(n) * c, np.ones(c, dtype)
    offsets.flags.writeable = ones.flags.writeable = False
    return offsets, ones


def softmax_cross_entropy(logits: np.ndarray, y: np.ndarray, grad: np.ndarray | None = None,
                          overwrite: bool = False) -> tuple[float, int]:
    """Mean −log softmax(logits)[y] and the number of correct argmax predictions.

    If `grad` (C-contiguous, same shape as logits) is given it receives ∂loss/∂logits = (softmax − onehot(y))/n.
    With `overwrite` a C-contiguous logits array is used as scratch (it then holds the shifted logits).
    """
    n, c = logits.shape
    if grad is not None and not (grad.flags.c_contiguous and grad.shape == logits.shape):
        raise ValueError("grad must be a C-contiguous array shaped like the logits")
    z = logits if overwrite and logits.flags.c_contiguous else np.array(logits, order="C")
    offsets, ones = _constants(n, c, z.dtype)
    flat = z.reshape(-1)
    # Small rows: argmax + take is several times faster than z.max(axis=1), and argmax is needed anyway.
    best = z.argmax(axis=1)
    correct = int(np.count_nonzero(best == y))
    z -= flat.take(offsets + best)[:, None]
    target = offsets + y
    p = np.exp(z, out=grad)
    s = np.dot(p, ones)
    loss = float(np.log(s).sum(dtype=np.float64) - flat.take(target).sum(dtype=np.float64)) / n
    if grad is not None:
        p *= (1.0 / (s * n))[:, None]
        p.reshape(-1)[target] -= 1.0 / n
    return loss, correct
