"""Optimizers racing on one network: identical initial weights, identical minibatches, stepped in lockstep."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .config import TrainConfig
from .feed import Feed
from .results import Run, StepResult
from .trainer import Trainer

__all__ = ["Race", "race"]


def _entries(optimizers: Iterable[Any]) -> list[tuple[str, str, dict]]:
    """(label, method, hparams) per entry: "adam" or {"name": "adam", "lr": 1e-3, "label": optional}.

    Repeated labels get suffixes: "sgd", "sgd#2", "sgd#3".
    """
    out, seen = [], {}
    for entry in optimizers:
        if isinstance(entry, str):
            entry = {"name": entry}
        if not isinstance(entry, Mapping) or "name" not in entry:
            raise ValueError(f"each optimizer must be a name or a dict with a 'name', got {entry!r}")
        hparams = {k: v for k, v in entry.items() if k not in ("name", "label")}
        label = str(entry.get("label", entry["name"]))
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            label = f"{label}#{seen[label]}"
        out.append((label, entry["name"], hparams))
    if not out:
        raise ValueError("a race needs at least one optimizer")
    return out


class Race:
    """One Trainer per optimizer configuration, all from the same seed and sharing one Feed, so they differ
    only in the optimizer; `step()` advances every unfinished run by one update.

    Runs that diverge stop while the others go on; the race is done when every run is.
    """

    def __init__(self, data, optimizers: Iterable[Any], config: TrainConfig | None = None, **overrides):
        base = (config or TrainConfig()).replace(**overrides) if overrides else (config or TrainConfig())
        entries = _entries(optimizers)
        configs = [(label, base.replace(optimizer=name, hparams=hp)) for label, name, hp in entries]
        self.config = base
        self.feed = Feed(data, base.batch_size, base.preprocess, base.seed, base.eval_size, base.probe_size)
        self.trainers: dict[str, Trainer] = {
            label: Trainer(data, cfg, name=label, feed=self.feed) for label, cfg in configs}
        first = next(iter(self.trainers.values())).mlp
        for trainer in self.trainers.values():
            trainer.mlp.set_params(first.params)  # identical by seed already; this makes it explicit

    @property
    def names(self) -> list[str]:
        return list(self.trainers)

    @property
    def done(self) -> bool:
        return all(t.done for t in self.trainers.values())

    @property
    def iteration(self) -> int:
        return max(t.iteration for t in self.trainers.values())

    def begin(self) -> dict[str, Run]:
        """The opening payload (core.experiment.Experiment): every run before its first update."""
        return self.results()

    def extend(self, iterations: int) -> None:
        """Plan `iterations` more updates for every run (diverged ones stay diverged)."""
        for trainer in self.trainers.values():
            trainer.extend(iterations)

    def step(self) -> dict[str, StepResult]:
        """One lockstep update of every run still going (finished runs repeat their last result)."""
        return {label: trainer.step() for label, trainer in self.trainers.items()}

    def results(self) -> dict[str, Run]:
        return {label: trainer.result() for label, trainer in self.trainers.items()}

    def run(self) -> dict[str, Run]:
        """Step until every run is done; label → Run."""
        while not self.done:
            self.step()
        return self.results()


def race(data, optimizers: Iterable[Any], *, hidden=(100, 100, 100, 100), activation: str = "relu",
         init: str = "he", iterations: int = 2000, batch_size: int = 128, seed: int = 0, **config) -> dict[str, Run]:
    """Race optimizers on one network to the end: label → Run (Run.losses = per-iteration training loss).

    `optimizers`: names ("adam") or dicts {"name": "momentum", "lr": 0.01, ...} (first-order methods of core.methods);
    other keyword arguments are TrainConfig fields (batch_norm, dropout, eval_every, schedule, ...).
    """
    base = TrainConfig(hidden=hidden, activation=activation, init=init, iterations=iterations,
                       batch_size=batch_size, seed=seed, **config)
    return Race(data, optimizers, base).run()
