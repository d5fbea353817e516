"""Learning-rate schedules of lecture 7: lr_t = lr₀·factor(t), where t counts the updates already made."""
from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral

from ..errors import ConfigError
from ..optim.method import float_spec, int_spec

__all__ = ["SCHEDULES", "SCHEDULE_SPECS", "Schedule"]

# kind -> formula shown next to the schedule picker
SCHEDULES: dict[str, str] = {
    "constant": "lr_t = lr₀",
    "step": "lr_t = lr₀·γ^⌊t / step_size⌋",
    "exponential": "lr_t = lr₀·γ^t",
    "inverse_time": "lr_t = lr₀ / (1 + k·t)",
    "cosine": "lr_t = lr_min + ½(lr₀ − lr_min)(1 + cos(π·min(t, T)/T))",
}


_DEFAULT_GAMMA = {"step": 0.1, "exponential": 0.999}

#: kind -> the editable parameters of that schedule (the editors' only bounds)
SCHEDULE_SPECS = {
    "constant": (),
    "step": (int_spec("step_size", 1000, 1, 1_000_000, "step size", "updates between two decays"),
             float_spec("gamma", 0.1, 0.001, 1.0, True, "decay γ", "the lr is multiplied by γ every step size")),
    "exponential": (float_spec("gamma", 0.999, 0.9, 1.0, False, "decay γ", "the lr is multiplied by γ every update"),),
    "inverse_time": (float_spec("k", 1e-3, 1e-6, 1.0, True, "k", "lr_t = lr₀ / (1 + k·t)"),),
    "cosine": (float_spec("lr_min", 0.0, 0.0, 1.0, False, "lr_min", "the lr at the end of the run"),),
}


@dataclass(frozen=True)
class Schedule:
    """A decay rule: `lr(lr0, t)` is the rate of update t (t = 0 is the first); it never goes below 0.

    Cosine runs from lr₀ at t = 0 to lr_min at t = T (t_max, or the run's length when None) and stays there
    (torch's CosineAnnealingLR would climb back up after T).
    """

    kind: str = "constant"
    step_size: int = 1000
    gamma: float | None = None  # None: the kind's own default (step 0.1, exponential 0.999)
    k: float = 1e-3
    t_max: int | None = None
    lr_min: float = 0.0

    def __post_init__(self):
        if self.kind not in SCHEDULES:
            raise ConfigError(f"unknown schedule {self.kind!r}; choose one of {', '.join(SCHEDULES)}")
        if self.gamma is None:
            # γ = 0.1 per update would end an exponential schedule within a few steps.
            object.__setattr__(self, "gamma", _DEFAULT_GAMMA.get(self.kind, 0.1))
        if not (isinstance(self.step_size, Integral) and self.step_size >= 1):
            raise ConfigError(f"step_size must be a positive integer, got {self.step_size!r}")
        if not (math.isfinite(self.gamma) and 0.0 < self.gamma <= 1.0):
            raise ConfigError(f"gamma must be in (0, 1], got {self.gamma!r}")
        if not (math.isfinite(self.k) and self.k >= 0.0):
            raise ConfigError(f"k must be ≥ 0, got {self.k!r}")
        if self.t_max is not None and not (isinstance(self.t_max, Integral) and self.t_max >= 1):
            raise ConfigError(f"t_max must be a positive integer or None, got {self.t_max!r}")
        if not (math.isfinite(self.lr_min) and self.lr_min >= 0.0):
            raise ConfigError(f"lr_min must be ≥ 0, got {self.lr_min!r}")

    @classmethod
    def constant(cls) -> Schedule:
        return cls("constant")

    @classmethod
    def step(cls, step_size: int = 1000, gamma: float = 0.1) -> Schedule:
        return cls("step", step_size=step_size, gamma=gamma)

    @classmethod
    def exponential(cls, gamma: float = 0.999) -> Schedule:
        return cls("exponential", gamma=gamma)

    @classmethod
    def inverse_time(cls, k: float = 1e-3) -> Schedule:
        return cls("inverse_time", k=k)

    @classmethod
    def cosine(cls, t_max: int | None = None, lr_min: float = 0.0) -> Schedule:
        return cls("cosine", t_max=t_max, lr_min=lr_min)

    @property
    def formula(self) -> str:
        return SCHEDULES[self.kind]

    def lr(self, lr0: float, t: int, total: int | None = None) -> float:
        """Learning rate for update t (0-based); `total` is the run length, cosine's T when t_max is None."""
        if self.kind == "constant":
            return lr0
        if self.kind == "step":
            return lr0 * self.gamma ** (t // self.step_size)
        if self.kind == "exponential":
            return lr0 * self.gamma ** t
        if self.kind == "inverse_time":
            return lr0 / (1.0 + self.k * t)
        horizon = self.t_max or total or 1
        lr_min = min(self.lr_min, lr0)
        return lr_min + 0.5 * (lr0 - lr_min) * (1.0 + math.cos(math.pi * min(t, horizon) / horizon))

    def curve(self, lr0: float, iterations: int) -> list[float]:
        """lr for t = 0 … iterations − 1 (for a preview plot)."""
        return [self.lr(lr0, t, iterations) for t in range(iterations)]
