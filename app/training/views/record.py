"""What one run (or one racer) has produced so far, kept in append buffers the charts read without copying."""
from __future__ import annotations

import numpy as np

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


class Columns:
    """Named float64 columns grown row by row; `col(name)` is a view of the filled part (capacity doubles)."""

    def __init__(self, names: tuple[str, ...], capacity: int = 1024):
        self.names = names
        self._data = {name: np.empty(capacity) for name in names}
        self.size = 0

    def __len__(self) -> int:
        return self.size

    def append(self, row: dict) -> None:
        """Add one row; missing columns are NaN."""
        if self.size == len(self._data[self.names[0]]):
            self._grow()
        for name, array in self._data.items():
            value = row.get(name)
            array[self.size] = np.nan if value is None else value
        self.size += 1

    def col(self, name: str) -> np.ndarray:
        return self._data[name][: self.size]

    def last(self, name: str, default=np.nan) -> float:
        return float(self._data[name][self.size - 1]) if self.size else default

    def _grow(self) -> None:
        for name, array in self._data.items():
            bigger = np.empty(2 * len(array))
            bigger[: self.size] = array[: self.size]
            self._data[name] = bigger


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
