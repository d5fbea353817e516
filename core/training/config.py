"""Everything that defines a training run, validated up front so a bad setting fails before any work."""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from numbers import Integral, Real
from typing import Any

from ..errors import ConfigError
from ..methods import first_order, make_optimizer
from ..nn import ACTIVATIONS, INITS
from .schedule import Schedule

__all__ = ["PREPROCESSING", "TrainConfig"]

PREPROCESSING = ("scale", "center", "standardize")


def _positive_int(name: str, value: Any, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        raise ConfigError(f"{name} must be an integer ≥ {minimum}, got {value!r}")
    return int(value)


def _real(name: str, value: Any, low: float, high: float, include_high: bool = True) -> float:
    ok = isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or not (low <= value and (value <= high if include_high else value < high)):
        bracket = "]" if include_high else ")"
        raise ConfigError(f"{name} must be a number in [{low:g}, {high:g}{bracket}, got {value!r}")
    return float(value)


@dataclass(frozen=True)
class TrainConfig:
    """One run's network, data handling, optimizer and bookkeeping; invalid values raise ValueError on creation.

    - `hidden`: hidden-layer widths; input and output sizes come from the data.
    - `alpha`: the activation's slope/scale where it has one (leaky_relu 0.01, prelu's initial 0.25, elu 1).
    - `weight_decay`: λ of the L2 loss term 0.5·λ·Σ‖W‖² (weights only); the optimizer's own `weight_decay`
      hyperparameter, if given in `hparams`, is a separate thing.
    - `preprocess`: "scale" (x/255), "center" (minus the training mean) or "standardize" (also / std).
    - `optimizer`: a first-order method of core.methods; `hparams` override its torch defaults (e.g. {"lr": 0.01}).
    - `eval_every`: validation loss/accuracy and training accuracy every K iterations, on at most `eval_size`
      validation examples and an equally large fixed training subset; also after the last iteration.
    - `diagnostics_every`: per-layer diagnostics every K iterations (0 = only on request), on a probe of
      `probe_size` training examples.
    """

    hidden: tuple[int, ...] = (100, 100, 100, 100)
    activation: str = "relu"
    alpha: float | None = None
    init: str = "he"
    bias_init: float = 0.0
    batch_norm: bool = False
    dropout: float = 0.0
    weight_decay: float = 0.0
    preprocess: str = "center"
    batch_size: int = 128
    optimizer: str = "adam"
    hparams: Mapping[str, Any] = field(default_factory=dict)
    schedule: Schedule = field(default_factory=Schedule)
    iterations: int = 2000
    eval_every: int = 100
    eval_size: int = 2000
    diagnostics_every: int = 0
    probe_size: int = 500
    seed: int = 0

    def __post_init__(self):
        hidden = (self.hidden,) if isinstance(self.hidden, Integral) else tuple(self.hidden)
        object.__setattr__(self, "hidden", tuple(_positive_int("each hidden size", h) for h in hidden))
        if self.activation not in ACTIVATIONS:
            raise ConfigError(f"unknown activation {self.activation!r}; choose one of {', '.join(ACTIVATIONS)}")
        if self.alpha is not None:
            object.__setattr__(self, "alpha", _real("alpha", self.alpha, 0.0, 100.0))
        if self.init not in INITS:
            raise ConfigError(f"unknown initialisation {self.init!r}; choose one of {', '.join(INITS)}")
        object.__setattr__(self, "bias_init", _real("bias_init", self.bias_init, -1.0, 1.0))
        object.__setattr__(self, "batch_norm", bool(self.batch_norm))
        object.__setattr__(self, "dropout", _real("dropout", self.dropout, 0.0, 1.0, include_high=False))
        object.__setattr__(self, "weight_decay", _real("weight_decay", self.weight_decay, 0.0, 1e3))
        if self.preprocess not in PREPROCESSING:
            raise ConfigError(f"unknown preprocessing {self.preprocess!r}; choose one of {', '.join(PREPROCESSING)}")
        for name in ("batch_size", "iterations", "eval_every", "eval_size", "probe_size"):
            object.__setattr__(self, name, _positive_int(name, getattr(self, name)))
        object.__setattr__(self, "diagnostics_every", _positive_int("diagnostics_every", self.diagnostics_every, 0))
        object.__setattr__(self, "seed", _positive_int("seed", self.seed, 0))
        if self.optimizer not in {m.key for m in first_order()}:
            names = ", ".join(m.key for m in first_order())
            raise ConfigError(f"unknown optimizer {self.optimizer!r}; choose one of {names}", "optimizer")
        object.__setattr__(self, "hparams", dict(self.hparams))
        make_optimizer(self.optimizer, **self.hparams)  # validates the hyperparameters (ValueError)
        object.__setattr__(self, "schedule", _schedule(self.schedule))

    def sizes(self, n_inputs: int, classes: int) -> tuple[int, ...]:
        """Layer sizes of the network for data with `n_inputs` features and `classes` classes."""
        return (n_inputs, *self.hidden, classes)

    def replace(self, **changes) -> TrainConfig:
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)


def _schedule(value: Any) -> Schedule:
    """A Schedule from a Schedule, a kind name ("cosine") or a mapping of Schedule fields."""
    if isinstance(value, Schedule):
        return value
    if value is None:
        return Schedule()
    if isinstance(value, str):
        return Schedule(value)
    if isinstance(value, Mapping):
        try:
            return Schedule(**value)
        except TypeError as exc:  # an unknown field name
            raise ConfigError(f"bad schedule {dict(value)!r}: {exc}") from None
    raise ConfigError(f"schedule must be a Schedule, a schedule name or a mapping, got {value!r}")
