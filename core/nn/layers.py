"""Linear, batch normalisation and inverted dropout as forward/backward pairs that cache what backward needs.

Every layer writes into buffers it owns (reallocated only when the batch size changes), so the arrays returned
by ``forward`` and ``backward`` stay valid only until the layer's next call: copy what you keep.
"""
from __future__ import annotations

import numpy as np

__all__ = ["BatchNorm", "Dropout", "Layer", "Linear"]


class Layer:
    """A differentiable map; ``params`` and ``grads`` are dicts with matching keys and shapes."""

    def __init__(self, dtype=np.float32):
        self.dtype = np.dtype(dtype)
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self._bufs: dict[str, np.ndarray] = {}

    def buf(self, name: str, shape: tuple, dtype=None) -> np.ndarray:
        """A scratch array owned by this layer, reused while its shape stays the same."""
        a = self._bufs.get(name)
        if a is None or a.shape != shape:
            a = np.empty(shape, self.dtype if dtype is None else dtype)
            self._bufs[name] = a
        return a

    def ones(self, n: int) -> np.ndarray:
        """A cached vector of n ones."""
        a = self._bufs.get("ones")
        if a is None or a.shape != (n,):
            a = self._bufs["ones"] = np.ones(n, self.dtype)
        return a

    def add_param(self, name: str, value: np.ndarray) -> None:
        self.params[name] = np.ascontiguousarray(value, dtype=self.dtype)
        self.grads[name] = np.zeros_like(self.params[name])

    def forward(self, x: np.ndarray, train: bool) -> np.ndarray:
        raise NotImplementedError

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        raise NotImplementedError


class Linear(Layer):
    """out = x·W + b with W of shape (n_in, n_out); backward fills dW, db and returns dx (None if not needed)."""

    def __init__(self, weight: np.ndarray, bias: np.ndarray | None, need_input_grad: bool = True, dtype=np.float32):
        super().__init__(dtype)
        self.add_param("W", weight)
        if bias is not None:
            self.add_param("b", bias)
        # The same arrays as in params/grads (updated in place), kept as attributes for the hot path.
        self.W, self.dW = self.params["W"], self.grads["W"]
        self.b, self.db = self.params.get("b"), self.grads.get("b")
        self.need_input_grad = need_input_grad
        self.x: np.ndarray | None = None

    def forward(self, x, train):
        self.x = x
        out = self.buf("out", (x.shape[0], self.W.shape[1]))
        np.dot(x, self.W, out=out)
        if self.b is not None:
            out += self.b
        return out

    def backward(self, dout):
        x = self.x
        np.dot(x.T, dout, out=self.dW)
        if self.b is not None:
            # ones·dout is a BLAS gemv, several times faster than dout.sum(axis=0) for small batches.
            np.dot(self.ones(dout.shape[0]), dout, out=self.db)
        if not self.need_input_grad:
            return None
        dx = self.buf("dx", x.shape)
        np.dot(dout, self.W.T, out=dx)
        return dx


class BatchNorm(Layer):
    """Per-feature normalisation: batch statistics in training, running averages in evaluation; γ, β learned.

    out = γ·(x − μ)/√(σ² + eps) + β. Running averages follow torch.nn.BatchNorm1d:
    running ← (1 − momentum)·running + momentum·batch, with the unbiased batch variance.
    """

    def __init__(self, features: int, eps: float = 1e-5, momentum: float = 0.1, dtype=np.float32):
        super().__init__(dtype)
        self.add_param("gamma", np.ones(features))
        self.add_param("beta", np.zeros(features))
        self.eps, self.momentum = eps, momentum
        self.running_mean = np.zeros(features, self.dtype)
        self.running_var = np.ones(features, self.dtype)

    def forward(self, x, train):
        n = x.shape[0]
        xhat = self.buf("xhat", x.shape)
        if train:
            ones = self.ones(n)  # column sums as BLAS gemv: faster than .mean(axis=0) on small batches
            mean = np.dot(ones, x) / n
            np.subtract(x, mean, out=xhat)
            sq = self.buf("sq", x.shape)
            np.multiply(xhat, xhat, out=sq)
            var = np.dot(ones, sq) / n
            self.inv_std = 1.0 / np.sqrt(var + self.eps)
            xhat *= self.inv_std
            m = self.momentum
            self.running_mean *= 1.0 - m
            self.running_mean += m * mean
            self.running_var *= 1.0 - m
            self.running_var += (m * n / max(n - 1, 1)) * var
        else:
            np.subtract(x, self.running_mean, out=xhat)
            xhat *= 1.0 / np.sqrt(self.running_var + self.eps)
        self.xhat = xhat
        out = self.buf("out", x.shape)
        np.multiply(xhat, self.params["gamma"], out=out)
        out += self.params["beta"]
        return out

    def backward(self, dout):
        xhat, n = self.xhat, dout.shape[0]
        tmp = self.buf("sq", dout.shape)
        np.multiply(dout, xhat, out=tmp)
        ones = self.ones(n)
        np.dot(ones, tmp, out=self.grads["gamma"])
        np.dot(ones, dout, out=self.grads["beta"])
        # dx = γ/(n·σ)·(n·dout − Σdout − x̂·Σ(dout·x̂)), the whole Jacobian in one pass.
        dx = self.buf("dx", dout.shape)
        np.multiply(xhat, self.grads["gamma"], out=dx)
        dx += self.grads["beta"]
        dx *= 1.0 / n
        np.subtract(dout, dx, out=dx)
        dx *= self.params["gamma"] * self.inv_std
        return dx


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
