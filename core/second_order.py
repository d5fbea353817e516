"""Second-order methods on a 2-D surface: Newton (pure, damped, backtracking) and L-BFGS (strong Wolfe).

They need f, ∇f and ∇²f, not just a gradient, so instead of ``Optimizer.step(params, grads)`` they take
``step(point, oracle) -> (new_point, info)``: the Oracle counts every evaluation the method asks for.
A step that cannot be taken (singular Hessian, no decrease found) returns the point unchanged and says why in
``info["failure"]``; nothing here raises on bad numbers (they become NaN and a message).
"""
from __future__ import annotations

from typing import ClassVar

import numpy as np

from core.line_search import F_NOISE, LineSearch, backtracking, decreases, strong_wolfe  # noqa: F401 (re-exported)
from core.optim import HParamSpec
from core.quadratic import SINGULAR_RTOL, QuadraticModel, at, is_singular  # noqa: F401 (re-exported)

__all__ = [
    "LBFGS",
    "SECOND_ORDER",
    "SECOND_ORDER_EQUATIONS",
    "SECOND_ORDER_NOTES",
    "SECOND_ORDER_SPECS",
    "Newton",
    "Oracle",
]

CURVATURE_EPS = 1e-10  # (s, y) pairs with yᵀs below this are skipped (as torch does)


def _evaluate(fn, p, shape):
    # np.float64 arguments make overflow an inf, not Python's OverflowError, in surfaces written with operators.
    try:
        with np.errstate(all="ignore"):
            out = fn(np.float64(p[0]), np.float64(p[1]))
    except ArithmeticError:
        return np.full(shape, np.nan)
    return np.asarray(out, dtype=float).reshape(shape)


def f_at(surface, p) -> float:
    """f(p) as a float (NaN where undefined); not counted."""
    return float(_evaluate(surface.value, p, ()))


def grad_at(surface, p) -> np.ndarray:
    """∇f(p), shape (2,); not counted."""
    return _evaluate(surface.gradient, p, (2,))


def hess_at(surface, p) -> np.ndarray:
    """∇²f(p), shape (2, 2); not counted."""
    return _evaluate(surface.hessian, p, (2, 2))


class Oracle:
    """The surface as a method sees it; ``evals`` = (f, ∇f, ∇²f) calls so far, each charged once."""

    def __init__(self, surface):
        self.surface = surface
        self.evals = np.zeros(3, dtype=np.int64)

    def f(self, p) -> float:
        self.evals[0] += 1
        return f_at(self.surface, p)

    def g(self, p) -> np.ndarray:
        self.evals[1] += 1
        return grad_at(self.surface, p)

    def h(self, p) -> np.ndarray:
        self.evals[2] += 1
        return hess_at(self.surface, p)

    def peek(self, p) -> float:
        """f(p) for pictures only (the model's level); not charged."""
        return f_at(self.surface, p)


# ── methods ───────────────────────────────────────────────────────────────────────────────────────────────────


class _Method:
    """Hyperparameters validated against ``limits`` (kind, min, max); ``set`` applies from the next step."""

    name = ""
    defaults: ClassVar[dict] = {}
    limits: ClassVar[dict] = {}

    def __init__(self, **hparams):
        self.hparams = dict(self.defaults)
        self.reset_state()
        self.set(**hparams)

    def set(self, **hparams) -> None:
        checked = {key: self._check(key, value) for key, value in hparams.items()}
        self.hparams.update(checked)

    def _check(self, key, value):
        if key not in self.defaults:
            raise ValueError(f"{self.name} has no hyperparameter {key!r} (it has: {', '.join(self.defaults)})")
        kind, lo, hi = self.limits[key]
        if kind == "bool":
            if not isinstance(value, (bool, np.bool_)):
                raise ValueError(f"{self.name}: {key} must be True or False, got {value!r}")
            return bool(value)
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise ValueError(f"{self.name}: {key} must be a number, got {value!r}")
        if kind == "int" and int(value) != value:
            raise ValueError(f"{self.name}: {key} must be a whole number, got {value!r}")
        value = int(value) if kind == "int" else float(value)
        if not lo <= value <= hi:
            raise ValueError(f"{self.name}: {key} must be in [{lo:g}, {hi:g}], got {value:g}")
        return value

    def reset_state(self) -> None:
        pass


