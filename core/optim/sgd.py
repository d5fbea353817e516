"""SGD with optional momentum and Nesterov momentum, exactly torch.optim.SGD's update."""
from __future__ import annotations

from typing import ClassVar

import numpy as np

from core.errors import ConfigError
from core.text import text

from .base import GRADIENT, STEP, Optimizer, gradient_lines, lr_spec, maximize_spec, weight_decay_spec
from .lean import Lean2D
from .method import Drawable, Method, bool_spec, float_spec

__all__ = ["MOMENTUM", "NESTEROV", "SGD", "SGD_METHOD"]


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum or Nesterov momentum (torch.optim.SGD's update).

    ───────────────────────────────────────────────────────────────────────────────
     input: γ (lr), θ₀ (params), f (objective), λ (weight_decay),
            μ (momentum), τ (dampening), nesterov, maximize
    ───────────────────────────────────────────────────────────────────────────────
     for t = 1, 2, … do
         g_t ← ∇f(θ_{t−1})                      (g_t ← −∇f(θ_{t−1}) if maximize)
         if λ ≠ 0:   g_t ← g_t + λ·θ_{t−1}
         if μ ≠ 0:
             if t > 1:   b_t ← μ·b_{t−1} + (1 − τ)·g_t
             else:       b_t ← g_t
             if nesterov:   g_t ← g_t + μ·b_t
             else:          g_t ← b_t
         θ_t ← θ_{t−1} − γ·g_t
    ───────────────────────────────────────────────────────────────────────────────

    Where torch (and so this class) departs from Sutskever et al. (2013):

    * The velocity lives in gradient units: b ← μ·b + g, θ ← θ − γ·b instead of v ← μ·v + γ·g, θ ← θ − v.
      Same path for a fixed γ, but changing γ mid-run rescales the whole stored velocity at once.
    * b starts at the first gradient (not at zero), so dampening τ only applies from the second step.
    * Nesterov is the reparametrized form (Bengio et al. 2012): θ already stores the look-ahead point, so
      the step −γ·(g + μ·b) = −γ·g (gradient correction) − γ·μ·b (jump along the new velocity) needs no
      second gradient evaluation. ``last[key]['lookahead_update']`` is that jump, −γ·μ·b_t.

    Args:
        lr: learning rate γ (default 1e-3)
        momentum: momentum factor μ (default 0)
        dampening: dampening τ for momentum (default 0)
        weight_decay: L2 penalty λ, added to the gradient (default 0)
        nesterov: Nesterov momentum; needs μ > 0 and τ = 0 (default False)
        maximize: ascend instead of descend (default False)

    ``state[key]['momentum_buffer']`` is b (kept, untouched, while μ = 0, as in torch). ``last[key]``: 'grad'
    (g_t after maximize and λ), 'update' (Δθ), 'effective_lr' (γ everywhere), 'velocity' (b_t, when μ ≠ 0;
    in gradient units, so the displacement it causes is −γ·b_t), 'lookahead_update' (Nesterov).
    """

    DEFAULTS: ClassVar[dict] = {"lr": 1e-3, "momentum": 0.0, "dampening": 0.0, "weight_decay": 0.0, "nesterov": False,
                "maximize": False}
    RULES: ClassVar[dict] = {
        "lr": ("nonneg", "learning rate"),
        "momentum": ("nonneg", "momentum value"),
        "dampening": ("real", "dampening value"),
        "weight_decay": ("nonneg", "weight_decay value"),
        "nesterov": ("bool", "nesterov"),
        "maximize": ("bool", "maximize"),
    }

    def _check_combination(self, hp):
        if hp["nesterov"] and (hp["momentum"] <= 0 or hp["dampening"] != 0):
            raise ConfigError("Nesterov momentum requires a momentum and zero dampening")

    def _update(self, p, g, state, slot, hp):
        g = self._grad(p, g, hp["weight_decay"], hp["maximize"], slot)
        lr, mu, u = hp["lr"], hp["momentum"], slot.update
        if mu != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = np.array(g, dtype=p.dtype)
            else:
                buf *= mu
                if hp["dampening"] == 0:
                    buf += g
                else:
                    np.multiply(g, 1 - hp["dampening"], out=slot.work)
                    buf += slot.work
            if hp["nesterov"]:
                np.multiply(buf, mu, out=u)
                u += g
                u *= -lr
            else:
                np.multiply(buf, -lr, out=u)
        else:
            np.multiply(g, -lr, out=u)
        p += u

    def _describe(self, state, slot, hp):
        out = super()._describe(state, slot, hp)
        out["effective_lr"] = np.full_like(slot.update, hp["lr"])
        buf = state.get("momentum_buffer")
        if hp["momentum"] != 0 and buf is not None:
            out["velocity"] = buf.copy()
            if hp["nesterov"]:
                out["lookahead_update"] = buf * (-hp["lr"] * hp["momentum"])
        return out


class _SGDLean(Lean2D):
    """SGD._update in plain floats (core.optim.lean): b is the momentum buffer, None until the first momentum step."""

    __slots__ = ("b",)

    def load(self, state):
        self.b = self.pair(state, "momentum_buffer")

    def save(self, state):
        self.put(state, "momentum_buffer", self.b)

    def step(self, x, y, gx, gy):
        hp = self.hp
        gx, gy = self.grad(x, y, gx, gy)
        lr, mu, b = hp["lr"], hp["momentum"], self.b
        if mu != 0:
            if b is None:
                bx, by = gx, gy
            elif hp["dampening"] == 0:
                bx, by = b[0] * mu + gx, b[1] * mu + gy
            else:
                keep = 1 - hp["dampening"]
                bx, by = b[0] * mu + gx * keep, b[1] * mu + gy * keep
            if hp["nesterov"]:
                ux, uy = (bx * mu + gx) * -lr, (by * mu + gy) * -lr
            else:
                ux, uy = bx * -lr, by * -lr
            self.b = bx, by
        else:
            ux, uy = gx * -lr, gy * -lr
        self.taken(gx, gy, ux, uy)
        return x + ux, y + uy


SGD.LEAN = _SGDLean
SGD.ELEMENTWISE = True


def lines(hp, v) -> list[str]:
    """The update rule as text (core.optim.method.Method.lines), from the box above."""
    out = gradient_lines(hp, v)
    lr, mu, damp = hp["lr"], hp["momentum"], hp["dampening"]
    if mu == 0:
        return [*out, f"θ ← θ − {v('γ', lr)}·g"]
    gain = "g" if damp == 0 else f"{v('(1 − τ)', 1 - damp)}·g"
    out.append(f"b ← {v('μ', mu)}·b + {gain}   (b ← g at t = 1)")
    if hp["nesterov"]:
        out.append(f"θ ← θ − {v('γ', lr)}·(g + {v('μ', mu)}·b)")
    else:
        out.append(f"θ ← θ − {v('γ', lr)}·b")
    return out


def _specs(momentum: float, nesterov: bool) -> tuple:
    """Nesterov needs μ > 0 and τ = 0, so its preset bounds μ away from 0 and does not offer τ."""
    specs = (
        lr_spec(1e-3),
        float_spec("momentum", momentum, 0.01 if nesterov else 0.0, 0.999, False, "momentum μ",
                   "Fraction of the velocity kept each step (b ← μb + g). Higher rolls further and overshoots more."
                   + (" Nesterov needs μ > 0." if nesterov else "")),
        float_spec("dampening", 0.0, 0.0, 0.99, False, "dampening τ",
                   "Scales the new gradient into the velocity by (1 − τ) from step 2 on. Must be 0 for Nesterov."),
        bool_spec("nesterov", nesterov, "Nesterov",
                  "Step γ(g + μb): the gradient is taken at the look-ahead point. Needs μ > 0 and τ = 0."),
        weight_decay_spec(),
        maximize_spec(),
    )
    return tuple(s for s in specs if not (nesterov and s.name == "dampening"))


_VELOCITY = Drawable("velocity", "Velocity", "vector", "velocity")
_LOOKAHEAD = Drawable("lookahead", "Nesterov look-ahead", "point", "lookahead")

SGD_METHOD = Method(
    "sgd", "SGD", "first-order", SGD, _specs(0.0, False), lines,
    text("note.sgd"),
    training_lr=1e-1,
    landscape_lr={"*": 0.01, "bowl": 0.8, "rotated_ravine": 0.8, "rosenbrock": 1e-3, "saddle": 0.01,
                  "flat_saddle": 0.1, "himmelblau": 0.01, "two_wells": 0.1, "six_hump_camel": 0.01, "plateau": 0.1,
                  "beale": 0.01},
    drawables=(GRADIENT, STEP))

MOMENTUM = Method(
    "momentum", "Momentum", "first-order", SGD, _specs(0.9, False), lines,
    text("note.momentum"),
    preset={"momentum": 0.9}, training_lr=1e-2,
    landscape_lr={"*": 0.01, "bowl": 0.1, "rotated_ravine": 0.1, "rosenbrock": 1e-3, "saddle": 0.01,
                  "flat_saddle": 0.01, "himmelblau": 0.003, "two_wells": 0.03, "six_hump_camel": 0.01,
                  "plateau": 0.1, "beale": 0.003},
    drawables=(GRADIENT, _VELOCITY, STEP))

NESTEROV = Method(
    "nesterov", "Nesterov", "first-order", SGD, _specs(0.9, True), lines,
    text("note.nesterov"),
    preset={"momentum": 0.9, "nesterov": True}, training_lr=1e-2, landscape_lr=MOMENTUM.landscape_lr,
    drawables=(GRADIENT, _VELOCITY, STEP, _LOOKAHEAD))
