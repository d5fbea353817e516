"""The lean 2-D step: a plain-float twin of an optimizer's numpy update for one parameter of two float64s.

A racer on a surface updates one point (x, y); numpy spends a microsecond on every call on two numbers, plain
Python floats a few tens of nanoseconds. Each optimizer that has a twin names it in ``LEAN``; the twin does the
numpy update's IEEE operations in the same order on the same values (a·b, a + b, a / b and √a are correctly
rounded either way), so its path is bit-identical — tests compare both on every method and option.

    twin = optimizer.lean("xy")     # after the first (checked) step; None when there is no twin
    while optimizer.twin is twin:  # until anything reads or changes the optimizer (its state is then written back)
        x, y = twin.step(x, y, gx, gy)   # ArithmeticError / ValueError: not taken, nothing changed
    p[:] = x, y                    # the parameter itself is the caller's to write

A step that plain floats cannot take as numpy would (a division by zero, √ of a negative number) raises and
changes nothing, so the caller takes that one step the numpy way (numpy gives inf or NaN).

Bit-identical for every finite or infinite value; where two NaNs meet in one operation, CPython's float and numpy
may keep different ones (the sign of the NaN can differ). A racer stops at its first non-finite value, so no path
ever gets there.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["Lean2D", "maximum"]


def maximum(a: float, b: float) -> float:
    """np.maximum on two floats: NaN if either is NaN."""
    return b if b > a or b != b else a


class Lean2D:
    """State of one 2-D parameter as floats; subclasses implement `load`, `save` and `step` (see the module)."""

    __slots__ = ("decay", "gx", "gy", "hp", "key", "maximize", "opt", "steps", "ux", "uy")

    def __init__(self, opt: Any, key: str):
        self.opt, self.key, self.hp = opt, key, opt._hparams
        self.decay, self.maximize = self.decay_of(self.hp), self.hp["maximize"]
        self.steps = 0
        self.gx = self.gy = self.ux = self.uy = 0.0  # the gradient used and the update of the last step
        self.load(opt._state[key])

    def grad(self, x: float, y: float, gx: float, gy: float) -> tuple[float, float]:
        """Optimizer._grad: g ← −g to maximize, g ← g + λθ."""
        wd = self.decay
        if wd != 0:
            if self.maximize:
                return x * wd - gx, y * wd - gy
            return x * wd + gx, y * wd + gy
        if self.maximize:
            return -gx, -gy
        return gx, gy

    def taken(self, gx: float, gy: float, ux: float, uy: float) -> None:
        """Record a step as taken (call last, once nothing can fail)."""
        self.gx, self.gy, self.ux, self.uy = gx, gy, ux, uy
        self.steps += 1

    def store(self) -> None:
        """Write the state back into the optimizer, as if numpy had taken every step (Optimizer.release)."""
        if not self.steps:
            return
        opt, key = self.opt, self.key
        slot = opt._slots[key]
        self.save(opt._state[key])
        slot.update[0], slot.update[1] = self.ux, self.uy
        if self.decay != 0 or self.maximize:  # Optimizer._grad's own buffer
            if slot.grad is None:
                slot.grad = np.empty_like(slot.update)
            slot.grad[0], slot.grad[1] = self.gx, self.gy
            slot.used = slot.grad
        else:
            slot.used = np.array((self.gx, self.gy), dtype=slot.update.dtype)
        opt._steps += self.steps
        opt._step_hparams, opt._last = self.hp, None
        self.steps = 0

    @staticmethod
    def pair(state: Mapping[str, Any], name: str) -> tuple[float, float] | None:
        a = state.get(name)
        return None if a is None else (float(a[0]), float(a[1]))

    @staticmethod
    def put(state: dict, name: str, value: tuple[float, float] | None) -> None:
        if value is not None:
            a = state.get(name)
            if a is None:
                a = state[name] = np.empty(2)
            a[0], a[1] = value

    # -- subclass hooks -------------------------------------------------------------------------------

    @staticmethod
    def decay_of(hp: Mapping[str, Any]) -> float:
        """The L2 decay the gradient gets in Optimizer._grad (Adam's decoupled decay is not one)."""
        return hp["weight_decay"]

    def load(self, state: Mapping[str, Any]) -> None:
        raise NotImplementedError

    def save(self, state: dict) -> None:
        raise NotImplementedError

    def step(self, x: float, y: float, gx: float, gy: float) -> tuple[float, float]:
        raise NotImplementedError
