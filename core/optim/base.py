"""Optimizer base: torch.optim's hyperparameter checks, per-key state, in-place steps, a record of the last step."""
from __future__ import annotations

import math
from collections.abc import Mapping
from numbers import Real
from typing import Any, ClassVar

import numpy as np

from core.errors import ConfigError

from .method import Drawable, bool_spec, float_spec

#: what every method's step can draw: the gradient it used and the step it took
GRADIENT = Drawable("gradient", "Gradient −∇f", "vector")
STEP = Drawable("step", "Actual step Δθ", "step")
#: what several methods share: √ of a per-axis sum of squared gradients as a box, a line search's trial points
ACCUM = Drawable("accum", "Per-axis √G and effective step", "box", "accum")
TRIALS = Drawable("trials", "Line-search trial points", "points", "trials")


def lr_spec(default: float) -> object:
    return float_spec("lr", default, 1e-5, 10.0, True, "learning rate γ",
                      "Step size. Too small crawls, too large oscillates or diverges.")


def weight_decay_spec() -> object:
    return float_spec("weight_decay", 0.0, 0.0, 1.0, False, "weight decay λ",
                      "L2 penalty added to the gradient (g ← g + λθ): pulls θ toward 0. 0 = off; typical 1e-4…1e-2.")


def maximize_spec() -> object:
    return bool_spec("maximize", False, "maximize", "Ascend instead of descend: climbs toward maxima.")


def gradient_lines(hp, v) -> list[str]:
    """The first lines of every torch first-order rule: the gradient, negated to maximize, plus L2 decay."""
    lines = ["g ← −∇f(θ)   (maximize)" if hp["maximize"] else "g ← ∇f(θ)"]
    wd = hp["weight_decay"]
    if wd != 0 and not hp.get("decoupled_weight_decay", False):
        lines.append(f"g ← g + {v('λ', wd)}·θ")
    return lines

__all__ = ["ACCUM", "GRADIENT", "STEP", "TRIALS", "Optimizer", "gradient_lines", "lr_spec", "maximize_spec",
           "weight_decay_spec"]


def _number(name: str, value: Any, label: str, low: float | None, high: float | None = None) -> float:
    """`value` as a finite float with low <= value (< high); torch's message ("Invalid learning rate: -1.0")."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Real):
        raise ConfigError(f"Invalid {label}: {value!r} ({name} must be a real number)")
    number = float(value)
    if not math.isfinite(number):
        raise ConfigError(f"Invalid {label}: {value} ({name} must be finite)")
    if (low is not None and not low <= number) or (high is not None and not number < high):
        raise ConfigError(f"Invalid {label}: {value}")
    return number


def _flag(name: str, value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise ConfigError(f"Invalid {name} value: {value!r} (must be True or False)")
    return bool(value)


class _Slot:
    """Per-key scratch arrays (allocated once, reused every step) and the gradient the last step used."""

    __slots__ = ("grad", "update", "used", "work")

    def __init__(self, p: np.ndarray):
        self.update = np.empty_like(p)  # Δθ of the last step
        self.work = np.empty_like(p)
        self.grad = None  # g after maximize / weight decay, allocated when needed
        self.used = None  # the gradient array the last step used (ours or the caller's)


class _HParams(Mapping):
    """Read-only hyperparameters under torch's names; aliases (Adam's 'beta1', 'beta2') answer but are not listed."""

    __slots__ = ("_aliases", "_values")

    def __init__(self, values: dict[str, Any], aliases: Mapping[str, tuple[str, int]]):
        self._values, self._aliases = values, aliases

    def __getitem__(self, name: str) -> Any:
        if name in self._values:
            return self._values[name]
        if name in self._aliases:
            source, index = self._aliases[name]
            return self._values[source][index]
        raise KeyError(name)

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return repr(self._values)


class _Last(Mapping):
    """The last step's record, one key built (as fresh copies) on first access; stale once the optimizer steps."""

    def __init__(self, opt: Optimizer):
        self._opt, self._steps, self._hp = opt, opt._steps, opt._step_hparams
        self._keys = [key for key, slot in opt._slots.items() if slot.used is not None]
        self._built: dict[str, dict[str, np.ndarray]] = {}

    def __getitem__(self, key: str) -> dict[str, np.ndarray]:
        record = self._built.get(key)
        if record is None:
            if key not in self._keys:
                raise KeyError(key)
            opt = self._opt
            if opt._steps != self._steps or key not in opt._slots:
                raise RuntimeError("this `last` describes an older step; read optimizer.last again")
            with np.errstate(all="ignore"):
                raw = opt._describe(opt.state[key], opt._slots[key], self._hp)
            record = self._built[key] = {name: np.asarray(a) for name, a in raw.items()}
        return record

    def __iter__(self):
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __repr__(self) -> str:
        return f"<last step of {', '.join(map(repr, self._keys))}>"


