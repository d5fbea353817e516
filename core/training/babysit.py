"""Babysitting the learning process (lecture 6): check the initial loss, read a divergence."""
from __future__ import annotations

import math

from ..methods import get_method
from ..text import text
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
        with_init = text("initial.overflow_init", init=init) if init else ""
        note = text("initial.overflow", measured=measured, init=with_init)
        return InitialLoss(expected, measured, reg_loss, False, note)
    values = {"measured": measured, "classes": classes, "expected": expected}
    note, ok = text("initial.ok", **values), True
    if measured > 1.5 * expected:
        ok, note = False, text("initial.far_above", **values)
    elif measured > 1.15 * expected:
        note = text("initial.above", **values)
    elif measured < 0.85 * expected:
        ok, note = False, text("initial.below", **values)
    if reg_loss > 0:
        note = text("initial.l2", note=note, reg=reg_loss)
    return InitialLoss(expected, measured, reg_loss, ok, note)


def diagnose_divergence(loss: float, iteration: int, optimizer: str, lr: float, init: str = "") -> str:
    """One sentence: what became non-finite, when, and the most likely cause with a concrete suggestion."""
    what = "NaN" if math.isnan(loss) else "infinite"
    typical = typical_lr(optimizer)
    head = text("diverged.head", what=what, iteration=iteration)
    if lr > 3 * typical:
        return text("diverged.lr", head=head, lr=lr, typical=_short(typical))
    if init == "large":
        return text("diverged.init", head=head, lr=lr, lower=_short(lr / 10))
    return text("diverged.other", head=head, lr=lr, lower=_short(lr / 10))
