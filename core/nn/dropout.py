"""Inverted dropout: units are zeroed with probability p while training and the rest scaled by 1/(1 − p)."""
from __future__ import annotations

import numpy as np

from .layers import Layer

__all__ = ["Dropout"]


class Dropout(Layer):
    """Inverted dropout: in training each unit is kept with probability 1 − p and scaled by 1/(1 − p).

    Evaluation is the identity. Setting ``frozen`` reuses the last mask (for gradient checks).
    """

    def __init__(self, p: float, rng: np.random.Generator, dtype=np.float32):
        super().__init__(dtype)
        if not 0.0 <= p < 1.0:
            raise ValueError(f"dropout probability must be in [0, 1), got {p}")
        self.p, self.rng, self.frozen = p, rng, False
        self.mask: np.ndarray | None = None

    def forward(self, x, train):
        if not train or self.p == 0.0:
            self.mask = None
            return x
        if not (self.frozen and self.mask is not None and self.mask.shape == x.shape):
            mask = self.buf("mask", x.shape)
            self.rng.random(out=mask, dtype=self.dtype)
            keep = mask >= self.p
            np.multiply(keep, 1.0 / (1.0 - self.p), out=mask)
            self.mask = mask
        out = self.buf("out", x.shape)
        np.multiply(x, self.mask, out=out)
        return out

    def backward(self, dout):
        if self.mask is None:
            return dout
        dx = self.buf("dx", dout.shape)
        np.multiply(dout, self.mask, out=dx)
        return dx