class Optimizer:
    """Updates a dict of float arrays in place; hyperparameters apply from the next step and keep the state.

    Subclasses declare ``DEFAULTS`` (torch's defaults, in torch's order), ``RULES`` (name -> ("nonneg" | "real" |
    "bool", torch's wording)) and optional ``ALIASES``, and implement ``_update`` and ``_describe``.

    ``state[key]`` holds torch's per-parameter state under torch's names ('step', 'momentum_buffer', 'sum',
    'square_avg', 'grad_avg', 'exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'). ``last[key]`` describes the most
    recent step for pictures: fresh copies, built per key when first read after a step from that step's
    buffers — read it before the next step and before refilling the gradient arrays you passed.
    Overflow and NaN propagate silently (like torch): divergence is a result to show, not an error.
    """

    DEFAULTS: ClassVar[Mapping[str, Any]] = {}
    RULES: ClassVar[Mapping[str, tuple[str, str]]] = {}
    #: convenience name -> (torch's name, index): Adam's beta1 is betas[0]
    ALIASES: ClassVar[Mapping[str, tuple[str, int]]] = {}
    #: the plain-float twin of `_update` for one 2-element float64 parameter (core.optim.lean), if there is one
    LEAN: ClassVar[type | None] = None
    #: `_update` treats every number on its own, so arrays may be stepped joined into one (core.nn.MLP does)
    ELEMENTWISE: ClassVar[bool] = False

    def __init__(self, **hparams: Any):
        self._hparams = self._validated(dict(self.DEFAULTS), hparams)
        #: the values this optimizer was built with (torch's ``optimizer.defaults``)
        self.defaults = _HParams(dict(self._hparams), self.ALIASES)
        self._steps = 0  # steps ever taken (not reset), so an old `last` can tell it is stale
        self.reset_state()

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._hparams.items())
        return f"{type(self).__name__}({args})"

    @property
    def hparams(self) -> Mapping[str, Any]:
        """Current hyperparameters under torch's names (read-only; change them with `set`); aliases answer too."""
        return _HParams(self._hparams, self.ALIASES)

    def set(self, **hparams: Any) -> None:
        """Validate all of `hparams` against the merged configuration, then apply them from the next step.

        Like editing torch's ``param_groups``: the state (buffers, averages, step counts) is kept.
        Nothing changes if any value is invalid.
        """
        hparams = self._validated(self._hparams, hparams)
        self.release()
        self._hparams = hparams

    def reset_state(self) -> None:
        """Forget buffers, averages, step counts and the last step (hyperparameters stay)."""
        self._twin = None  # a lean twin walking for us (core.optim.lean), dropped: the state it holds is forgotten
        self._state: dict[str, dict[str, Any]] = {}
        self._slots: dict[str, _Slot] = {}
        self._step_hparams = self._hparams
        self._last: _Last | None = None

    @property
    def state(self) -> dict[str, dict[str, Any]]:
        """Per key, torch's per-parameter state (see the class); current even while a lean twin walks."""
        self.release()
        return self._state

    @property
    def twin(self):
        """The lean twin walking for this optimizer now (core.optim.lean), or None."""
        return self._twin

    def release(self) -> None:
        """Take back the state a lean twin holds as floats (it is dropped: the next lean step loads afresh, so
        whatever is done to the optimizer or its state meanwhile counts)."""
        twin = self._twin
        if twin is not None:
            self._twin = None
            twin.store()

    def __getstate__(self) -> dict:  # copies and pickles hold the current state, never a twin
        self.release()
        return self.__dict__.copy()

    @property
    def last(self) -> Mapping[str, dict[str, np.ndarray]]:
        """Per key, what the last step did: 'grad' (as used), 'update' (Δθ), 'effective_lr', and per method more."""
        self.release()
        if self._last is None:
            self._last = _Last(self)
        return self._last

    def step(self, params: Mapping[str, np.ndarray], grads: Mapping[str, Any]) -> None:
        """One update of every array in `params` (in place) from `grads` (never modified)."""
        self.release()
        work = [self._checked(key, p, grads) for key, p in params.items()]
        if len(grads) != len(work):
            extra = sorted(set(grads) - set(params), key=str)
            raise ValueError(f"gradient for unknown parameter {extra[0]!r}")
        hp = self._hparams
        with np.errstate(all="ignore"):
            for key, p, g, slot in work:
                state = self._state.get(key)
                if state is None:
                    state = self._state[key] = self._init_state(p, hp)
                self._update(p, g, state, slot, hp)
        self._step_hparams = hp
        self._steps += 1
        self._last = None

    def step_one(self, key: str, p: np.ndarray, g: np.ndarray) -> None:
        """`step({key: p}, {key: g})` for one parameter whose dtype and shape never change (a racer's point): the
        same update, checked only the first time (a 2-D step is then a few µs). Call inside np.errstate."""
        self.release()
        slot = self._slots.get(key)
        if slot is None or key not in self._state or slot.update.shape != p.shape or slot.update.dtype != p.dtype:
            self.step({key: p}, {key: g})  # the first time (or a changed parameter): the checked path
            return
        hp = self._hparams
        self._update(p, g, self._state[key], slot, hp)
        self._step_hparams = hp
        self._steps += 1
        self._last = None

    def lean(self, key: str):
        """The lean 2-D step of `key` (a core.optim.lean.Lean2D) once a checked step has made its state; None when
        this optimizer has no twin or the parameter is not two float64s. The twin walks for this optimizer until
        anything reads or changes it (state, last, set, step, a copy): then its floats are written back and it
        is dropped (`twin` turns None), so the optimizer is never seen behind."""
        self.release()
        slot = self._slots.get(key)
        if self.LEAN is None or slot is None or key not in self._state or slot.update.shape != (2,) \
                or slot.update.dtype != np.float64:
            return None
        self._twin = twin = self.LEAN(self, key)
        return twin

    # -- subclass hooks -------------------------------------------------------------------------------

    def _init_state(self, p: np.ndarray, hp: Mapping[str, Any]) -> dict[str, Any]:
        return {}

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict, slot: _Slot, hp: Mapping[str, Any]) -> None:
        raise NotImplementedError

    def _describe(self, state: dict, slot: _Slot, hp: Mapping[str, Any]) -> dict[str, np.ndarray]:
        return {"grad": np.array(slot.used, dtype=slot.update.dtype), "update": slot.update.copy()}

    def _normalize(self, updates: dict[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
        """Fold aliases into torch's names (beta1=0.8 -> betas=(0.8, current β₂))."""
        for source in {self.ALIASES[name][0] for name in updates if name in self.ALIASES}:
            names = [name for name, (src, _) in self.ALIASES.items() if src == source]
            if source in updates:
                raise ConfigError(f"Give either {source} or {'/'.join(names)}, not both")
            value = list(current[source])
            for name in names:
                if name in updates:
                    value[self.ALIASES[name][1]] = updates.pop(name)
            updates[source] = tuple(value)
        return updates

    def _check_combination(self, hp: Mapping[str, Any]) -> None:
        """Raise ValueError for a combination torch's constructor rejects."""

    # -- helpers --------------------------------------------------------------------------------------

    def _validated(self, current: Mapping[str, Any], updates: dict[str, Any]) -> dict[str, Any]:
        updates = self._normalize(dict(updates), current)
        merged = dict(current)
        for name, value in updates.items():
            if name not in self.RULES:
                names = ", ".join(self.DEFAULTS)
                raise ConfigError(
                    f"Unknown hyperparameter {name!r} for {type(self).__name__} (expected one of: {names})")
            merged[name] = self._check_value(name, value)
        self._check_combination(merged)
        return merged

    def _check_value(self, name: str, value: Any) -> Any:
        kind, label = self.RULES[name]
        if kind == "bool":
            return _flag(name, value)
        return _number(name, value, label, 0.0 if kind == "nonneg" else None)

    def _checked(self, key: str, p: Any, grads: Mapping[str, Any]) -> tuple:
        if key not in grads:
            raise ValueError(f"no gradient for parameter {key!r}")
        if not isinstance(p, np.ndarray) or p.dtype.kind != "f" or not p.flags.writeable:
            what = f"{p.dtype} array" if isinstance(p, np.ndarray) else type(p).__name__
            raise ValueError(f"parameter {key!r} must be a writeable floating-point numpy array, got {what}")
        g = np.asarray(grads[key])
        if g.shape != p.shape:
            raise ValueError(f"gradient for {key!r} has shape {g.shape}, parameter has {p.shape}")
        slot = self._slots.get(key)
        if slot is None:
            slot = self._slots[key] = _Slot(p)
        elif slot.update.shape != p.shape or slot.update.dtype != p.dtype:
            raise ValueError(
                f"parameter {key!r} changed from {slot.update.dtype}{list(slot.update.shape)} to "
                f"{p.dtype}{list(p.shape)}; call reset_state() first"
            )
        return key, p, g, slot

    @staticmethod
    def _grad(p: np.ndarray, g: np.ndarray, weight_decay: float, maximize: bool, slot: _Slot) -> np.ndarray:
        """g ← −g if maximize; g ← g + λθ — into our own buffer, never the caller's array."""
        if weight_decay == 0 and not maximize:
            slot.used = g
            return g
        if slot.grad is None:
            slot.grad = np.empty_like(p)
        out = slot.grad
        if weight_decay != 0:
            np.multiply(p, weight_decay, out=out)
            (np.subtract if maximize else np.add)(out, g, out=out)
        else:
            np.negative(g, out=out)
        slot.used = out
        return out
