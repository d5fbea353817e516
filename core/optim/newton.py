"""Newton's method on a 2-D surface (pure, damped, backtracking), and its declaration for the registry."""
from __future__ import annotations

import numpy as np

from core.line_search import backtracking
from core.oracle import Oracle, f_at, grad_at, hess_at
from core.quadratic import QuadraticModel, at
from core.text import text

from .base import GRADIENT, STEP, TRIALS
from .method import Drawable, Method, bool_spec, float_spec, int_spec
from .second_order import SecondOrder

__all__ = ["NEWTON", "Newton"]


class Newton(SecondOrder):
    """Newton's method θ ← θ − t·(∇²f + λI)⁻¹∇f; pure by default (t = lr = 1, λ = 0), so it heads for saddles too.

    ┌─────────────────────────────────────────────────────────────────────────────┐
    │ input: θ₀, lr (t₀), λ (damping), line_search, c₁                            │
    │ for k = 0, 1, …                                                             │
    │   g ← ∇f(θ),  H ← ∇²f(θ) + λI                    (Levenberg damping)        │
    │   if H is singular: stop — Newton's step is undefined                       │
    │   d ← −H⁻¹g                                                                 │
    │   t ← lr                                                                    │
    │   if line_search:                                                           │
    │     if gᵀd ≥ 0: d ← −g                   (uphill: H indefinite, see note)   │
    │     while f(θ + t·d) > f(θ) + c₁·t·gᵀd: t ← t/2      (Armijo backtracking)  │
    │   θ ← θ + t·d                                                               │
    └─────────────────────────────────────────────────────────────────────────────┘
    Costs 1 ∇f + 1 ∇²f per step, plus 1 f per line-search trial and 1 f at θ when the line search is on.
    Pure Newton solves ∇m = 0 for the local quadratic m whatever its kind, so an indefinite Hessian pulls it to
    a saddle: allowed, and recorded. With the line search on, an uphill Newton direction is replaced by −∇f for
    that step; damping alone leaves the direction as it is.

    ``step`` info: 'model' (QuadraticModel with H = ∇²f + λI), 'eigvals' (of ∇²f itself), 'indefinite' (of ∇²f),
    'damping', 'direction' (d), 't', and with the line search 'trials' (k, 2) and maybe 'fallback' (why −∇f).
    """

    name = "newton"
    SPECS = (
        float_spec("lr", 1.0, 0.01, 10.0, True, "step scale t",
                   "1 = the full Newton step; with the line search, the first step length tried"),
        float_spec("damping", 0.0, 0.0, 100.0, False, "damping λ",
                   "Levenberg: solve (∇²f + λI)d = −∇f; large λ turns Newton into gradient descent with lr 1/λ"),
        bool_spec("line_search", False, "line search",
                  "backtracking (Armijo): halve the step until f decreases enough"),
        float_spec("c1", 1e-4, 1e-8, 0.5, True, "Armijo c₁", "sufficient decrease the line search asks for"),
        int_spec("max_ls", 30, 1, 100, "halvings", "how often the line search may halve the step"),
    )

    def model(self, point, surface) -> QuadraticModel:
        """The model the next step would minimize at ``point`` (exact Hessian + λI); not charged."""
        hess = hess_at(surface, point) + self.hparams["damping"] * np.eye(2)
        return QuadraticModel(point, f_at(surface, point), grad_at(surface, point), hess)

    def lean_step(self, point, oracle: Oracle) -> tuple[np.ndarray, dict, object]:
        point = np.asarray(point, dtype=float)
        g, hess = oracle.g(point), oracle.h(point)
        if not (np.all(np.isfinite(g)) and np.all(np.isfinite(hess))):
            return point, {"failure": text("newton.not_finite", where=at(point))}, None
        hp = self.hparams
        model = QuadraticModel(point, oracle.peek(point), g, hess + hp["damping"] * np.eye(2))
        info = {"model": model, "damping": hp["damping"]}
        later = _curvature(hess)
        if model.singular:
            what, hint = ("Hessian", text("newton.singular_hint")) if hp["damping"] == 0 else ("∇²f + λI", "")
            info["failure"] = text("newton.singular", what=what, where=at(point), hint=hint)
            return point, info, later
        d = model.stationary_point - point
        t = hp["lr"]
        if hp["line_search"]:
            gtd = float(g @ d)
            if not gtd < 0:
                d, gtd = -g, -float(g @ g)
                info["fallback"] = text("newton.uphill")
            ls = backtracking(lambda s: oracle.f(point + s * d), oracle.f(point), gtd, t, hp["c1"], hp["max_ls"])
            info["trials"] = point + np.outer(ls.trials, d)
            if ls.t == 0.0:
                info["failure"] = text("newton.no_decrease", where=at(point), halvings=hp["max_ls"])
                return point, info, later
            t = ls.t
        info.update(direction=d, t=t)
        return point + t * d, info, later


def _curvature(hess: np.ndarray):
    """The picture-only part of a Newton step's info: the eigenvalues of ∇²f itself, and whether it is
    indefinite (computed when asked, from this step's Hessian)."""
    def later() -> dict:
        exact = np.linalg.eigvalsh(0.5 * (hess + hess.T))
        return {"eigvals": exact, "indefinite": bool(exact[0] < 0 < exact[1])}
    return later


def lines(hp, v) -> list[str]:
    """The update rule as text (core.optim.method.Method.lines), from the box above."""
    out = ["g ← ∇f(θ)", f"H ← ∇²f(θ) + {v('λ', hp['damping'])}·I" if hp["damping"] else "H ← ∇²f(θ)", "d ← −H⁻¹·g"]
    if hp["line_search"]:
        out.append(f"t ← {v('γ', hp['lr'])};  t ← t/2 while f(θ + t·d) > f(θ) + {v('c₁', hp['c1'])}·t·gᵀd")
    else:
        out.append(f"t ← {v('γ', hp['lr'])}")
    return [*out, "θ ← θ + t·d"]


#: the local quadratic model the step minimizes
MODEL = Drawable("quadratic", "Newton's quadratic model", "model", "model")

NEWTON = Method(
    "newton", "Newton", "second-order", Newton, Newton.SPECS[:3], lines,
    text("note.newton"),
    divergence_hint="Newton's step is huge where the Hessian is nearly singular",
    drawables=(GRADIENT, STEP, MODEL, TRIALS))
