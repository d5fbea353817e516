"""Immutable records a training run hands out (safe to pass between threads: arrays are fresh copies)."""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..columns import Columns

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


class Recorder:
    """The columns behind History: one row per update, one per evaluation."""

    STEP_COLUMNS = ("iterations", "losses", "batch_accs", "lrs")
    EVAL_COLUMNS = ("eval_iterations", "val_losses", "val_accs", "train_losses", "train_accs")

    def __init__(self):
        self.steps = Columns(self.STEP_COLUMNS, 256)
        self.evals = Columns(self.EVAL_COLUMNS, 16)

    def step(self, iteration, loss, acc, lr) -> None:
        self.steps.append({"iterations": iteration, "losses": loss, "batch_accs": acc, "lrs": lr})

    def eval(self, e: EvalResult) -> None:
        self.evals.append({"eval_iterations": e.iteration, "val_losses": e.val_loss, "val_accs": e.val_acc,
                           "train_losses": e.train_loss, "train_accs": e.train_acc})

    def history(self) -> dict[str, np.ndarray]:
        out = {k: self.steps.copy(k) for k in self.STEP_COLUMNS}
        out.update({k: self.evals.copy(k) for k in self.EVAL_COLUMNS})
        out["iterations"] = out["iterations"].astype(np.int64)
        out["eval_iterations"] = out["eval_iterations"].astype(np.int64)
        return out
