"""Adam (optionally AMSGrad, optionally decoupled weight decay), exactly torch.optim.Adam's update."""
from __future__ import annotations

import dataclasses
import math
from typing import ClassVar

import numpy as np

from core.errors import ConfigError
from core.text import text

from .base import ACCUM, GRADIENT, STEP, Optimizer, _number, gradient_lines, lr_spec, maximize_spec, weight_decay_spec
from .lean import Lean2D, maximum
from .method import Drawable, Method, bool_spec, float_spec

__all__ = ["ADAM", "Adam"]


class Adam(Optimizer):
    """Adam: momentum on g (m) over a bias-corrected RMS of g (v), per coordinate (torch.optim.Adam's update).

    ───────────────────────────────────────────────────────────────────────────────
     input: γ (lr), β₁, β₂ (betas), θ₀ (params), f (objective), λ (weight_decay),
            amsgrad, maximize, ε (eps), decoupled_weight_decay
     initialize: m₀ ← 0 (first moment), v₀ ← 0 (second moment), v₀ᵐᵃˣ ← 0
    ───────────────────────────────────────────────────────────────────────────────
     for t = 1, 2, … do
         g_t ← ∇f(θ_{t−1})                      (g_t ← −∇f(θ_{t−1}) if maximize)
         if λ ≠ 0:
             if decoupled_weight_decay:   θ_{t−1} ← θ_{t−1} − γ·λ·θ_{t−1}
             else:                        g_t ← g_t + λ·θ_{t−1}
         m_t ← β₁·m_{t−1} + (1 − β₁)·g_t
         v_t ← β₂·v_{t−1} + (1 − β₂)·g_t²
         m̂_t ← m_t / (1 − β₁ᵗ)
         if amsgrad:
             v_tᵐᵃˣ ← max(v_{t−1}ᵐᵃˣ, v_t)
             v̂_t ← v_tᵐᵃˣ / (1 − β₂ᵗ)
         else:
             v̂_t ← v_t / (1 − β₂ᵗ)
         θ_t ← θ_{t−1} − γ·m̂_t / (√v̂_t + ε)
    ───────────────────────────────────────────────────────────────────────────────

    This is Kingma & Ba's Algorithm 1 with ε outside the square root of the bias-corrected v̂ (not the
    paper's "ε̂" form, used e.g. by TensorFlow, which adds ε to the uncorrected √v). Where torch departs
    from the papers: plain weight_decay is an L2 term added to g (so it is normalized by √v̂ like the
    loss gradient) — decoupled_weight_decay=True gives AdamW (Loshchilov & Hutter); AMSGrad keeps the
    maximum of the raw v and then bias-corrects it (Reddi et al. use no bias correction). A mid-run change
    of betas keeps m and v and uses the new β in the bias corrections with the old t, as torch does.
    Switching amsgrad on mid-run starts the maximum from the current v (torch fails with a KeyError).

    Args:
        lr: learning rate γ (default 1e-3)
        betas: (β₁, β₂), the averaging coefficients of g and g² (default (0.9, 0.999)). As a convenience
            ``beta1=`` / ``beta2=`` are accepted by the constructor and `set` and replace one entry of
            betas; ``hparams`` lists torch's ``betas`` tuple, and ``hparams['beta1']`` answers too.
        eps: ε added to the denominator (default 1e-8)
        weight_decay: λ (default 0)
        amsgrad: use the maximum of all v so far (default False)
        maximize: ascend instead of descend (default False)
        decoupled_weight_decay: AdamW's θ ← θ − γλθ instead of g ← g + λθ (default False)

    ``state[key]``: 'step', 'exp_avg' (m), 'exp_avg_sq' (v), 'max_exp_avg_sq' (amsgrad). ``last[key]``:
    'grad', 'update', 'm', 'v', 'accum' (v), 'm_hat', 'v_hat', 'effective_lr' (γ/(√v̂_t + ε), so that
    update = −effective_lr·m̂ plus decoupled decay).
    """

    DEFAULTS: ClassVar[dict] = {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0, "amsgrad": False,
                "maximize": False, "decoupled_weight_decay": False}
    RULES: ClassVar[dict] = {
        "lr": ("nonneg", "learning rate"),
        "betas": ("betas", "betas"),
        "eps": ("nonneg", "epsilon value"),
        "weight_decay": ("nonneg", "weight_decay value"),
        "amsgrad": ("bool", "amsgrad"),
        "maximize": ("bool", "maximize"),
        "decoupled_weight_decay": ("bool", "decoupled_weight_decay"),
    }
    ALIASES: ClassVar[dict] = {"beta1": ("betas", 0), "beta2": ("betas", 1)}

    def _check_value(self, name, value):
        if name != "betas":
            return super()._check_value(name, value)
        if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or len(value) != 2:
            raise ConfigError(f"Invalid betas: {value!r} (must be a pair (beta1, beta2))")
        return tuple(_number(f"beta{i + 1}", b, f"beta parameter at index {i}", 0.0, 1.0) for i, b in enumerate(value))

    def _init_state(self, p, hp):
        return {"step": 0, "exp_avg": np.zeros_like(p), "exp_avg_sq": np.zeros_like(p)}

    def _update(self, p, g, state, slot, hp):
        state["step"] += 1
        t, lr, wd = state["step"], hp["lr"], hp["weight_decay"]
        decoupled = hp["decoupled_weight_decay"]
        g = self._grad(p, g, 0.0 if decoupled else wd, hp["maximize"], slot)
        beta1, beta2 = hp["betas"]
        m, v, d, u = state["exp_avg"], state["exp_avg_sq"], slot.work, slot.update
        np.subtract(g, m, out=d)  # torch's lerp_(g, 1 − β₁)
        d *= 1 - beta1
        m += d
        v *= beta2
        np.multiply(g, g, out=d)
        d *= 1 - beta2
        v += d
        if hp["amsgrad"]:
            vmax = self._max_v(state, v)
            np.maximum(vmax, v, out=vmax)
            v = vmax
        # γ·m̂/(√v̂ + ε) = (γ·√bc₂/bc₁)·m/(√v + ε·√bc₂): same value as torch's form, one pass fewer
        root_bc2 = math.sqrt(1 - beta2**t)
        np.sqrt(v, out=d)
        d += hp["eps"] * root_bc2
        np.divide(m, d, out=u)
        u *= -lr * root_bc2 / (1 - beta1**t)
        if decoupled and wd != 0:
            np.multiply(p, -lr * wd, out=d)
            u += d
        p += u

    @staticmethod
    def _max_v(state, v):
        vmax = state.get("max_exp_avg_sq")
        if vmax is None:  # amsgrad switched on mid-run: max(0, v) = v, nothing to fail on
            vmax = state["max_exp_avg_sq"] = np.zeros_like(v)
        return vmax

    def _describe(self, state, slot, hp):
        out = super()._describe(state, slot, hp)
        t, (beta1, beta2) = state["step"], hp["betas"]
        m, v = state["exp_avg"], state["exp_avg_sq"]
        out["m"], out["v"], out["accum"] = m.copy(), v.copy(), v.copy()
        out["m_hat"] = m / (1 - beta1**t)
        out["v_hat"] = (state["max_exp_avg_sq"] if hp["amsgrad"] else v) / (1 - beta2**t)
        out["effective_lr"] = hp["lr"] / (np.sqrt(out["v_hat"]) + hp["eps"])
        return out


