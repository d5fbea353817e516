"""RMSprop (optionally centered, with momentum), exactly torch.optim.RMSprop's update."""
from __future__ import annotations

import math
from typing import ClassVar

import numpy as np

from core.text import text

from .base import ACCUM, GRADIENT, STEP, Optimizer, gradient_lines, lr_spec, maximize_spec, weight_decay_spec
from .lean import Lean2D
from .method import Drawable, Method, bool_spec, float_spec

__all__ = ["RMSPROP", "RMSprop"]


class RMSprop(Optimizer):
    """RMSprop: per-coordinate steps γ/(√v + ε) from a leaky average v of g² (torch.optim.RMSprop's update).

    ───────────────────────────────────────────────────────────────────────────────
     input: α (alpha), γ (lr), θ₀ (params), f (objective), λ (weight_decay),
            μ (momentum), centered, ε (eps), maximize
     initialize: v₀ ← 0 (square average), b₀ ← 0 (buffer), g^ave₀ ← 0
    ───────────────────────────────────────────────────────────────────────────────
     for t = 1, 2, … do
         g_t ← ∇f(θ_{t−1})                      (g_t ← −∇f(θ_{t−1}) if maximize)
         if λ ≠ 0:   g_t ← g_t + λ·θ_{t−1}
         v_t ← α·v_{t−1} + (1 − α)·g_t²
         ṽ_t ← v_t
         if centered:
             g^ave_t ← α·g^ave_{t−1} + (1 − α)·g_t
             ṽ_t ← ṽ_t − (g^ave_t)²
         if μ > 0:
             b_t ← μ·b_{t−1} + g_t / (√ṽ_t + ε)
             θ_t ← θ_{t−1} − γ·b_t
         else:
             θ_t ← θ_{t−1} − γ·g_t / (√ṽ_t + ε)
    ───────────────────────────────────────────────────────────────────────────────

    Where torch departs from Hinton's lecture 6e (and TensorFlow): ε is added after the square root
    (√v + ε, TensorFlow uses √(v + ε)); the centered variant (Graves 2013) divides by an estimate of the
    standard deviation instead of the root mean square; momentum accumulates the already normalized step.
    v starts at 0 and is not bias-corrected, so the first steps are about γ/√(1 − α) = 10·γ long (α = 0.99).
    Torch creates the momentum buffer and g^ave only if μ > 0 / centered at the first step; here they are
    created (as zeros) when first needed, so turning either on mid-run works instead of failing.

    Args:
        lr: learning rate γ (default 1e-2)
        alpha: smoothing constant α (default 0.99)
        eps: ε added to the denominator (default 1e-8)
        weight_decay: L2 penalty λ, added to the gradient (default 0)
        momentum: momentum factor μ (default 0)
        centered: normalize by the estimated variance of g (default False)
        maximize: ascend instead of descend (default False)

    ``state[key]``: 'step', 'square_avg', 'momentum_buffer' (μ > 0), 'grad_avg' (centered). ``last[key]``:
    'grad', 'update', 'accum' (v_t), 'effective_lr' (γ/(√ṽ_t + ε)), 'grad_avg', 'velocity' (b_t).
    """

    DEFAULTS: ClassVar[dict] = {"lr": 1e-2, "alpha": 0.99, "eps": 1e-8, "weight_decay": 0.0, "momentum": 0.0,
                                "centered": False, "maximize": False}
    RULES: ClassVar[dict] = {
        "lr": ("nonneg", "learning rate"),
        "alpha": ("nonneg", "alpha value"),
        "eps": ("nonneg", "epsilon value"),
        "weight_decay": ("nonneg", "weight_decay value"),
        "momentum": ("nonneg", "momentum value"),
        "centered": ("bool", "centered"),
        "maximize": ("bool", "maximize"),
    }

    def _init_state(self, p, hp):
        return {"step": 0, "square_avg": np.zeros_like(p)}

    def _update(self, p, g, state, slot, hp):
        state["step"] += 1
        g = self._grad(p, g, hp["weight_decay"], hp["maximize"], slot)
        alpha, d, u = hp["alpha"], slot.work, slot.update
        v = state["square_avg"]
        v *= alpha
        np.multiply(g, g, out=d)
        d *= 1 - alpha
        v += d
        if hp["centered"]:
            avg = state.get("grad_avg")
            if avg is None:
                avg = state["grad_avg"] = np.zeros_like(p)
            np.subtract(g, avg, out=d)  # torch's lerp_(g, 1 − α)
            d *= 1 - alpha
            avg += d
            np.multiply(avg, avg, out=d)
            np.subtract(v, d, out=d)
            np.sqrt(d, out=d)
        else:
            np.sqrt(v, out=d)
        d += hp["eps"]
        np.divide(g, d, out=u)
        if hp["momentum"] > 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = np.zeros_like(p)
            buf *= hp["momentum"]
            buf += u
            np.multiply(buf, -hp["lr"], out=u)
        else:
            u *= -hp["lr"]
        p += u

    def _describe(self, state, slot, hp):
        out = super()._describe(state, slot, hp)
        v = state["square_avg"]
        out["accum"] = v.copy()
        denom = v
        if hp["centered"]:
            out["grad_avg"] = state["grad_avg"].copy()
            denom = v - state["grad_avg"] ** 2
        out["effective_lr"] = hp["lr"] / (np.sqrt(denom) + hp["eps"])
        if hp["momentum"] > 0:
            out["velocity"] = state["momentum_buffer"].copy()
        return out


