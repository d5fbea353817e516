"""The shape of a second-order method: hyperparameters checked against its specs, steps taken on an Oracle.

Newton and L-BFGS need f, ∇f and ∇²f, not just a gradient, so instead of ``Optimizer.step(params, grads)`` they
take ``step(point, oracle) -> (new_point, info)``; the Oracle counts every evaluation the method asks for. A step
that cannot be taken (singular Hessian, no decrease found) returns the point unchanged and says why in
``info["failure"]``; nothing raises on bad numbers (they become NaN and a message).

``lean_step(point, oracle) -> (new_point, info, later)`` is the same step with the entries only pictures need
left to ``later()`` (None when there are none), so a racer that is only played does not compute them; ``step``
is ``lean_step`` with ``info.update(later())``. ``later`` reads nothing that a later step changes.
"""
from __future__ import annotations

from typing import ClassVar

from core.errors import ConfigError

from .method import HParamSpec

__all__ = ["SecondOrder"]


class SecondOrder:
    """Hyperparameters validated against ``SPECS`` (the only bounds); ``set`` applies from the next step."""

    name = ""
    SPECS: ClassVar[tuple[HParamSpec, ...]] = ()

    def __init__(self, **hparams):
        self.hparams = {spec.name: spec.default for spec in self.SPECS}
        self.reset_state()
        self.set(**hparams)

    @property
    def defaults(self) -> dict:
        return {spec.name: spec.default for spec in self.SPECS}

    def set(self, **hparams) -> None:
        """All or nothing: nothing changes if any value is refused."""
        checked = {key: self._check(key, value) for key, value in hparams.items()}
        self.hparams.update(checked)

    def _check(self, key, value):
        spec = next((s for s in self.SPECS if s.name == key), None)
        if spec is None:
            names = ", ".join(s.name for s in self.SPECS)
            raise ConfigError(f"{self.name} has no hyperparameter {key!r} (it has: {names})", key)
        return spec.check(value, self.name)

    def reset_state(self) -> None:
        pass

    def step(self, point, oracle) -> tuple:
        """One step from `point`: (new point, info with its picture state)."""
        new, info, later = self.lean_step(point, oracle)
        if later is not None:
            info.update(later())
        return new, info

    def lean_step(self, point, oracle) -> tuple:
        raise NotImplementedError
