"""L-BFGS on a 2-D surface with a strong Wolfe line search, and its declaration for the registry."""
from __future__ import annotations

import numpy as np

from core.errors import ConfigError
from core.line_search import LineSearch, strong_wolfe
from core.oracle import Oracle, f_at, grad_at
from core.quadratic import QuadraticModel, at
from core.text import text

from .base import GRADIENT, STEP, TRIALS
from .method import Drawable, Method, bool_spec, float_spec, int_spec
from .second_order import SecondOrder

__all__ = ["LBFGS", "LBFGS_METHOD"]

CURVATURE_EPS = 1e-10  # (s, y) pairs with yᵀs below this are skipped (as torch does)


class LBFGS(SecondOrder):
    """L-BFGS: a quasi-Newton step from the last m gradient changes, its length chosen by a strong Wolfe search.

    ┌─────────────────────────────────────────────────────────────────────────────┐
    │ input: θ₀, lr, m (history_size), c₁, c₂                                     │
    │ for k = 0, 1, …                                   (one step = one iteration)│
    │   g ← ∇f(θ)                                (reused from the line search)    │
    │   d ← −H·g    two-loop recursion over (sᵢ, yᵢ), H₀ = (sᵀy / yᵀy)·I          │
    │               (no pairs yet: d ← −g)                                        │
    │   t ← lr · min(1, 1/‖g‖₁)  with no pairs yet (torch's rule), else t ← lr    │
    │   t ← strong Wolfe search from t:                                           │
    │        f(θ + t·d) ≤ f(θ) + c₁·t·gᵀd  and  |∇f(θ + t·d)ᵀd| ≤ c₂·|gᵀd|        │
    │   s ← t·d,  y ← ∇f(θ + s) − g,  θ ← θ + s                                   │
    │   if yᵀs > 1e-10: keep (s, y), dropping the oldest beyond m                 │
    └─────────────────────────────────────────────────────────────────────────────┘
    Costs 1 f + 1 ∇f per line-search trial (+1 each on the first step, at θ₀). The line search is our own
    bracketing + zoom with cubic interpolation (Nocedal–Wright Alg. 3.5/3.6, see `strong_wolfe`), in the spirit
    of torch's _strong_wolfe; its zoom stops when the bracket moves θ by less than tolerance_change (1e-14, not
    torch's 1e-9: our convergence test ‖∇f‖ < 1e-8 needs finer steps near a minimum). line_search=False (or
    None) takes the step t as is, like torch's line_search_fn=None. history_size defaults to 10 (torch: 100).

    ``step`` info: 'model' (QuadraticModel with the history's B, `dense_hessian`), 'history' (pairs used),
    'direction', 't', 'trials' (k, 2) and 'trial_steps' (k,) of the line search (last = accepted), 'wolfe'
    (exact strong Wolfe conditions hold), 'curvature', 'f0', 'gtd0' (f and ∇f·d at θ), 'skipped_pair', 'reset'.
    """

    name = "lbfgs"
    SPECS = (
        float_spec("lr", 1.0, 0.01, 10.0, True, "initial step",
                   "first step length the line search tries (scaled by min(1, 1/‖g‖₁) on the first step)"),
        int_spec("history_size", 10, 1, 20, "history m", "how many recent (s, y) pairs shape the curvature estimate"),
        bool_spec("line_search", True, "strong Wolfe",
                  "search for a step with enough decrease and a flatter slope; off: take the step as is"),
        float_spec("c1", 1e-4, 1e-8, 0.5, True, "Wolfe c₁", "sufficient decrease"),
        float_spec("c2", 0.9, 1e-4, 1.0 - 1e-9, False, "Wolfe c₂", "curvature condition"),
        int_spec("max_ls", 25, 1, 100, "trials", "line-search trials per step"),
        float_spec("tolerance_change", 1e-14, 0.0, 1.0, False, "tolerance", "smallest bracket the zoom refines"),
    )

    def _check(self, key, value):
        if key == "line_search" and (value is None or isinstance(value, str)):
            if value not in (None, "strong_wolfe"):
                raise ConfigError(f"lbfgs: line_search must be 'strong_wolfe' or None, got {value!r}")
            value = value is not None  # torch's spelling; stored as a bool for the GUI's check box
        value = super()._check(key, value)
        if key in ("c1", "c2"):
            c1, c2 = (value, self.hparams["c2"]) if key == "c1" else (self.hparams["c1"], value)
            if not c1 < c2:
                raise ConfigError(f"lbfgs: the Wolfe constants need c1 < c2, got c1={c1:g}, c2={c2:g}")
        return value

    def set(self, **hparams) -> None:
        super().set(**hparams)
        del self.pairs[: max(0, len(self.pairs) - self.hparams["history_size"])]  # a smaller m drops the oldest

    def reset_state(self) -> None:
        self.pairs = []  # (s, y, 1/yᵀs), oldest first
        self._here = None  # (θ, f, ∇f) of the last accepted point, so the next step re-uses them

    def inverse_times(self, g) -> np.ndarray:
        """H·g by the two-loop recursion (H₀ = γI, γ = sᵀy/yᵀy of the newest pair; H₀ = I with no pairs)."""
        q = np.array(g, dtype=float)
        if not self.pairs:
            return q
        alphas = []
        for s, y, rho in reversed(self.pairs):
            alphas.append(rho * (s @ q))
            q -= alphas[-1] * y
        s, y, _ = self.pairs[-1]
        r = (s @ y) / (y @ y) * q
        for (s, y, rho), alpha in zip(self.pairs, reversed(alphas), strict=False):
            r += (alpha - rho * (y @ r)) * s
        return r

    def dense_hessian(self, pairs=None) -> np.ndarray:
        """The 2×2 B = H⁻¹ implied by the history (or `pairs`): BFGS updates of B₀ = (yᵀy/sᵀy)·I, oldest first."""
        pairs = self.pairs if pairs is None else pairs
        if not pairs:
            return np.eye(2)
        s, y, _ = pairs[-1]
        b = (y @ y) / (s @ y) * np.eye(2)
        for s, y, rho in pairs:
            bs = b @ s
            b = b - np.outer(bs, bs) / (s @ bs) + rho * np.outer(y, y)
        return b

    def model(self, point, surface) -> QuadraticModel:
        """The model the next step would use at ``point`` (gradient + the history's B); not charged."""
        return QuadraticModel(point, f_at(surface, point), grad_at(surface, point), self.dense_hessian())

    def lean_step(self, point, oracle: Oracle) -> tuple[np.ndarray, dict, object]:
        point = np.asarray(point, dtype=float)
        hp = self.hparams
        if self._here is not None and np.array_equal(self._here[0], point):
            f, g = self._here[1], self._here[2]
        else:
            f, g = oracle.f(point), oracle.g(point)
        if not (np.isfinite(f) and np.all(np.isfinite(g))):
            return point, {"failure": text("lbfgs.not_finite", where=at(point))}, None
        pairs = list(self.pairs)  # the history this step starts from: its model, drawn only when asked

        def later() -> dict:
            return {"model": QuadraticModel(point, f, g, self.dense_hessian(pairs))}

        info = {"history": len(self.pairs)}
        d = -self.inverse_times(g)
        gtd = float(g @ d)
        if not gtd < 0 and self.pairs:  # rounding made the direction useless: forget the history
            self.pairs.clear()
            d, gtd = -g, -float(g @ g)
            info["reset"] = text("lbfgs.reset")
        if gtd == 0.0:  # ∇f = 0 exactly: nowhere to go
            info.update(direction=d, t=0.0, trials=np.empty((0, 2)), wolfe=True)
            return point, info, later
        t = hp["lr"] * min(1.0, 1.0 / np.abs(g).sum()) if not self.pairs else hp["lr"]

        def phi(s):
            p = point + s * d
            fs, gs = oracle.f(p), oracle.g(p)
            return fs, gs, float(gs @ d)

        if hp["line_search"]:
            xtol = hp["tolerance_change"] / np.abs(d).max()
            ls = strong_wolfe(phi, f, gtd, t, hp["c1"], hp["c2"], hp["max_ls"], xtol)
        else:
            fs, gs, gtds = phi(t)
            ls = LineSearch(t, fs, gs, gtds, [t], wolfe=False)
        info.update(direction=d, t=ls.t, trial_steps=np.array(ls.trials),
                    trials=point + np.outer(ls.trials, d), wolfe=ls.wolfe, curvature=ls.curvature, f0=f,
                    gtd0=gtd)
        if ls.t == 0.0:
            info["failure"] = text("lbfgs.no_decrease", where=at(point))
            return point, info, later
        new = point + ls.t * d
        s, y = new - point, ls.g - g
        info["skipped_pair"] = not (y @ s > CURVATURE_EPS)
        if not info["skipped_pair"]:
            self.pairs.append((s, y, 1.0 / (y @ s)))
            del self.pairs[: max(0, len(self.pairs) - hp["history_size"])]
        self._here = (new, ls.f, ls.g)
        return new, info, later


def lines(hp, v) -> list[str]:
    """The update rule as text (core.optim.method.Method.lines), from the box above."""
    m = v("m", hp["history_size"])
    search = (f"t ← a step with f(θ + t·d) ≤ f(θ) + {v('c₁', hp['c1'])}·t·gᵀd and "
              f"|∇f(θ + t·d)ᵀd| ≤ {v('c₂', hp['c2'])}·|gᵀd|") if hp["line_search"] else f"t ← {v('γ', hp['lr'])}"
    return ["g ← ∇f(θ)", f"d ← −H̃·g    (two-loop recursion over the last {m} pairs s, y)", search,
            "s ← t·d,  y ← ∇f(θ + s) − g    (kept if yᵀs > 1e-10)", "θ ← θ + s"]


LBFGS_METHOD = Method(
    "lbfgs", "L-BFGS", "second-order", LBFGS, LBFGS.SPECS[:3], lines,
    text("note.lbfgs"),
    divergence_hint="f keeps falling that way: unbounded below, or a valley to infinity?",
    drawables=(GRADIENT, STEP, Drawable("quadratic", "L-BFGS's quadratic model", "model", "model"),
               TRIALS))
