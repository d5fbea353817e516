"""A fully connected classifier built from the layers of this package, with flat params/grads dicts."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATIONS, make_activation
from .batchnorm import BatchNorm
from .dropout import Dropout
from .init import INITS, init_weight
from .layers import Layer, Linear
from .loss import softmax, softmax_cross_entropy

__all__ = ["MLP", "Block"]


@dataclass
class Block:
    """One hidden layer: Linear → [BatchNorm] → activation → [Dropout]; `index` is 1-based."""

    index: int
    linear: Linear
    norm: BatchNorm | None
    act: Layer
    drop: Dropout | None

    @property
    def layers(self) -> list[Layer]:
        return [layer for layer in (self.linear, self.norm, self.act, self.drop) if layer is not None]


def _aligned(size: int, dtype: np.dtype) -> np.ndarray:
    """np.zeros(size) starting on a 64-byte boundary (numpy promises 16)."""
    raw = np.zeros(size + 64 // dtype.itemsize, dtype)
    start = (-raw.ctypes.data % 64) // dtype.itemsize
    return raw[start:start + size]


class MLP:
    """Softmax classifier sizes[0] → hidden… → sizes[-1]; params/grads share keys W1, b1, gamma1, beta1, alpha1…

    - Hidden layer i: Linear (W{i}, b{i}) → BatchNorm (gamma{i}, beta{i}) → activation → inverted dropout. With
      batch_norm the Linear has no bias (β takes its place); maxout layers' Linear has 2·h outputs.
    - PReLU learns one slope per unit (alpha{i}), initialised to 0.25 (or `alpha`).
    - weight_decay λ adds 0.5·λ·Σ‖W‖² over the weight matrices only (not biases, γ, β or α) to the loss,
      and λ·W to their gradients. This is separate from an optimizer's own weight_decay hyperparameter.
    - The optimizer updates ``params`` in place; the layers see the change because they hold the same arrays.
      Every parameter and gradient is a view of one flat buffer (``flat_params``, ``flat_grads``), so
      `optimizer_step` updates the whole network in one pass per optimizer sub-step.
    """

    def __init__(self, sizes=(784, 100, 100, 100, 100, 10), activation: str = "relu", init: str = "he",
                 bias_init: float = 0.0, batch_norm: bool = False, dropout: float = 0.0,
                 weight_decay: float = 0.0, seed: int = 0, dtype=np.float32, alpha: float | None = None):
        sizes = tuple(int(s) for s in sizes)
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"sizes must be at least (inputs, classes), all positive; got {sizes}")
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}")
        if init not in INITS:
            raise ValueError(f"unknown initialisation {init!r}; choose one of {', '.join(INITS)}")
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {dropout}")
        if not weight_decay >= 0.0:
            raise ValueError(f"weight_decay must be ≥ 0, got {weight_decay}")
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64, got {self.dtype}")
        self.sizes, self.activation, self.init, self.alpha = sizes, activation, init, alpha
        self.bias_init, self.batch_norm, self.dropout = float(bias_init), bool(batch_norm), float(dropout)
        self.weight_decay, self.seed = float(weight_decay), seed
        init_rng = np.random.default_rng([seed, 0])
        drop_rng = np.random.default_rng([seed, 1])

        self.blocks: list[Block] = []
        fan_in = sizes[0]
        for i, h in enumerate(sizes[1:-1], start=1):
            width = 2 * h if activation == "maxout" else h
            bias = None if batch_norm else np.full(width, bias_init)
            linear = Linear(init_weight(init, fan_in, width, init_rng, self.dtype), bias,
                            need_input_grad=i > 1, dtype=self.dtype)
            norm = BatchNorm(width, dtype=self.dtype) if batch_norm else None
            act = make_activation(activation, h, alpha, self.dtype)
            drop = Dropout(dropout, drop_rng, self.dtype) if dropout > 0 else None
            self.blocks.append(Block(i, linear, norm, act, drop))
            fan_in = h
        self.output = Linear(init_weight(init, fan_in, sizes[-1], init_rng, self.dtype),
                             np.full(sizes[-1], bias_init), need_input_grad=len(sizes) > 2, dtype=self.dtype)
        self.layers: list[Layer] = [layer for b in self.blocks for layer in b.layers] + [self.output]

        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self._owners = [(layer, b.index) for b in self.blocks for layer in b.layers]
        self._owners.append((self.output, len(self.blocks) + 1))
        self._flatten(self._owners)
        self.weight_keys = [k for k in self.params if k.startswith("W")]
        self.last_accuracy = float("nan")
        self._dlogits: np.ndarray | None = None
        #: called between layers of a training pass; a driver's check raises core.experiment.Interrupted there
        self.interrupt = None

    def _flatten(self, owners: list[tuple[Layer, int]]) -> None:
        """Every parameter (and gradient) becomes a view of one flat buffer, each starting on a 64-byte boundary:
        an optimizer then updates the whole network in one pass per sub-step (`optimizer_step`) instead of one per
        array. No parameter sees the gaps between them (an optimizer may leave anything there: 0/0 with ε = 0)."""
        align = max(1, 64 // self.dtype.itemsize)
        slots, size = [], 0
        for layer, index in owners:
            for name, value in layer.params.items():
                slots.append((layer, name, f"{name}{index}", size, value.shape))
                size += -(-value.size // align) * align
        self.flat_params, self.flat_grads = _aligned(size, self.dtype), _aligned(size, self.dtype)
        for layer, name, key, offset, shape in slots:
            n = int(np.prod(shape))
            layer.bind(name, self.flat_params[offset:offset + n].reshape(shape),
                       self.flat_grads[offset:offset + n].reshape(shape))
            self.params[key], self.grads[key] = layer.params[name], layer.grads[name]

    def __setstate__(self, state: dict) -> None:
        """A copied or unpickled network gets its views back (pickle stores each view as its own array)."""
        self.__dict__.update(state)
        self._flatten(self._owners)

    def optimizer_step(self, optimizer) -> None:
        """One update of every parameter by `optimizer` (core.optim): over the flat buffer when its rule is
        elementwise (every built-in one: the same values as per array, in one pass per sub-step), else array by
        array (a plug-in that looks at a whole tensor, such as per-tensor clipping, keeps its meaning)."""
        if getattr(optimizer, "ELEMENTWISE", False):
            optimizer.step({"network": self.flat_params}, {"network": self.flat_grads})
        else:
            optimizer.step(self.params, self.grads)

    @property
    def num_params(self) -> int:
        return sum(p.size for p in self.params.values())

    @property
    def buffers(self) -> dict[str, np.ndarray]:
        """Non-learned state: batch-norm running averages (keys running_mean{i}, running_var{i})."""
        out = {}
        for b in self.blocks:
            if b.norm is not None:
                out[f"running_mean{b.index}"], out[f"running_var{b.index}"] = b.norm.running_mean, b.norm.running_var
        return out

    def forward(self, x: np.ndarray, train: bool = False) -> np.ndarray:
        """Logits for the rows of x (an internal buffer, valid until the next call: copy what you keep)."""
        x = np.asarray(x, dtype=self.dtype)
        for layer in self.layers:
            x = layer.forward(x, train)
        return x

    def regularization(self) -> float:
        """0.5·λ·Σ‖W‖² over the weight matrices."""
        if self.weight_decay == 0.0:
            return 0.0
        return 0.5 * self.weight_decay * sum(float(np.vdot(self.params[k], self.params[k])) for k in self.weight_keys)

    def loss_and_grads(self, x: np.ndarray, y: np.ndarray) -> tuple[float, dict[str, np.ndarray]]:
        """Training-mode loss (cross-entropy + L2 term) and ``grads`` filled in place; sets ``last_accuracy``."""
        check = self.interrupt
        if check is None:
            logits = self.forward(x, train=True)
        else:
            logits = np.asarray(x, dtype=self.dtype)
            for layer in self.layers:
                check()
                logits = layer.forward(logits, True)
        if self._dlogits is None or self._dlogits.shape != logits.shape:
            self._dlogits = np.empty_like(logits)
        loss, correct = softmax_cross_entropy(logits, y, self._dlogits, overwrite=True)
        self.last_accuracy = correct / logits.shape[0]
        d = self._dlogits
        for layer in reversed(self.layers):
            if check is not None:
                check()
            d = layer.backward(d)
        if self.weight_decay:
            for k in self.weight_keys:
                self.grads[k] += self.weight_decay * self.params[k]
            loss += self.regularization()
        return loss, self.grads

    def _chunks(self, x: np.ndarray, size: int = 2048):
        for start in range(0, len(x), size):
            yield start, self.forward(x[start:start + size], train=False)

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities (n, classes) in evaluation mode, as a fresh array."""
        out = np.empty((len(x), self.sizes[-1]), self.dtype)
        for start, logits in self._chunks(x):
            out[start:start + len(logits)] = softmax(logits)
        return out

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Predicted class per row (evaluation mode)."""
        out = np.empty(len(x), np.intp)
        for start, logits in self._chunks(x):
            out[start:start + len(logits)] = logits.argmax(axis=1)
        return out

    def evaluate(self, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
        """(mean cross-entropy without the L2 term, accuracy) in evaluation mode."""
        total, correct = 0.0, 0
        for start, logits in self._chunks(x):
            loss, c = softmax_cross_entropy(logits, y[start:start + len(logits)], overwrite=True)
            total += loss * len(logits)
            correct += c
        n = max(len(x), 1)
        return total / n, correct / n

    def hidden_outputs(self, x: np.ndarray) -> list[np.ndarray]:
        """Each hidden layer's activation output (after the nonlinearity, before dropout) in evaluation mode."""
        x = np.asarray(x, dtype=self.dtype)
        outs = []
        for b in self.blocks:
            for layer in b.layers:
                x = layer.forward(x, train=False)
                if layer is b.act:
                    outs.append(x.copy())
        return outs

    def freeze_dropout(self, frozen: bool = True) -> None:
        """Reuse each dropout layer's last mask in training forwards (for gradient checks)."""
        for b in self.blocks:
            if b.drop is not None:
                b.drop.frozen = frozen

    def set_params(self, params: dict[str, np.ndarray]) -> None:
        """Copy values into the existing arrays (the layers keep pointing at them)."""
        for k, v in params.items():
            if k not in self.params or np.shape(v) != self.params[k].shape:
                raise ValueError(f"parameter {k!r} does not match this network")
            np.copyto(self.params[k], v)
