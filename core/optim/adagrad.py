"""AdaGrad, exactly torch.optim.Adagrad's update (including its lr_decay and initial_accumulator_value)."""
from __future__ import annotations

import math
from typing import ClassVar

import numpy as np

from core.text import text

from .base import ACCUM, GRADIENT, STEP, Optimizer, gradient_lines, lr_spec, maximize_spec, weight_decay_spec
from .lean import Lean2D
from .method import Method, float_spec

__all__ = ["ADAGRAD", "Adagrad"]


class Adagrad(Optimizer):
    """AdaGrad: per-coordinate steps γ/(√Σg² + ε) that only ever shrink (torch.optim.Adagrad's update).

    ───────────────────────────────────────────────────────────────────────────────
     input: γ (lr), θ₀ (params), f (objective), λ (weight_decay),
            τ (initial_accumulator_value), η (lr_decay), ε (eps), maximize
     initialize: sum₀ ← τ
    ───────────────────────────────────────────────────────────────────────────────
     for t = 1, 2, … do
         g_t ← ∇f(θ_{t−1})                      (g_t ← −∇f(θ_{t−1}) if maximize)
         γ̃ ← γ / (1 + (t − 1)·η)
         if λ ≠ 0:   g_t ← g_t + λ·θ_{t−1}
         sum_t ← sum_{t−1} + g_t²
         θ_t ← θ_{t−1} − γ̃·g_t / (√sum_t + ε)
    ───────────────────────────────────────────────────────────────────────────────

    Where torch departs from Duchi, Hazan & Singer (2011): the learning-rate decay η and the starting value τ
    of the accumulator are torch's additions (the paper has neither), and ε is added outside the square
    root (√sum + ε, not √(sum + ε)). With ε = 0 and τ = 0 a coordinate whose gradients have all been zero
    gives 0/0 = NaN, as in torch.

    Args:
        lr: learning rate γ (default 1e-2)
        lr_decay: learning-rate decay η (default 0)
        weight_decay: L2 penalty λ, added to the gradient (default 0)
        initial_accumulator_value: τ, the starting value of sum (default 0). Read when a key's state is
            created (its first step, or the first after `reset_state`); torch reads it at construction.
        eps: ε added to the denominator (default 1e-10)
        maximize: ascend instead of descend (default False)

    ``state[key]``: 'step', 'sum'. ``last[key]``: 'grad', 'update', 'accum' (sum_t), 'effective_lr'
    (γ̃/(√sum_t + ε), per coordinate).
    """

    DEFAULTS: ClassVar[dict] = {"lr": 1e-2, "lr_decay": 0.0, "weight_decay": 0.0, "initial_accumulator_value": 0.0,
                "eps": 1e-10, "maximize": False}
    RULES: ClassVar[dict] = {
        "lr": ("nonneg", "learning rate"),
        "lr_decay": ("nonneg", "lr_decay value"),
        "weight_decay": ("nonneg", "weight_decay value"),
        "initial_accumulator_value": ("nonneg", "initial_accumulator_value value"),
        "eps": ("nonneg", "epsilon value"),
        "maximize": ("bool", "maximize"),
    }

    @staticmethod
    def _clr(hp, t):
        return hp["lr"] / (1 + (t - 1) * hp["lr_decay"])

    def _init_state(self, p, hp):
        return {"step": 0, "sum": np.full_like(p, hp["initial_accumulator_value"])}

    def _update(self, p, g, state, slot, hp):
        state["step"] += 1
        clr = self._clr(hp, state["step"])
        g = self._grad(p, g, hp["weight_decay"], hp["maximize"], slot)
        total, d, u = state["sum"], slot.work, slot.update
        np.multiply(g, g, out=d)
        total += d
        np.sqrt(total, out=d)
        d += hp["eps"]
        np.divide(g, d, out=u)
        u *= -clr
        p += u

    def _describe(self, state, slot, hp):
        out = super()._describe(state, slot, hp)
        total = state["sum"]
        out["accum"] = total.copy()
        out["effective_lr"] = self._clr(hp, state["step"]) / (np.sqrt(total) + hp["eps"])
        return out


class _AdagradLean(Lean2D):
    """Adagrad._update in plain floats (core.optim.lean)."""

    __slots__ = ("s", "t")

    def load(self, state):
        self.t, self.s = state["step"], self.pair(state, "sum")

    def save(self, state):
        state["step"] = self.t
        self.put(state, "sum", self.s)

    def step(self, x, y, gx, gy):
        hp, t = self.hp, self.t + 1
        clr = Adagrad._clr(hp, t)
        gx, gy = self.grad(x, y, gx, gy)
        sx, sy = self.s[0] + gx * gx, self.s[1] + gy * gy
        eps = hp["eps"]
        ux, uy = gx / (math.sqrt(sx) + eps) * -clr, gy / (math.sqrt(sy) + eps) * -clr
        self.t, self.s = t, (sx, sy)
        self.taken(gx, gy, ux, uy)
        return x + ux, y + uy


Adagrad.LEAN = _AdagradLean
Adagrad.ELEMENTWISE = True


def lines(hp, v) -> list[str]:
    """The update rule as text (core.optim.method.Method.lines), from the box above."""
    out, rate = gradient_lines(hp, v), v("γ", hp["lr"])
    if hp["lr_decay"] != 0:
        out.append(f"γ̃ ← {rate} / (1 + (t − 1)·{v('η', hp['lr_decay'])})")
        rate = "γ̃"
    start = hp["initial_accumulator_value"]
    out.append("s ← s + g²" + (f"   (s₀ = {v('τ', start)})" if start != 0 else ""))
    out.append(f"θ ← θ − {rate}·g / (√s + {v('ε', hp['eps'])})")
    return out


ADAGRAD = Method(
    "adagrad", "AdaGrad", "first-order", Adagrad,
    (lr_spec(1e-2),
     float_spec("eps", 1e-10, 1e-12, 1.0, True, "epsilon ε",
                "Added to √sum to avoid dividing by zero; large ε → plain SGD."),
     float_spec("lr_decay", 0.0, 0.0, 1.0, False, "lr decay η", "torch's extra decay: γ̃ = γ / (1 + (t − 1)η)."),
     float_spec("initial_accumulator_value", 0.0, 0.0, 1.0, False, "initial accumulator τ",
                "Starting value of the sum of squared gradients (read when the state is created)."),
     weight_decay_spec(), maximize_spec()),
    lines,
    text("note.adagrad"),
    training_lr=1e-2,
    landscape_lr={"*": 0.3, "bowl": 1.0, "rotated_ravine": 1.0, "rosenbrock": 1.0, "saddle": 0.1,
                  "flat_saddle": 0.3, "himmelblau": 0.3, "two_wells": 0.3, "six_hump_camel": 0.1, "plateau": 0.3,
                  "beale": 1.0},
    drawables=(GRADIENT, STEP, ACCUM))
