"""Per-layer health on a probe batch: activation statistics, dead and saturated units, gradient and update sizes."""
from __future__ import annotations

import math

import numpy as np

from ..nn import MLP
from .results import Diagnostics, LayerStats

__all__ = ["diagnose", "histogram_range", "update_ratios", "weight_snapshot"]

BINS = 50


def histogram_range(activation: str, values: np.ndarray) -> tuple[float, float]:
    """Fixed bins for bounded activations (sigmoid [0, 1], tanh [−1, 1]), [0, max] for ReLU, else [min, max]."""
    if activation == "sigmoid":
        return 0.0, 1.0
    if activation == "tanh":
        return -1.0, 1.0
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return 0.0, 1.0
    hi = float(finite.max())
    lo = 0.0 if activation == "relu" else float(finite.min())
    if hi <= lo:
        hi = lo + 1.0
    return lo, hi


HUGE = 1e150  # activations beyond ±HUGE are counted in the outermost bins: a span of 1e308 has no finite bins


def _histogram(activation: str, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Counts over BINS uniform bins; never raises, whatever the values (a diverging run reaches ±1e38 and more)."""
    finite = np.clip(values[np.isfinite(values)].astype(np.float64), -HUGE, HUGE)
    lo, hi = histogram_range(activation, finite)
    with np.errstate(all="ignore"):
        counts, _ = np.histogram(finite, bins=BINS, range=(lo, hi))  # uniform bins: fast path
        return np.linspace(lo, hi, BINS + 1), counts


def weight_snapshot(mlp: MLP) -> dict[str, np.ndarray]:
    """Copies of the weight matrices, taken before an update to measure it."""
    return {k: mlp.params[k].copy() for k in mlp.weight_keys}


def update_ratios(mlp: MLP, before: dict[str, np.ndarray]) -> dict[str, float]:
    """‖W_after − W_before‖ / ‖W_after‖ per weight matrix (the lecture's ~1e-3 rule of thumb)."""
    out = {}
    for k, old in before.items():
        new = mlp.params[k]
        norm = float(np.linalg.norm(new))
        delta = float(np.linalg.norm(new - old))
        out[k] = delta / norm if norm > 0 else (math.inf if delta > 0 else 0.0)
    return out


def _fraction(mask: np.ndarray) -> float:
    return float(np.count_nonzero(mask)) / mask.size if mask.size else 0.0


def diagnose(mlp: MLP, probe: np.ndarray, iteration: int, ratios: dict[str, float] | None = None) -> Diagnostics:
    """Statistics of every layer on `probe` (evaluation mode) with the gradients of the last backward pass."""
    ratios = ratios or {}
    with np.errstate(all="ignore"):
        outputs = mlp.hidden_outputs(probe)
        logits = mlp.forward(probe, train=False).copy()
        layers = []
        names = [f"hidden {b.index}" for b in mlp.blocks] + ["output"]
        acts = [mlp.activation] * len(mlp.blocks) + ["logits"]
        for i, (name, act, a) in enumerate(zip(names, acts, [*outputs, logits], strict=False), start=1):
            dead = saturated = None
            if act == "relu":
                dead = _fraction(np.all(a <= 0, axis=0))
            elif act == "tanh":
                saturated = _fraction(np.abs(a) > 0.99)
            elif act == "sigmoid":
                saturated = _fraction((a < 0.01) | (a > 0.99))
            edges, counts = _histogram(act, a)
            key = f"W{i}"
            layers.append(LayerStats(
                name=name, activation=act, mean=float(a.mean(dtype=np.float64)), std=float(a.std(dtype=np.float64)),
                hist_edges=edges, hist_counts=counts, dead_fraction=dead, saturated_fraction=saturated,
                grad_norm=float(np.linalg.norm(mlp.grads[key])), weight_norm=float(np.linalg.norm(mlp.params[key])),
                update_ratio=float(ratios.get(key, math.nan)),
            ))
    return Diagnostics(iteration, tuple(layers))