class Newton(_Method):
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
    defaults: ClassVar[dict] = dict(lr=1.0, damping=0.0, line_search=False, c1=1e-4, max_ls=30)
    limits: ClassVar[dict] = dict(lr=("float", 1e-6, 10.0), damping=("float", 0.0, 1e6), line_search=("bool", 0, 1),
                  c1=("float", 1e-8, 0.5), max_ls=("int", 1, 100))

    def model(self, point, surface) -> QuadraticModel:
        """The model the next step would minimize at ``point`` (exact Hessian + λI); not charged."""
        hess = hess_at(surface, point) + self.hparams["damping"] * np.eye(2)
        return QuadraticModel(point, f_at(surface, point), grad_at(surface, point), hess)

    def step(self, point, oracle: Oracle) -> tuple[np.ndarray, dict]:
        point = np.asarray(point, dtype=float)
        g, hess = oracle.g(point), oracle.h(point)
        if not (np.all(np.isfinite(g)) and np.all(np.isfinite(hess))):
            return point, {"failure": f"the gradient or Hessian is not finite at {at(point)}"}
        hp = self.hparams
        exact = np.linalg.eigvalsh(0.5 * (hess + hess.T))
        model = QuadraticModel(point, oracle.peek(point), g, hess + hp["damping"] * np.eye(2))
        info = {"model": model, "eigvals": exact, "indefinite": bool(exact[0] < 0 < exact[1]),
                "damping": hp["damping"]}
        if model.singular:
            what, hint = ("Hessian", " (damping λ > 0 makes it solvable)") if hp["damping"] == 0 else ("∇²f + λI", "")
            info["failure"] = f"{what} is singular at {at(point)}: Newton's step is undefined{hint}"
            return point, info
        d = model.stationary_point - point
        t = hp["lr"]
        if hp["line_search"]:
            gtd = float(g @ d)
            if not gtd < 0:
                d, gtd = -g, -float(g @ g)
                info["fallback"] = "Newton's direction points uphill here (indefinite Hessian): this step follows −∇f"
            ls = backtracking(lambda s: oracle.f(point + s * d), oracle.f(point), gtd, t, hp["c1"], hp["max_ls"])
            info["trials"] = point + np.outer(ls.trials, d)
            if ls.t == 0.0:
                info["failure"] = (f"the line search found no decrease along Newton's direction at {at(point)} "
                                   f"after {hp['max_ls']} halvings")
                return point, info
            t = ls.t
        info.update(direction=d, t=t)
        return point + t * d, info


class LBFGS(_Method):
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
    defaults: ClassVar[dict] = dict(lr=1.0, history_size=10, line_search=True, c1=1e-4, c2=0.9, max_ls=25,
                    tolerance_change=1e-14)
    limits: ClassVar[dict] = dict(lr=("float", 1e-6, 10.0), history_size=("int", 1, 20), line_search=("bool", 0, 1),
                  c1=("float", 1e-8, 0.5), c2=("float", 1e-4, 1.0 - 1e-9), max_ls=("int", 1, 100),
                  tolerance_change=("float", 0.0, 1.0))

    def _check(self, key, value):
        if key == "line_search" and (value is None or isinstance(value, str)):
            if value not in (None, "strong_wolfe"):
                raise ValueError(f"lbfgs: line_search must be 'strong_wolfe' or None, got {value!r}")
            value = value is not None  # torch's spelling; stored as a bool for the GUI's check box
        value = super()._check(key, value)
        if key in ("c1", "c2"):
            c1, c2 = (value, self.hparams["c2"]) if key == "c1" else (self.hparams["c1"], value)
            if not c1 < c2:
                raise ValueError(f"lbfgs: the Wolfe constants need c1 < c2, got c1={c1:g}, c2={c2:g}")
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

    def dense_hessian(self) -> np.ndarray:
        """The 2×2 B = H⁻¹ implied by the history: BFGS updates of B₀ = (yᵀy/sᵀy)·I, oldest pair first."""
        if not self.pairs:
            return np.eye(2)
        s, y, _ = self.pairs[-1]
        b = (y @ y) / (s @ y) * np.eye(2)
        for s, y, rho in self.pairs:
            bs = b @ s
            b = b - np.outer(bs, bs) / (s @ bs) + rho * np.outer(y, y)
        return b

    def model(self, point, surface) -> QuadraticModel:
        """The model the next step would use at ``point`` (gradient + the history's B); not charged."""
        return QuadraticModel(point, f_at(surface, point), grad_at(surface, point), self.dense_hessian())

    def step(self, point, oracle: Oracle) -> tuple[np.ndarray, dict]:
        point = np.asarray(point, dtype=float)
        hp = self.hparams
        if self._here is not None and np.array_equal(self._here[0], point):
            f, g = self._here[1], self._here[2]
        else:
            f, g = oracle.f(point), oracle.g(point)
        if not (np.isfinite(f) and np.all(np.isfinite(g))):
            return point, {"failure": f"the loss or gradient is not finite at {at(point)}"}
        info = {"model": QuadraticModel(point, f, g, self.dense_hessian()), "history": len(self.pairs)}
        d = -self.inverse_times(g)
        gtd = float(g @ d)
        if not gtd < 0 and self.pairs:  # rounding made the direction useless: forget the history
            self.pairs.clear()
            d, gtd = -g, -float(g @ g)
            info["reset"] = "the L-BFGS direction was not downhill, so the history was cleared"
        if gtd == 0.0:  # ∇f = 0 exactly: nowhere to go
            info.update(direction=d, t=0.0, trials=np.empty((0, 2)), wolfe=True)
            return point, info
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
            info["failure"] = (f"the line search found no lower point along the L-BFGS direction at {at(point)} "
                               "(the limit of floating-point resolution?)")
            return point, info
        new = point + ls.t * d
        s, y = new - point, ls.g - g
        info["skipped_pair"] = not (y @ s > CURVATURE_EPS)
        if not info["skipped_pair"]:
            self.pairs.append((s, y, 1.0 / (y @ s)))
            del self.pairs[: max(0, len(self.pairs) - hp["history_size"])]
        self._here = (new, ls.f, ls.g)
        return new, info


