"""Update rules as Unicode text in torch's form, with symbols or with the current values filled in."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from .catalog import METHODS, make_optimizer

__all__ = ["EQUATIONS", "equation"]


def _num(x: float) -> str:
    """Short human form: 0.001, 0.9, 1e-8."""
    if x == 0:
        return "0"
    text = f"{x:.4g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text


def equation(name: str, hparams: Mapping[str, Any] | None = None, values: bool = True) -> str:
    """The update rule of method `name` under `hparams` (its preset if None), one line per assignment.

    Only the lines that apply appear (weight decay, momentum, centered ...). With `values` the current
    numbers replace the symbols (γ → 0.001, 1 − β₁ → 0.1); otherwise torch's symbols are kept.
    Raises ValueError for an unknown method or invalid hyperparameters.
    """
    hp = make_optimizer(name, **dict(hparams or {})).hparams

    def v(symbol: str, value: float) -> str:
        return _num(value) if values else symbol

    lines = ["g ← −∇f(θ)   (maximize)" if hp["maximize"] else "g ← ∇f(θ)"]
    wd = hp["weight_decay"]
    if wd != 0 and not hp.get("decoupled_weight_decay", False):
        lines.append(f"g ← g + {v('λ', wd)}·θ")
    lines += _RULES[METHODS[name][0].__name__](hp, v)
    return "\n".join(lines)


def _sgd(hp, v: Callable[[str, float], str]) -> list[str]:
    lr, mu, damp = hp["lr"], hp["momentum"], hp["dampening"]
    if mu == 0:
        return [f"θ ← θ − {v('γ', lr)}·g"]
    gain = "g" if damp == 0 else f"{v('(1 − τ)', 1 - damp)}·g"
    lines = [f"b ← {v('μ', mu)}·b + {gain}   (b ← g at t = 1)"]
    if hp["nesterov"]:
        lines.append(f"θ ← θ − {v('γ', lr)}·(g + {v('μ', mu)}·b)")
    else:
        lines.append(f"θ ← θ − {v('γ', lr)}·b")
    return lines


def _adagrad(hp, v) -> list[str]:
    lines, rate = [], v("γ", hp["lr"])
    if hp["lr_decay"] != 0:
        lines.append(f"γ̃ ← {rate} / (1 + (t − 1)·{v('η', hp['lr_decay'])})")
        rate = "γ̃"
    start = hp["initial_accumulator_value"]
    lines.append("s ← s + g²" + (f"   (s₀ = {v('τ', start)})" if start != 0 else ""))
    lines.append(f"θ ← θ − {rate}·g / (√s + {v('ε', hp['eps'])})")
    return lines


def _rmsprop(hp, v) -> list[str]:
    alpha, keep = v("α", hp["alpha"]), v("(1 − α)", 1 - hp["alpha"])
    lines = [f"v ← {alpha}·v + {keep}·g²"]
    root = "√v"
    if hp["centered"]:
        lines.append(f"ḡ ← {alpha}·ḡ + {keep}·g")
        root = "√(v − ḡ²)"
    eps, lr = v("ε", hp["eps"]), v("γ", hp["lr"])
    if hp["momentum"] > 0:
        lines += [f"b ← {v('μ', hp['momentum'])}·b + g / ({root} + {eps})", f"θ ← θ − {lr}·b"]
    else:
        lines.append(f"θ ← θ − {lr}·g / ({root} + {eps})")
    return lines


def _adam(hp, v) -> list[str]:
    (beta1, beta2), lr = hp["betas"], v("γ", hp["lr"])
    lines = []
    if hp["decoupled_weight_decay"] and hp["weight_decay"] != 0:
        lines.append(f"θ ← θ − {v('γ·λ', hp['lr'] * hp['weight_decay'])}·θ")
    lines += [
        f"m ← {v('β₁', beta1)}·m + {v('(1 − β₁)', 1 - beta1)}·g",
        f"v ← {v('β₂', beta2)}·v + {v('(1 − β₂)', 1 - beta2)}·g²",
        f"m̂ ← m / (1 − {v('β₁', beta1)}ᵗ)",
    ]
    if hp["amsgrad"]:
        lines += ["vᵐᵃˣ ← max(vᵐᵃˣ, v)", f"v̂ ← vᵐᵃˣ / (1 − {v('β₂', beta2)}ᵗ)"]
    else:
        lines.append(f"v̂ ← v / (1 − {v('β₂', beta2)}ᵗ)")
    lines.append(f"θ ← θ − {lr}·m̂ / (√v̂ + {v('ε', hp['eps'])})")
    return lines


_RULES = {"SGD": _sgd, "Adagrad": _adagrad, "RMSprop": _rmsprop, "Adam": _adam}

#: method name -> its preset's update rule with torch's symbols, for the GUI's equation panel
EQUATIONS = MappingProxyType({name: equation(name, values=False) for name in METHODS})
