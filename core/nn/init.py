"""Weight initialisation schemes of lecture 6, each a standard deviation as a function of fan-in."""
from __future__ import annotations

import math

import numpy as np

__all__ = ["INITS", "init_std", "init_weight"]

# key -> (label, one-line description); the order is the order shown in the GUI.
INITS: dict[str, tuple[str, str]] = {
    "zeros": ("Zeros", "W = 0: every unit in a layer computes the same thing and stays that way (symmetry)."),
    "small": ("Small random (σ = 0.01)", "Activations shrink layer by layer until they and the gradients vanish."),
    "large": ("Large random (σ = 1)", "Activations explode or saturate; tanh/sigmoid units stop learning."),
    "xavier": ("Xavier (σ = 1/√fan_in)", "Keeps the activation variance constant through tanh layers."),
    "he": ("He (σ = √(2/fan_in))", "Xavier with a factor 2 for ReLU, which zeroes half of its inputs."),
}


def init_std(init: str, fan_in: int) -> float:
    """Standard deviation of the normal distribution each weight is drawn from."""
    if init == "zeros":
        return 0.0
    if init == "small":
        return 0.01
    if init == "large":
        return 1.0
    if init == "xavier":
        # The lecture's form (Glorot & Bengio's 2/(fan_in + fan_out) differs only for non-square layers).
        return 1.0 / math.sqrt(fan_in)
    if init == "he":
        return math.sqrt(2.0 / fan_in)
    raise ValueError(f"unknown initialisation {init!r}; choose one of {', '.join(INITS)}")


def init_weight(init: str, fan_in: int, fan_out: int, rng: np.random.Generator, dtype=np.float32) -> np.ndarray:
    """A (fan_in, fan_out) weight matrix drawn from N(0, init_std²); the same rng state gives the same matrix."""
    std = init_std(init, fan_in)
    w = rng.standard_normal((fan_in, fan_out), dtype=np.float64 if np.dtype(dtype) == np.float64 else np.float32)
    if std == 0.0:
        w[...] = 0.0  # still consume the rng so that later layers draw the same numbers for every scheme
    else:
        w *= std
    return w.astype(dtype, copy=False)