# ── metadata for the GUI (merged with core.optim's tables by core.paths) ──────────────────────────────────────

SECOND_ORDER = {"newton": Newton, "lbfgs": LBFGS}

SECOND_ORDER_SPECS = {
    "newton": (
        HParamSpec("lr", 1.0, 0.01, 2.0, True, "float", "step scale t",
                   "1 = the full Newton step; with the line search, the first step length tried"),
        HParamSpec("damping", 0.0, 0.0, 100.0, False, "float", "damping λ",
                   "Levenberg: solve (∇²f + λI)d = −∇f; large λ turns Newton into gradient descent with lr 1/λ"),
        HParamSpec("line_search", False, None, None, False, "bool", "line search",
                   "backtracking (Armijo): halve the step until f decreases enough"),
    ),
    "lbfgs": (
        HParamSpec("lr", 1.0, 0.01, 2.0, True, "float", "initial step",
                   "first step length the line search tries (scaled by min(1, 1/‖g‖₁) on the first step)"),
        HParamSpec("history_size", 10, 1, 20, False, "int", "history m",
                   "how many recent (s, y) pairs shape the curvature estimate"),
        HParamSpec("line_search", True, None, None, False, "bool", "strong Wolfe",
                   "search for a step with enough decrease and a flatter slope; off: take the step as is"),
    ),
}

SECOND_ORDER_EQUATIONS = {
    "newton": ("g ← ∇f(θ)\n"
               "H ← ∇²f(θ) + λI\n"
               "d ← −H⁻¹·g\n"
               "t ← γ    (line search: t ← t/2 while f(θ + t·d) > f(θ) + c₁·t·gᵀd)\n"
               "θ ← θ + t·d"),
    "lbfgs": ("g ← ∇f(θ)\n"
              "d ← −H̃·g    (two-loop recursion over the last m pairs s, y)\n"
              "t ← a step with f(θ + t·d) ≤ f(θ) + c₁·t·gᵀd and |∇f(θ + t·d)ᵀd| ≤ c₂·|gᵀd|\n"
              "s ← t·d,  y ← ∇f(θ + s) − g    (kept if yᵀs > 1e-10)\n"
              "θ ← θ + s"),
}

SECOND_ORDER_NOTES = {
    "newton": ("Newton jumps to the stationary point of the local quadratic in one step: the minimum of a bowl, "
               "but also a saddle when the Hessian is indefinite (pure Newton is attracted to saddles). Watch it "
               "fail where the Hessian is singular; damping and the line search make it safe but slower."),
    "lbfgs": ("L-BFGS builds a curvature estimate from recent gradient changes, so it needs no Hessian and no "
              "learning rate; each step may evaluate f several times (the line search's trial points)."),
}
