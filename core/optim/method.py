"""How one optimization method is declared: its editable hyperparameters, equation text, notes and drawable state.

Every method file (sgd.py, adam.py, newton.py …) declares its `Method` next to its kernel; core.methods lists
them in one registry. The GUI reads nothing about a method from anywhere else.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from core.errors import ConfigError

__all__ = ["FAMILIES", "KINDS", "Drawable", "HParamSpec", "Method", "bool_spec", "float_spec", "int_spec",
           "number_text"]

FAMILIES = ("first-order", "second-order")
#: how a drawable quantity is drawn:
#: "vector"    an arrow in gradient units from the point, on the gradient's length scale (negated, like −∇f)
#: "direction" an arrow in its own units, drawn at a fixed length (only its direction means something)
#: "step"      the actual displacement Δθ from the previous point
#: "point"     a point the step went through (Nesterov's look-ahead)
#: "box"       √ of a per-axis accumulator of squared gradients, as a box around the point
#: "model"     the local quadratic model the step minimizes (contours and eigen-directions)
#: "points"    the line search's trial points
KINDS = ("vector", "direction", "step", "point", "box", "model", "points")


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

    def check(self, value: Any, owner: str = "") -> float | int | bool:
        """`value` as this spec's kind within [min, max]; ConfigError naming the field otherwise."""
        where = f"{owner}: {self.name}" if owner else self.name
        if self.kind == "bool":
            if not isinstance(value, bool) and type(value).__name__ != "bool_":
                raise ConfigError(f"{where} must be True or False, got {value!r}", self.name)
            return bool(value)
        if isinstance(value, bool) or (not isinstance(value, (int, float)) and not hasattr(value, "__float__")):
            raise ConfigError(f"{where} must be a number, got {value!r}", self.name)
        number = float(value)
        if self.kind == "int":
            if not math.isfinite(number) or int(number) != number:
                raise ConfigError(f"{where} must be a whole number, got {value!r}", self.name)
            number = int(number)
        if not (math.isfinite(number) and self.min <= number <= self.max):
            raise ConfigError(f"{where} must be in [{self.min:g}, {self.max:g}], got {value!r}", self.name)
        return number


def float_spec(name, default, lo, hi, log, label, help_) -> HParamSpec:
    return HParamSpec(name, default, lo, hi, log, "float", label, help_)


def int_spec(name, default, lo, hi, label, help_) -> HParamSpec:
    return HParamSpec(name, default, lo, hi, False, "int", label, help_)


def bool_spec(name, default, label, help_) -> HParamSpec:
    return HParamSpec(name, default, None, None, False, "bool", label, help_)


@dataclass(frozen=True)
class Drawable:
    """A quantity of a method's step that the Landscape can draw, switched on by the aid named `aid`."""

    aid: str
    label: str
    kind: str
    source: str = ""  # its key in the step's info ("" for the step's own gradient or displacement)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ConfigError(f"drawable kind must be one of {', '.join(KINDS)}, not {self.kind!r}", "kind")


def number_text(x: float) -> str:
    """Short human form: 0.001, 0.9, 1e-8."""
    if x == 0:
        return "0"
    text = f"{x:.4g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text


Lines = Callable[[Mapping[str, Any], Callable[[str, float], str]], list]


@dataclass(frozen=True)
class Method:
    """One method as every part of Descent Lab sees it.

    - `build(**hparams)` makes a fresh optimizer: a core.optim.Optimizer for first-order methods (it steps a
      dict of arrays, so it can train the MLP too), an object with `step(point, oracle)` for second-order ones.
      `preset` is passed before the user's values (Momentum is SGD with momentum 0.9).
    - `specs`: the editable hyperparameters, most important first (the editors' only bounds).
    - `lines(hp, v)`: the update rule under hyperparameters `hp` as lines of text; `v(symbol, value)` prints a
      symbol or its value. It sits next to the kernel in the method's file.
    - `training_lr`: a learning rate that trains the lecture's MLP on MNIST well (None: cannot train it).
    - `landscape_lr`: the Landscape's starting learning rate per surface key, "*" for any other surface.
    - `divergence_hint`: the likeliest cause when a run of this method blows up.
    """

    key: str
    label: str
    family: str
    build: Callable[..., Any]
    specs: tuple[HParamSpec, ...]
    lines: Lines
    note: str
    preset: Mapping[str, Any] = field(default_factory=dict)
    training_lr: float | None = None
    landscape_lr: Mapping[str, float] = field(default_factory=dict)
    divergence_hint: str = "learning rate too high?"
    drawables: tuple[Drawable, ...] = ()

    def __post_init__(self):
        if self.family not in FAMILIES:
            raise ConfigError(f"{self.key}: family must be one of {', '.join(FAMILIES)}, not {self.family!r}",
                              "family")
        object.__setattr__(self, "preset", MappingProxyType(dict(self.preset)))
        object.__setattr__(self, "landscape_lr", MappingProxyType(dict(self.landscape_lr)))
        object.__setattr__(self, "specs", tuple(self.specs))
        object.__setattr__(self, "drawables", tuple(self.drawables))

    @property
    def first_order(self) -> bool:
        return self.family == "first-order"

    @property
    def defaults(self) -> dict[str, Any]:
        """The editors' starting values (torch's defaults with the preset applied)."""
        return {spec.name: spec.default for spec in self.specs}

    @property
    def aids(self) -> tuple[str, ...]:
        return tuple(d.aid for d in self.drawables)

    def make(self, **hparams: Any):
        """A fresh optimizer with the preset overridden by `hparams`; ConfigError if any value is refused."""
        try:
            return self.build(**{**self.preset, **hparams})
        except ConfigError:
            raise
        except (TypeError, ValueError) as exc:
            raise ConfigError(str(exc)) from None

    def validate(self, hparams: Mapping[str, Any]) -> None:
        """Raise ConfigError if core would refuse `hparams` (as a whole: combinations are checked too)."""
        self.make(**dict(hparams))

    def start_lr(self, surface_key: str) -> float | None:
        """The Landscape's starting learning rate on a surface (None: the method's own default applies)."""
        return self.landscape_lr.get(surface_key, self.landscape_lr.get("*"))

    def equation(self, hparams: Mapping[str, Any] | None = None, values: bool = True) -> str:
        """The update rule as Unicode text, one assignment per line; only the lines that apply under `hparams`.

        With `values` the current numbers replace the symbols (γ → 0.001, 1 − β₁ → 0.1)."""
        hp = self.make(**dict(hparams or {})).hparams

        def v(symbol: str, value: float) -> str:
            return number_text(value) if values else symbol

        return "\n".join(self.lines(hp, v))