class _AdamLean(Lean2D):
    """Adam._update in plain floats (core.optim.lean); w is max v (AMSGrad), None until AMSGrad first runs."""

    __slots__ = ("m", "t", "v", "w")

    @staticmethod
    def decay_of(hp):
        return 0.0 if hp["decoupled_weight_decay"] else hp["weight_decay"]

    def load(self, state):
        self.t, self.m, self.v = state["step"], self.pair(state, "exp_avg"), self.pair(state, "exp_avg_sq")
        self.w = self.pair(state, "max_exp_avg_sq")

    def save(self, state):
        state["step"] = self.t
        self.put(state, "exp_avg", self.m)
        self.put(state, "exp_avg_sq", self.v)
        self.put(state, "max_exp_avg_sq", self.w)

    def step(self, x, y, gx, gy):
        hp, t, (mx, my), (vx, vy), w = self.hp, self.t + 1, self.m, self.v, self.w
        lr, wd = hp["lr"], hp["weight_decay"]
        gx, gy = self.grad(x, y, gx, gy)
        beta1, beta2 = hp["betas"]
        keep1, keep2 = 1 - beta1, 1 - beta2
        mx, my = mx + (gx - mx) * keep1, my + (gy - my) * keep1
        vx, vy = vx * beta2 + gx * gx * keep2, vy * beta2 + gy * gy * keep2
        qx, qy = vx, vy
        if hp["amsgrad"]:
            wx, wy = (0.0, 0.0) if w is None else w
            qx, qy = w = maximum(wx, vx), maximum(wy, vy)
        root_bc2 = math.sqrt(1 - beta2**t)
        eps = hp["eps"] * root_bc2
        scale = -lr * root_bc2 / (1 - beta1**t)
        ux, uy = mx / (math.sqrt(qx) + eps) * scale, my / (math.sqrt(qy) + eps) * scale
        if hp["decoupled_weight_decay"] and wd != 0:
            shrink = -lr * wd
            ux, uy = ux + x * shrink, uy + y * shrink
        self.t, self.m, self.v, self.w = t, (mx, my), (vx, vy), w
        self.taken(gx, gy, ux, uy)
        return x + ux, y + uy


