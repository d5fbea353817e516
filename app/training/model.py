"""The Training tab's state, Qt-free: the settings of the next run and what the current run is.

Setters validate through core (a TrainConfig is built from the merged settings) before they store, then notify;
nothing reads settings back out of widgets. The settings serialize to a dictionary with a `version`.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.errors import ConfigError
from core.methods import get_method
from core.training import Schedule, TrainConfig

__all__ = ["RUN_KINDS", "SETTINGS_VERSION", "TrainingModel"]

SETTINGS_VERSION = 1
RUN_KINDS = ("", "solo", "race")  # nothing yet, one network, a race of several

#: what the tab starts with (the lecture's network); the optimizer starts at its typical training lr
DEFAULTS: dict[str, Any] = {
    "source": "bundled",
    "hidden": (100, 100, 100, 100),
    "activation": "relu",
    "init": "he",
    "batch_norm": False,
    "dropout": 0.0,
    "weight_decay": 0.0,
    "batch_size": 64,
    "schedule": "constant",
    "iterations": 3000,
    "seed": 0,
    "eval_every": 50,
    "optimizer": "sgd",
}
_CONFIG_FIELDS = tuple(k for k in DEFAULTS if k != "source")


def start_hparams(method: str) -> dict:
    """What an optimizer starts with in the Training tab: its typical training lr (core's registry)."""
    lr = get_method(method).training_lr
    return {} if lr is None else {"lr": lr}


class TrainingModel:
    """`settings` (the next run), `hparams` (the optimizer's), `kind`/`statuses` (the current run)."""

    def __init__(self):
        self.settings: dict[str, Any] = dict(DEFAULTS)
        self.hparams: dict[str, Any] = start_hparams(DEFAULTS["optimizer"])
        self.errors: dict[str, str] = {}  # a field whose typed text does not parse: its message
        self.kind = ""
        self.statuses: dict[str, str] = {}  # label -> "running" | "finished" | "diverged"
        self.runs = 0
        self._listeners: list[Callable[[str], None]] = []

    # -- notification ---------------------------------------------------------------------------------------
    def subscribe(self, listener: Callable[[str], None]) -> None:
        """`listener(what)` after every change: "settings", "hparams" or "run"."""
        self._listeners.append(listener)

    def _notify(self, what: str) -> None:
        for listener in list(self._listeners):
            listener(what)

    # -- settings -------------------------------------------------------------------------------------------
    def set(self, **changes: Any) -> None:
        """Validate `changes` merged into the settings through core, then store them; ConfigError stores nothing."""
        unknown = sorted(set(changes) - set(DEFAULTS))
        if unknown:
            raise ConfigError(f"{unknown[0]}: not a training setting", unknown[0])
        merged = {**self.settings, **changes}
        hparams = self.hparams
        if "optimizer" in changes and changes["optimizer"] != self.settings["optimizer"]:
            hparams = start_hparams(changes["optimizer"])
        self._build(merged, hparams)
        self.settings = merged
        self.hparams = dict(hparams)
        for name in changes:
            self.errors.pop(name, None)
        self._notify("settings")

    def set_hparams(self, hparams: dict, replace: bool = False) -> None:
        """The optimizer's hyperparameters (merged, or replacing them all); validated by core first."""
        merged = dict(hparams) if replace else {**self.hparams, **hparams}
        self._build(self.settings, merged)
        self.hparams = merged
        self._notify("hparams")

    def set_error(self, name: str, message: str) -> None:
        """The typed text of `name` does not parse (`message`), or parses again (""): config() refuses meanwhile."""
        if message:
            self.errors[name] = message
        else:
            self.errors.pop(name, None)
        self._notify("settings")

    def config(self, **overrides: Any) -> TrainConfig:
        """The next run's TrainConfig; ConfigError naming the field when a setting is not usable."""
        if self.errors:
            name, message = next(iter(self.errors.items()))
            raise ConfigError(message, name)
        return self._build({**self.settings, **overrides}, overrides.pop("hparams", self.hparams))

    @staticmethod
    def _build(settings: dict, hparams: dict) -> TrainConfig:
        values = {k: settings[k] for k in _CONFIG_FIELDS}
        schedule = values["schedule"]
        if isinstance(schedule, str):
            schedule = Schedule(schedule)
        elif isinstance(schedule, dict):  # {"kind": "step", "step_size": 500, "gamma": 0.5}
            try:
                schedule = Schedule(**schedule)
            except TypeError as exc:
                raise ConfigError(f"schedule: {exc}", "schedule") from None
        values["schedule"] = schedule
        try:
            return TrainConfig(**values, hparams=dict(hparams), diagnostics_every=0)
        except ConfigError:
            raise
        except ValueError as exc:
            raise ConfigError(str(exc)) from None

    # -- the current run --------------------------------------------------------------------------------
    def begin_run(self, kind: str, labels) -> None:
        if kind not in RUN_KINDS[1:]:
            raise ConfigError(f"run kind must be solo or race, not {kind!r}", "kind")
        self.kind, self.runs = kind, self.runs + 1
        self.statuses = dict.fromkeys(labels, "running")
        self._notify("run")

    def set_status(self, label: str, status: str) -> None:
        if label in self.statuses and self.statuses[label] != status:
            self.statuses[label] = status
            self._notify("run")

    def forget_run(self) -> None:
        self.kind, self.statuses = "", {}
        self._notify("run")

    @property
    def solo(self) -> bool:
        return self.kind == "solo"

    @property
    def race(self) -> bool:
        return self.kind == "race"

    def can_continue(self) -> bool:
        """A run exists and at least one of its networks has not diverged."""
        return bool(self.kind) and any(s != "diverged" for s in self.statuses.values())

    # -- serializing ------------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        settings = {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.settings.items()
                    if isinstance(v, (str, int, float, bool, tuple, list))}
        return {"version": SETTINGS_VERSION, "settings": settings, "hparams": dict(self.hparams)}

    def load_dict(self, data: dict) -> None:
        """Settings written by to_dict; ConfigError (naming the field) changes nothing."""
        if not isinstance(data, dict) or data.get("version") != SETTINGS_VERSION:
            raise ConfigError(f"training settings: expected version {SETTINGS_VERSION}", "version")
        settings, hparams = data.get("settings", {}), data.get("hparams", {})
        if not isinstance(settings, dict) or not isinstance(hparams, dict):
            raise ConfigError("training settings: expected objects for settings and hparams", "settings")
        merged = {**self.settings, **{k: tuple(v) if k == "hidden" else v for k, v in settings.items()}}
        unknown = sorted(set(merged) - set(DEFAULTS))
        if unknown:
            raise ConfigError(f"{unknown[0]}: not a training setting", unknown[0])
        self._build(merged, hparams)
        self.settings, self.hparams = merged, dict(hparams)
        self._notify("settings")
