"""What one run (or one racer) has produced so far, kept in append buffers the charts read without copying."""
from __future__ import annotations

import numpy as np

from core.columns import Columns

# The x-axis choices: label -> column name (present in both step and evaluation rows).
X_AXES = {
    "iterations": "iteration",
    "epochs": "epoch",
    "examples seen": "examples",
    "wall-clock time (s)": "seconds",
}
X_COLUMNS = tuple(X_AXES.values())
STEP_COLUMNS = (*X_COLUMNS, "loss", "smooth")
EVAL_COLUMNS = (*X_COLUMNS, "train_acc", "val_acc", "val_loss")


class Record:
    """One curve family: training steps, evaluations and labelled events (optimizer switches, hparam changes).

    `versions` count changes per part ("steps", "evals", "events") so each view redraws only what it shows.
    """

    def __init__(self, key: str, label: str, color: str, show_raw: bool = True):
        self.key = key
        self.show_raw = show_raw  # the faint per-minibatch loss under the smoothed one
        self.label = label
        self.color = color
        self.steps = Columns(STEP_COLUMNS)
        self.evals = Columns(EVAL_COLUMNS, capacity=64)
        self.events: list[tuple[float, str]] = []  # (iteration, label)
        self.ghost = False
        self.status = "running"
        self.message = ""
        self.last = None  # the latest Tick, for tables and status lines
        self.versions = {"steps": 0, "evals": 0, "events": 0}

    def add_step(self, row: dict) -> None:
        self.steps.append(row)
        self.versions["steps"] += 1

    def add_eval(self, row: dict) -> None:
        self.evals.append(row)
        self.versions["evals"] += 1

    def add_event(self, iteration: float, label: str) -> None:
        self.events.append((float(iteration), label))
        self.versions["events"] += 1

    def version(self, parts: tuple[str, ...]) -> tuple[int, ...]:
        return tuple(self.versions[p] for p in parts)

    def position(self, iteration: float, column: str) -> float:
        """Where `iteration` falls on the `column` axis (events sit between two recorded steps)."""
        iterations = self.steps.col("iteration")
        if not len(iterations) or column == "iteration":
            return iteration
        return float(np.interp(iteration, iterations, self.steps.col(column)))