Adam.LEAN = _AdamLean
Adam.ELEMENTWISE = True


def lines(hp, v) -> list[str]:
    """The update rule as text (core.optim.method.Method.lines), from the box above."""
    out = gradient_lines(hp, v)
    (beta1, beta2), lr = hp["betas"], v("γ", hp["lr"])
    if hp["decoupled_weight_decay"] and hp["weight_decay"] != 0:
        out.append(f"θ ← θ − {v('γ·λ', hp['lr'] * hp['weight_decay'])}·θ")
    out += [
        f"m ← {v('β₁', beta1)}·m + {v('(1 − β₁)', 1 - beta1)}·g",
        f"v ← {v('β₂', beta2)}·v + {v('(1 − β₂)', 1 - beta2)}·g²",
        f"m̂ ← m / (1 − {v('β₁', beta1)}ᵗ)",
    ]
    if hp["amsgrad"]:
        out += ["vᵐᵃˣ ← max(vᵐᵃˣ, v)", f"v̂ ← vᵐᵃˣ / (1 − {v('β₂', beta2)}ᵗ)"]
    else:
        out.append(f"v̂ ← v / (1 − {v('β₂', beta2)}ᵗ)")
    out.append(f"θ ← θ − {lr}·m̂ / (√v̂ + {v('ε', hp['eps'])})")
    return out


ADAM = Method(
    "adam", "Adam", "first-order", Adam,
    (lr_spec(1e-3),
     float_spec("beta1", 0.9, 0.0, 0.999, False, "β₁ (first moment)",
                "Averaging of g (momentum). Sets betas[0]; hparams shows torch's betas tuple."),
     float_spec("beta2", 0.999, 0.0, 0.9999, False, "β₂ (second moment)",
                "Averaging of g² (per-coordinate scale). Sets betas[1]; hparams shows torch's betas tuple."),
     float_spec("eps", 1e-8, 1e-12, 1.0, True, "epsilon ε",
                "Added to √v̂ to avoid dividing by zero; large ε → momentum SGD."),
     bool_spec("amsgrad", False, "AMSGrad", "Divide by the largest v seen so far, so steps never grow back."),
     weight_decay_spec(),
     bool_spec("decoupled_weight_decay", False, "decoupled (AdamW)",
               "Decay θ directly (θ ← θ − γλθ) instead of adding λθ to g."),
     maximize_spec()),
    lines,
    text("note.adam"),
    training_lr=1e-3,
    landscape_lr={"*": 0.03, "bowl": 0.3, "rotated_ravine": 0.3, "rosenbrock": 0.1, "saddle": 0.01,
                  "flat_saddle": 0.03, "himmelblau": 0.1, "two_wells": 0.1, "six_hump_camel": 0.03,
                  "plateau": 0.03, "beale": 0.1},
    drawables=(GRADIENT, STEP, dataclasses.replace(ACCUM, source="v_hat"),  # its box is √v̂
               Drawable("m_hat", "Adam m̂ beside ∇f", "vector", "m_hat")))
