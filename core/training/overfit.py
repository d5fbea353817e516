"""Babysitting check 2 (lecture 6): a network and optimizer that cannot overfit 20 examples have a bug or a bad lr."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..text import text
from .config import TrainConfig
from .trainer import Trainer

__all__ = ["OverfitResult", "overfit_check"]


@dataclass(frozen=True, eq=False)
class OverfitResult:
    """Babysitting check 2: training loss per iteration on n examples and whether it fell below `threshold`."""

    n: int
    losses: np.ndarray
    accs: np.ndarray
    final_loss: float
    reached: bool
    threshold: float
    iterations_to_threshold: int | None
    message: str


def overfit_check(data, config=None, n: int = 20, iterations: int = 200, threshold: float = 0.01) -> OverfitResult:
    """Train on n training examples (full batch, no dropout or L2) and report whether the loss goes to ~0.

    A network and optimizer that cannot overfit 20 examples has a bug or a bad learning rate.
    """
    n = int(n)
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    config = (config or TrainConfig()).replace(
        batch_size=n, dropout=0.0, weight_decay=0.0, iterations=int(iterations), eval_every=int(iterations),
        diagnostics_every=0)
    rng = np.random.default_rng([config.seed, 5])
    idx = np.sort(rng.choice(len(data.train_y), min(n, len(data.train_y)), replace=False))
    tiny = _Tiny(np.asarray(data.train_x)[idx], np.asarray(data.train_y)[idx], int(data.classes))
    trainer = Trainer(tiny, config)
    while not trainer.done:
        trainer.step()
    h = trainer.history
    below = np.flatnonzero(h.losses < threshold)
    first = int(h.iterations[below[0]]) if below.size else None
    final = float(h.losses[-1]) if len(h.losses) else math.nan
    reached = first is not None and math.isfinite(final) and final < threshold
    if trainer.status == "diverged":
        message = text("overfit.diverged", n=len(idx), reason=trainer.message)
    elif reached:
        message = text("overfit.reached", n=len(idx), loss=final, threshold=threshold, first=first)
    else:
        message = text("overfit.missed", n=len(idx), iterations=iterations, loss=final)
    return OverfitResult(len(idx), h.losses, h.batch_accs, final, reached, threshold, first, message)


@dataclass(frozen=True)
class _Tiny:
    train_x: np.ndarray
    train_y: np.ndarray
    classes: int

    @property
    def val_x(self):
        return self.train_x[:0]

    @property
    def val_y(self):
        return self.train_y[:0]
