"""The layer protocol and the linear layer: forward/backward pairs that cache what backward needs.

Every layer writes into buffers it owns (reallocated only when the batch size changes), so the arrays returned
by ``forward`` and ``backward`` stay valid only until the layer's next call: copy what you keep.
"""
from __future__ import annotations

import numpy as np

__all__ = ["Layer", "Linear"]


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

    def bind(self, name: str, param: np.ndarray, grad: np.ndarray) -> None:
        """Keep parameter `name` (and its gradient) in the given arrays from now on, its value copied in: the
        network's flat buffers (core.nn.mlp)."""
        param[...] = self.params[name]
        grad[...] = self.grads[name]
        self.params[name], self.grads[name] = param, grad

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

    def bind(self, name, param, grad):
        super().bind(name, param, grad)
        self.W, self.dW = self.params["W"], self.grads["W"]
        self.b, self.db = self.params.get("b"), self.grads.get("b")

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
