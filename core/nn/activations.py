"""The nonlinearities of lecture 6 as forward/backward pairs; each caches only what its backward needs."""
from __future__ import annotations

import numpy as np

from .layers import Layer

__all__ = ["ACTIVATIONS", "ELU", "LeakyReLU", "Maxout", "PReLU", "ReLU", "Sigmoid", "Tanh", "make_activation"]


class Sigmoid(Layer):
    """σ(x) = 1/(1 + e^−x), computed as ½·(1 + tanh(x/2)) so that it never overflows; σ' = σ(1 − σ)."""

    def forward(self, x, train):
        out = self.buf("out", x.shape)
        np.multiply(x, 0.5, out=out)
        np.tanh(out, out=out)
        out *= 0.5
        out += 0.5
        self.out = out
        return out

    def backward(self, dout):
        dx = self.buf("dx", dout.shape)
        np.subtract(1.0, self.out, out=dx)
        dx *= self.out
        dx *= dout
        return dx


class Tanh(Layer):
    """tanh(x); tanh' = 1 − tanh²."""

    def forward(self, x, train):
        out = self.buf("out", x.shape)
        np.tanh(x, out=out)
        self.out = out
        return out

    def backward(self, dout):
        dx = self.buf("dx", dout.shape)
        np.multiply(self.out, self.out, out=dx)
        np.subtract(1.0, dx, out=dx)
        dx *= dout
        return dx


class ReLU(Layer):
    """max(0, x); the gradient passes where x > 0 (the mask is kept as 0.0/1.0 in the layer's dtype: multiplying
    by it is twice as fast as by booleans, which numpy casts on the fly, and gives the same bits)."""

    def forward(self, x, train):
        mask = self.buf("mask", x.shape)
        np.greater(x, 0.0, out=mask, casting="unsafe")
        out = self.buf("out", x.shape)
        np.multiply(x, mask, out=out)  # faster than np.maximum, and gives the mask for free
        self.mask, self.out = mask, out
        return out

    def backward(self, dout):
        dx = self.buf("dx", dout.shape)
        np.multiply(dout, self.mask, out=dx)
        return dx


class PReLU(Layer):
    """max(αx, x)-shaped with a learned slope α per unit (He et al. 2015, channel-wise); α is the param "alpha".

    f(x) = x for x > 0, α·x otherwise (any α, also α > 1); ∂f/∂α = min(x, 0). Initial α = 0.25 (the paper's).
    """

    def __init__(self, units: int, alpha: float = 0.25, dtype=np.float32):
        super().__init__(dtype)
        self.add_param("alpha", np.full(units, alpha))

    def slope(self):
        return self.params["alpha"]

    def forward(self, x, train):
        mask = self.buf("mask", x.shape, np.bool_)
        np.greater(x, 0, out=mask)
        out = self.buf("out", x.shape)
        np.multiply(x, self.slope(), out=out)
        np.copyto(out, x, where=mask)
        self.x, self.mask, self.out = x, mask, out
        return out

    def backward(self, dout):
        dx = self.buf("dx", dout.shape)
        np.multiply(dout, self.slope(), out=dx)
        np.copyto(dx, dout, where=self.mask)
        if "alpha" in self.grads:
            tmp = self.buf("tmp", dout.shape)
            np.minimum(self.x, 0, out=tmp)
            tmp *= dout
            np.dot(self.ones(len(tmp)), tmp, out=self.grads["alpha"])
        return dx


class LeakyReLU(PReLU):
    """x for x > 0, α·x otherwise, with a fixed slope α (default 0.01); no parameters."""

    def __init__(self, alpha: float = 0.01, dtype=np.float32):
        Layer.__init__(self, dtype)
        self.alpha = self.dtype.type(alpha)

    def slope(self):
        return self.alpha


class ELU(Layer):
    """x for x > 0, α·(eˣ − 1) otherwise (default α = 1); f' = 1 or f + α."""

    def __init__(self, alpha: float = 1.0, dtype=np.float32):
        super().__init__(dtype)
        self.alpha = self.dtype.type(alpha)

    def forward(self, x, train):
        mask = self.buf("mask", x.shape, np.bool_)
        np.greater(x, 0, out=mask)
        out = self.buf("out", x.shape)
        np.minimum(x, 0, out=out)  # expm1 of the negative part only: never overflows
        np.expm1(out, out=out)
        out *= self.alpha
        np.copyto(out, x, where=mask)
        self.mask, self.out = mask, out
        return out

    def backward(self, dout):
        dx = self.buf("dx", dout.shape)
        np.add(self.out, self.alpha, out=dx)
        np.copyto(dx, 1, where=self.mask)
        dx *= dout
        return dx


class Maxout(Layer):
    """Two-piece maxout: the preceding Linear has 2·h outputs and out = max(z[:, :h], z[:, h:])."""

    def forward(self, x, train):
        h = x.shape[1] // 2
        a, b = x[:, :h], x[:, h:]
        mask = self.buf("mask", a.shape, np.bool_)
        np.greater_equal(a, b, out=mask)
        out = self.buf("out", a.shape)
        np.maximum(a, b, out=out)
        self.mask, self.out = mask, out
        return out

    def backward(self, dout):
        h = dout.shape[1]
        dx = self.buf("dx", (dout.shape[0], 2 * h))
        np.multiply(dout, self.mask, out=dx[:, :h])
        np.subtract(dout, dx[:, :h], out=dx[:, h:])
        return dx


# key -> (label, default α or None, formula); maxout doubles the preceding Linear's width.
ACTIVATIONS: dict[str, tuple[str, float | None, str]] = {
    "sigmoid": ("Sigmoid", None, "σ(x) = 1/(1 + e^−x)"),
    "tanh": ("tanh", None, "tanh(x)"),
    "relu": ("ReLU", None, "max(0, x)"),
    "leaky_relu": ("Leaky ReLU", 0.01, "max(αx, x)"),
    "prelu": ("PReLU", 0.25, "max(αx, x), α learned per unit"),
    "elu": ("ELU", 1.0, "x if x > 0 else α(eˣ − 1)"),
    "maxout": ("Maxout", None, "max(w₁ᵀx + b₁, w₂ᵀx + b₂)"),
}


def make_activation(name: str, units: int, alpha: float | None = None, dtype=np.float32) -> Layer:
    """The activation layer `name` for a hidden layer of `units` units (alpha: slope / scale where it applies)."""
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")
    a = ACTIVATIONS[name][1] if alpha is None else float(alpha)
    if name == "sigmoid":
        return Sigmoid(dtype)
    if name == "tanh":
        return Tanh(dtype)
    if name == "relu":
        return ReLU(dtype)
    if name == "leaky_relu":
        return LeakyReLU(a, dtype)
    if name == "prelu":
        return PReLU(units, a, dtype)
    if name == "elu":
        return ELU(a, dtype)
    return Maxout(dtype)
