"""Babysitting the learning process (lecture 6): check the initial loss, read a divergence."""
from __future__ import annotations

import math

import numpy as np

from ..methods import get_method
from ..text import text
from .results import InitialLoss

__all__ = ["EXPLODE_FACTOR", "diagnose_divergence", "exploded", "initial_loss_check", "learning_check", "typical_lr"]


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


EXPLODE_FACTOR = 100.0  # a finite loss this many times its starting value has diverged too, whatever the optimizer


def exploded(loss: float, start: float | None) -> bool:
    """True when `loss` is not finite, or more than EXPLODE_FACTOR times a positive starting loss."""
    if not math.isfinite(loss):
        return True
    return start is not None and math.isfinite(start) and start > 0 and loss > EXPLODE_FACTOR * start


def diagnose_divergence(loss: float, iteration: int, optimizer: str, lr: float, init: str = "",
                        start: float | None = None) -> str:
    """One sentence: what became of the loss, when, and the real cause with a fix that applies it.

    The Text's key names the cause ("diverged.lr", "diverged.init", "diverged.other") and its args carry the fix:
    `fix_lr` (always lower than `lr`) or `fix_init` ("he").
    """
    if math.isfinite(loss):
        head = text("diverged.exploded", loss=loss, factor=EXPLODE_FACTOR, start=start, iteration=iteration)
    else:
        head = text("diverged.head", what="NaN" if math.isnan(loss) else "infinite", iteration=iteration)
    typical = typical_lr(optimizer)
    if lr > 3 * typical:
        return text("diverged.lr", head=head, lr=lr, typical=_short(typical), fix_lr=typical)
    if init == "large":
        return text("diverged.init", head=head, lr=lr, lower=_short(lr / 10), fix_init="he")
    return text("diverged.other", head=head, lr=lr, lower=_short(lr / 10), fix_lr=lr / 10)


STALL_AFTER = 300  # iterations before a run may be called "not learning"
STALL_TOLERANCE = 0.03  # within 3 % of ln(classes) and of the starting loss: still at chance


def learning_check(iteration: int, losses, classes: int, diagnostics, lr: float):
    """None while the run learns; otherwise why it may not: vanishing gradients, dead units, or too small an lr.

    `losses` are the training losses so far; `diagnostics` the latest core Diagnostics (per-layer gradient
    norms and dead-ReLU fractions). The Text's key names the cause ("stall.vanishing", "stall.dead", "stall.lr").
    """
    losses = np.asarray(losses, dtype=float)
    if iteration < STALL_AFTER or len(losses) < 100 or diagnostics is None or not diagnostics.layers:
        return None
    expected = math.log(classes)
    start, recent = float(np.mean(losses[:20])), float(np.mean(losses[-100:]))
    if not (abs(recent - expected) < STALL_TOLERANCE * expected and recent > (1 - STALL_TOLERANCE) * start):
        return None
    head = text("stall.head", iteration=iteration, loss=recent, classes=classes, expected=expected)
    layers = diagnostics.layers
    first = layers[0].grad_norm
    if max(layer.grad_norm for layer in layers) < 1e-6 or first < 1e-8:
        return text("stall.vanishing", head=head, grad=first)
    dead = max((layer.dead_fraction or 0.0) for layer in layers)
    if dead > 0.9:
        return text("stall.dead", head=head, dead=dead)
    return text("stall.lr", head=head, lr=lr)
