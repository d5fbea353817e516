"""Immutable records a training run hands out (safe to pass between threads: arrays are fresh copies)."""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Diagnostics", "EvalResult", "Event", "History", "InitialLoss", "LayerStats", "Run", "StepResult"]


@dataclass(frozen=True)
class EvalResult:
    """Evaluation-mode cross-entropy (without the L2 term) and accuracy after `iteration` updates."""

    iteration: int
    val_loss: float
    val_acc: float
    train_loss: float
    train_acc: float


@dataclass(frozen=True, eq=False)
class LayerStats:
    """One layer on the probe batch: its activations, and its weight matrix's gradient and last update.

    dead_fraction: ReLU units that are 0 for every probe example (None for other activations).
    saturated_fraction: share of the probe's activations with |a| > 0.99 (tanh) or a < 0.01 or a > 0.99
    (sigmoid); None otherwise. update_ratio: ‖ΔW‖/‖W‖ of the last update (NaN if it was not tracked).
    """

    name: str
    activation: str
    mean: float
    std: float
    hist_edges: np.ndarray
    hist_counts: np.ndarray
    dead_fraction: float | None
    saturated_fraction: float | None
    grad_norm: float
    weight_norm: float
    update_ratio: float


@dataclass(frozen=True)
class Diagnostics:
    """Per-layer statistics after `iteration` updates, hidden layers first, then the output (logits)."""

    iteration: int
    layers: tuple[LayerStats, ...]


@dataclass(frozen=True)
class Event:
    """A change made during a run: kind "switch" (optimizer) or "hparams"; `before`/`after` hold the values."""

    iteration: int
    kind: str
    before: Mapping[str, Any]
    after: Mapping[str, Any]
    message: str


@dataclass(frozen=True)
class StepResult:
    """What one update did. loss = cross-entropy + L2 term (reg_loss) on the batch, before the update.

    status is "running", "finished" (the planned iterations are done) or "diverged" (message says why).
    """

    iteration: int
    epoch: float
    examples_seen: int
    loss: float
    reg_loss: float
    batch_acc: float
    lr: float
    optimizer: str
    eval: EvalResult | None = None
    diagnostics: Diagnostics | None = None
    status: str = "running"
    message: str = ""


@dataclass(frozen=True, eq=False)
class History:
    """Per-iteration curves (index i = update i + 1) and the evaluation curve (iteration 0 = before training)."""

    iterations: np.ndarray
    losses: np.ndarray
    batch_accs: np.ndarray
    lrs: np.ndarray
    eval_iterations: np.ndarray
    val_losses: np.ndarray
    val_accs: np.ndarray
    train_losses: np.ndarray
    train_accs: np.ndarray


@dataclass(frozen=True)
class InitialLoss:
    """Babysitting check 1: the loss before training next to ln(classes), with a note when they disagree."""

    expected: float
    measured: float
    reg_loss: float
    ok: bool
    note: str


@dataclass(frozen=True, eq=False)
class Run(History):
    """A whole run: its curves plus how it ended, the changes made on the way and the starting check."""

    name: str = ""
    config: Any = None
    status: str = "running"
    message: str = ""
    events: tuple[Event, ...] = ()
    initial: InitialLoss | None = None
    seconds: float = 0.0

    @property
    def final_val_acc(self) -> float:
        return float(self.val_accs[-1]) if len(self.val_accs) else math.nan

    @property
    def final_loss(self) -> float:
        return float(self.losses[-1]) if len(self.losses) else math.nan


@dataclass
class Recorder:
    """Growable float64 columns behind History (amortised O(1) appends)."""

    steps: dict[str, np.ndarray] = field(default_factory=dict)
    evals: dict[str, np.ndarray] = field(default_factory=dict)
    n_steps: int = 0
    n_evals: int = 0

    STEP_COLUMNS = ("iterations", "losses", "batch_accs", "lrs")
    EVAL_COLUMNS = ("eval_iterations", "val_losses", "val_accs", "train_losses", "train_accs")

    def __post_init__(self):
        self.steps = {k: np.empty(256) for k in self.STEP_COLUMNS}
        self.evals = {k: np.empty(16) for k in self.EVAL_COLUMNS}

    @staticmethod
    def _append(columns: dict[str, np.ndarray], n: int, values) -> None:
        if n == len(next(iter(columns.values()))):
            for k, a in columns.items():
                columns[k] = np.concatenate([a, np.empty_like(a)])
        for a, v in zip(columns.values(), values, strict=False):
            a[n] = v

    def step(self, iteration, loss, acc, lr) -> None:
        self._append(self.steps, self.n_steps, (iteration, loss, acc, lr))
        self.n_steps += 1

    def eval(self, e: EvalResult) -> None:
        self._append(self.evals, self.n_evals, (e.iteration, e.val_loss, e.val_acc, e.train_loss, e.train_acc))
        self.n_evals += 1

    def history(self) -> dict[str, np.ndarray]:
        out = {k: a[:self.n_steps].copy() for k, a in self.steps.items()}
        out.update({k: a[:self.n_evals].copy() for k, a in self.evals.items()})
        out["iterations"] = out["iterations"].astype(np.int64)
        out["eval_iterations"] = out["eval_iterations"].astype(np.int64)
        return out
