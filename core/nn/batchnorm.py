"""Batch normalization (Ioffe & Szegedy 2015) as a forward/backward layer, with running statistics for eval."""
from __future__ import annotations

import numpy as np

from .layers import Layer

__all__ = ["BatchNorm"]


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