class _RMSpropLean(Lean2D):
    """RMSprop._update in plain floats (core.optim.lean); a and b are None until centering / momentum first run."""

    __slots__ = ("a", "b", "t", "v")

    def load(self, state):
        self.t, self.v = state["step"], self.pair(state, "square_avg")
        self.a, self.b = self.pair(state, "grad_avg"), self.pair(state, "momentum_buffer")

    def save(self, state):
        state["step"] = self.t
        self.put(state, "square_avg", self.v)
        self.put(state, "grad_avg", self.a)
        self.put(state, "momentum_buffer", self.b)

    def step(self, x, y, gx, gy):
        hp = self.hp
        gx, gy = self.grad(x, y, gx, gy)
        alpha, v, a, b = hp["alpha"], self.v, self.a, self.b
        keep = 1 - alpha
        vx, vy = v[0] * alpha + gx * gx * keep, v[1] * alpha + gy * gy * keep
        if hp["centered"]:
            ax, ay = (0.0, 0.0) if a is None else a
            ax, ay = ax + (gx - ax) * keep, ay + (gy - ay) * keep
            dx, dy = math.sqrt(vx - ax * ax), math.sqrt(vy - ay * ay)  # ValueError below 0: numpy's NaN
            a = ax, ay
        else:
            dx, dy = math.sqrt(vx), math.sqrt(vy)
        eps = hp["eps"]
        ux, uy = gx / (dx + eps), gy / (dy + eps)
        if hp["momentum"] > 0:
            mu, lr = hp["momentum"], -hp["lr"]
            bx, by = (0.0, 0.0) if b is None else b
            bx, by = bx * mu + ux, by * mu + uy
            ux, uy, b = bx * lr, by * lr, (bx, by)
        else:
            ux, uy = ux * -hp["lr"], uy * -hp["lr"]
        self.t, self.v, self.a, self.b = self.t + 1, (vx, vy), a, b
        self.taken(gx, gy, ux, uy)
        return x + ux, y + uy


RMSprop.LEAN = _RMSpropLean
RMSprop.ELEMENTWISE = True


def lines(hp, v) -> list[str]:
    """The update rule as text (core.optim.method.Method.lines), from the box above."""
    out = gradient_lines(hp, v)
    alpha, keep = v("α", hp["alpha"]), v("(1 − α)", 1 - hp["alpha"])
    out.append(f"v ← {alpha}·v + {keep}·g²")
    root = "√v"
    if hp["centered"]:
        out.append(f"ḡ ← {alpha}·ḡ + {keep}·g")
        root = "√(v − ḡ²)"
    eps, lr = v("ε", hp["eps"]), v("γ", hp["lr"])
    if hp["momentum"] > 0:
        out += [f"b ← {v('μ', hp['momentum'])}·b + g / ({root} + {eps})", f"θ ← θ − {lr}·b"]
    else:
        out.append(f"θ ← θ − {lr}·g / ({root} + {eps})")
    return out


RMSPROP = Method(
    "rmsprop", "RMSProp", "first-order", RMSprop,
    (lr_spec(1e-2),
     float_spec("alpha", 0.99, 0.0, 0.9999, False, "smoothing α",
                "How slowly the average of g² forgets: memory ≈ 1/(1 − α) steps."),
     float_spec("eps", 1e-8, 1e-12, 1.0, True, "epsilon ε",
                "Added to √v to avoid dividing by zero; large ε → plain SGD."),
     float_spec("momentum", 0.0, 0.0, 0.999, False, "momentum μ",
                "Momentum on the normalized step (b ← μb + g/(√v + ε))."),
     bool_spec("centered", False, "centered", "Divide by the estimated standard deviation of g instead of its RMS."),
     weight_decay_spec(), maximize_spec()),
    lines,
    text("note.rmsprop"),
    training_lr=1e-3,
    landscape_lr={"*": 0.01, "bowl": 0.1, "rotated_ravine": 0.1, "rosenbrock": 0.01, "saddle": 0.01,
                  "flat_saddle": 0.03, "himmelblau": 0.03, "two_wells": 0.03, "six_hump_camel": 0.01,
                  "plateau": 0.01, "beale": 0.01},
    # its velocity is a momentum of normalized steps, not of gradients: only its direction compares
    drawables=(GRADIENT, Drawable("velocity", "Velocity", "direction", "velocity"), STEP,
               ACCUM))
