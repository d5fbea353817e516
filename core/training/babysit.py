"""Babysitting the learning process (lecture 6): check the initial loss, read a divergence, overfit a tiny set."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .results import InitialLoss

__all__ = ["initial_loss_check", "diagnose_divergence", "TYPICAL_LR", "OverfitResult", "overfit_check"]

#: a learning rate that trains the lecture's MLP on MNIST well, per optimizer (what a diagnosis suggests)
TYPICAL_LR = {"sgd": 1e-1, "momentum": 1e-2, "nesterov": 1e-2, "adagrad": 1e-2, "rmsprop": 1e-3, "adam": 1e-3}


def _short(x: float) -> str:
    """1e-3 rather than 0.001 or 1e-03."""
    mantissa, exponent = f"{x:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def initial_loss_check(measured: float, classes: int, reg_loss: float = 0.0, init: str = "") -> InitialLoss:
    """Compare the loss before training with ln(classes), what small random weights give (uniform softmax)."""
    expected = math.log(classes)
    if not math.isfinite(measured):
        note = (f"the initial loss is {measured}: the forward pass already overflows"
                + (f" with init '{init}'" if init else "") + "; use smaller weights (Xavier or He)")
        return InitialLoss(expected, measured, reg_loss, False, note)
    note, ok = f"initial loss {measured:.3f} ≈ ln({classes}) = {expected:.3f}: as expected", True
    if measured > 1.5 * expected:
        ok = False
        note = (f"initial loss {measured:.3g} is far above ln({classes}) = {expected:.3f}: the weights are probably "
                f"too large (the softmax starts confidently wrong); try a smaller initialisation (Xavier or He)")
    elif measured > 1.15 * expected:
        note = (f"initial loss {measured:.3f} is a bit above ln({classes}) = {expected:.3f}: the logits start "
                f"spread out; fine, but smaller output weights would start at chance")
    elif measured < 0.85 * expected:
        ok = False
        note = (f"initial loss {measured:.3f} is below ln({classes}) = {expected:.3f} before any training: "
                f"check that validation and training data are not mixed up")
    if reg_loss > 0:
        note += f"; the L2 term adds {reg_loss:.3g} to the training loss"
    return InitialLoss(expected, measured, reg_loss, ok, note)


def diagnose_divergence(loss: float, iteration: int, optimizer: str, lr: float, init: str = "") -> str:
    """One sentence: what became non-finite, when, and the most likely cause with a concrete suggestion."""
    what = "NaN" if math.isnan(loss) else "infinite"
    typical = TYPICAL_LR.get(optimizer, 1e-3)
    head = f"loss became {what} at iteration {iteration}"
    if lr > 3 * typical:
        return f"{head}: the learning rate ({lr:.0e}) is probably too high; try {_short(typical)}"
    if init == "large":
        return (f"{head}: with weights initialised at σ = 1 the activations overflow; use Xavier or He "
                f"initialisation, or lower the learning rate ({lr:.0e}) to {_short(lr / 10)}")
    return f"{head} with learning rate {lr:.0e}: lower it, e.g. to {_short(lr / 10)}, or add batch normalization"


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
    from .config import TrainConfig
    from .trainer import Trainer

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
        message = f"could not overfit {len(idx)} examples: {trainer.message}"
    elif reached:
        message = f"overfits {len(idx)} examples: loss {final:.2g} < {threshold:g} (first at iteration {first})"
    else:
        message = (f"did not overfit {len(idx)} examples in {iterations} iterations (loss {final:.3g}); "
                   f"raise the learning rate or the iterations, or look for a bug")
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
