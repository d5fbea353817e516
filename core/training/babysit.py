"""Babysitting the learning process (lecture 6): check the initial loss, read a divergence."""
from __future__ import annotations

import math

from ..methods import get_method
from .results import InitialLoss

__all__ = ["diagnose_divergence", "initial_loss_check", "typical_lr"]


def typical_lr(optimizer: str) -> float:
    """A learning rate that trains the lecture's MLP on MNIST well (the method's `training_lr`, else 1e-3)."""
    try:
        lr = get_method(optimizer).training_lr
    except ValueError:
        lr = None
    return 1e-3 if lr is None else lr


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
    typical = typical_lr(optimizer)
    head = f"loss became {what} at iteration {iteration}"
    if lr > 3 * typical:
        return f"{head}: the learning rate ({lr:.0e}) is probably too high; try {_short(typical)}"
    if init == "large":
        return (f"{head}: with weights initialised at σ = 1 the activations overflow; use Xavier or He "
                f"initialisation, or lower the learning rate ({lr:.0e}) to {_short(lr / 10)}")
    return f"{head} with learning rate {lr:.0e}: lower it, e.g. to {_short(lr / 10)}, or add batch normalization"
