"""The six named methods, their presets, hyperparameter specs for GUI editors, and what to watch for."""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from .adagrad import Adagrad
from .adam import Adam
from .base import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["HPARAM_SPECS", "METHODS", "NOTES", "HParamSpec", "make_optimizer"]

#: method name -> (class, preset overrides of torch's defaults), in lecture order
METHODS = MappingProxyType({
    "sgd": (SGD, MappingProxyType({})),
    "momentum": (SGD, MappingProxyType({"momentum": 0.9})),
    "nesterov": (SGD, MappingProxyType({"momentum": 0.9, "nesterov": True})),
    "adagrad": (Adagrad, MappingProxyType({})),
    "rmsprop": (RMSprop, MappingProxyType({})),
    "adam": (Adam, MappingProxyType({})),
})


def make_optimizer(name: str, **hparams: Any) -> Optimizer:
    """A fresh optimizer for method `name` with its preset, overridden by `hparams` (Adam takes beta1/beta2 too)."""
    try:
        cls, preset = METHODS[name]
    except (KeyError, TypeError):
        raise ValueError(f"Unknown method {name!r} (expected one of: {', '.join(METHODS)})") from None
    return cls(**{**preset, **hparams})


@dataclass(frozen=True)
class HParamSpec:
    """One editable hyperparameter: `name` is what `set()` accepts; min/max bound the editor (None for bools)."""

    name: str
    default: float | bool
    min: float | None
    max: float | None
    log: bool
    kind: str  # "float" | "int" | "bool"
    label: str
    help: str


def _f(name, default, lo, hi, log, label, help_):
    return HParamSpec(name, default, lo, hi, log, "float", label, help_)


def _b(name, default, label, help_):
    return HParamSpec(name, default, None, None, False, "bool", label, help_)


_LR = "Step size. Too small crawls, too large oscillates or diverges."
_WD = "L2 penalty added to the gradient (g ← g + λθ): pulls θ toward 0. 0 = off; typical 1e-4…1e-2."
_MAX = "Ascend instead of descend: climbs toward maxima."


def _sgd_specs(momentum: float, nesterov: bool) -> tuple[HParamSpec, ...]:
    """Nesterov needs μ > 0 and τ = 0, so its preset bounds μ away from 0 and does not offer τ."""
    specs = (
        _f("lr", 1e-3, 1e-5, 10.0, True, "learning rate γ", _LR),
        _f("momentum", momentum, 0.01 if nesterov else 0.0, 0.999, False, "momentum μ",
           "Fraction of the velocity kept each step (b ← μb + g). Higher rolls further and overshoots more."
           + (" Nesterov needs μ > 0." if nesterov else "")),
        _f("dampening", 0.0, 0.0, 0.99, False, "dampening τ",
           "Scales the new gradient into the velocity by (1 − τ) from step 2 on. Must be 0 for Nesterov."),
        _b("nesterov", nesterov, "Nesterov",
           "Step γ(g + μb): the gradient is taken at the look-ahead point. Needs μ > 0 and τ = 0."),
        _f("weight_decay", 0.0, 0.0, 1.0, False, "weight decay λ", _WD),
        _b("maximize", False, "maximize", _MAX),
    )
    return tuple(s for s in specs if not (nesterov and s.name == "dampening"))


_ADAGRAD = (
    _f("lr", 1e-2, 1e-5, 10.0, True, "learning rate γ", _LR),
    _f("eps", 1e-10, 1e-12, 1.0, True, "epsilon ε", "Added to √sum to avoid dividing by zero; large ε → plain SGD."),
    _f("lr_decay", 0.0, 0.0, 1.0, False, "lr decay η", "torch's extra decay: γ̃ = γ / (1 + (t − 1)η)."),
    _f("initial_accumulator_value", 0.0, 0.0, 1.0, False, "initial accumulator τ",
       "Starting value of the sum of squared gradients (read when the state is created)."),
    _f("weight_decay", 0.0, 0.0, 1.0, False, "weight decay λ", _WD),
    _b("maximize", False, "maximize", _MAX),
)

_RMSPROP = (
    _f("lr", 1e-2, 1e-5, 10.0, True, "learning rate γ", _LR),
    _f("alpha", 0.99, 0.0, 0.9999, False, "smoothing α",
       "How slowly the average of g² forgets: memory ≈ 1/(1 − α) steps."),
    _f("eps", 1e-8, 1e-12, 1.0, True, "epsilon ε", "Added to √v to avoid dividing by zero; large ε → plain SGD."),
    _f("momentum", 0.0, 0.0, 0.999, False, "momentum μ", "Momentum on the normalized step (b ← μb + g/(√v + ε))."),
    _b("centered", False, "centered", "Divide by the estimated standard deviation of g instead of its RMS."),
    _f("weight_decay", 0.0, 0.0, 1.0, False, "weight decay λ", _WD),
    _b("maximize", False, "maximize", _MAX),
)

_ADAM = (
    _f("lr", 1e-3, 1e-5, 10.0, True, "learning rate γ", _LR),
    _f("beta1", 0.9, 0.0, 0.999, False, "β₁ (first moment)",
       "Averaging of g (momentum). Sets betas[0]; hparams shows torch's betas tuple."),
    _f("beta2", 0.999, 0.0, 0.9999, False, "β₂ (second moment)",
       "Averaging of g² (per-coordinate scale). Sets betas[1]; hparams shows torch's betas tuple."),
    _f("eps", 1e-8, 1e-12, 1.0, True, "epsilon ε", "Added to √v̂ to avoid dividing by zero; large ε → momentum SGD."),
    _b("amsgrad", False, "AMSGrad", "Divide by the largest v seen so far, so steps never grow back."),
    _f("weight_decay", 0.0, 0.0, 1.0, False, "weight decay λ", _WD),
    _b("decoupled_weight_decay", False, "decoupled (AdamW)",
       "Decay θ directly (θ ← θ − γλθ) instead of adding λθ to g."),
    _b("maximize", False, "maximize", _MAX),
)

#: method name -> the specs of its editable hyperparameters, most important first
HPARAM_SPECS = MappingProxyType({
    "sgd": _sgd_specs(0.0, False),
    "momentum": _sgd_specs(0.9, False),
    "nesterov": _sgd_specs(0.9, True),
    "adagrad": _ADAGRAD,
    "rmsprop": _RMSPROP,
    "adam": _ADAM,
})

#: method name -> what to watch for, one or two sentences
NOTES = MappingProxyType({
    "sgd": "Every step is γ times the local slope: it zig-zags across ravines, where the steep direction "
           "limits γ, and crawls on plateaus and near saddles where the gradient is small.",
    "momentum": "The velocity builds up along consistent directions and cancels across oscillating ones, so it "
                "crosses plateaus and damps ravine zig-zags — but it overshoots the minimum and spirals in.",
    "nesterov": "Like momentum, but the gradient is measured at the look-ahead point, so it brakes before "
                "overshooting: smaller spirals and faster settling in ravines.",
    "adagrad": "Each coordinate's step is γ/√(sum of all its past g²): flat directions get bigger steps, but the "
               "sum only grows, so steps shrink forever and it can stall before reaching the minimum.",
    "rmsprop": "Like AdaGrad, but the average of g² forgets (memory ≈ 1/(1 − α) steps), so steps do not die out; "
               "near a minimum it can hover, taking steps of roughly γ in every coordinate.",
    "adam": "Momentum (m) over RMSprop's scale (√v), both bias-corrected: while t is small m and v are still near "
            "their zero start, and without the correction the first steps would be several times too large. "
            "Steps are then ≈ γ per coordinate, whatever the slope.",
})
