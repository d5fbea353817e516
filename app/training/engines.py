"""What the run driver's worker steps: core's Trainer or Race, wrapped so each step yields immutable payloads.

Everything here runs in the worker (a process for training; construction included: loading data can take a
second), so nothing here imports Qt and everything that crosses to the GUI pickles: core's frozen results, fresh
arrays and small dataclasses. `build_solo` and `build_race` are what the GUI hands the driver.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.data import load_mnist
from core.training import EvalResult, Race, TrainConfig, Trainer, learning_check
from core.training.babysit import STALL_AFTER
from core.training.summary import Smoother, confusion_matrix

# Each costs the worker a probe pass (~7 ms, several steps' worth); the views redraw every 0.5 s anyway.
DIAGNOSTICS_EVERY_S = 0.5
PREDICTIONS_EVERY_S = 0.5
GRID = 48  # validation digits in the predictions grid
CONFUSION_SIZE = 2000  # validation digits behind the confusion matrix
SMOOTHING = 0.95  # about the last 20 minibatches


@dataclass(frozen=True)
class DataInfo:
    """What the GUI needs to know of the data a run trains on (the arrays stay in the worker)."""

    name: str
    description: str
    class_names: tuple[str, ...]
    image_shape: tuple[int, ...]

    @classmethod
    def of(cls, dataset) -> DataInfo:
        return cls(dataset.name, dataset.description or repr(dataset), tuple(dataset.class_names),
                   tuple(getattr(dataset, "image_shape", (28, 28))))


@dataclass(frozen=True)
class Started:
    """A run is ready: its data, how it starts (initial check and evaluation at iteration 0)."""

    data: DataInfo
    labels: tuple[str, ...]  # one per trainer (one for a single run)
    initial: Any  # core InitialLoss (of the first trainer)
    evals: tuple  # core EvalResult at iteration 0, per trainer
    grid_images: np.ndarray
    grid_labels: np.ndarray


@dataclass(frozen=True)
class Tick:
    """One update of one trainer: core's StepResult plus the smoothed loss and the training time so far."""

    label: str
    result: Any  # core StepResult
    smooth: float
    seconds: float


@dataclass(frozen=True)
class Predictions:
    """The network's answers on the grid digits and the confusion matrix on validation digits."""

    label: str  # whose answers: the run, or the racer chosen to answer
    iteration: int
    grid_predicted: np.ndarray
    confusion: np.ndarray
    confusion_size: int


@dataclass(frozen=True)
class Change:
    """An optimizer switch or hyperparameter change that took effect between two steps (core Event)."""

    label: str
    event: Any


@dataclass(frozen=True)
class Hint:
    """Core's word that a run is not learning, and why it may not be (once per run)."""

    label: str
    message: str


@dataclass(frozen=True)
class Answer:
    """Probabilities for a drawn digit."""

    digit: np.ndarray
    probabilities: np.ndarray
    predicted: int


class Solo:
    """One Trainer; its steps come out as Ticks, with Predictions now and then."""

    def __init__(self, dataset, config: TrainConfig, label: str, predictions: bool = False):
        self.dataset = dataset
        self.trainer = Trainer(dataset, config, name=label)
        self.label = label
        self.diagnostics_wanted = True  # always: the ratio and gradient charts are histories, gaps would mislead
        self.predictions_wanted = predictions  # only while the Predictions page shows (a pass over 2,000 digits)
        self.smoother = Smoother(SMOOTHING)
        self._last_diagnostics = self._last_predictions = -np.inf
        self._begun = False
        self._hinted = False

    @property
    def done(self) -> bool:
        return self.trainer.done

    def begin(self) -> Started | None:
        """The opening payload; None when a stopped run is continued in a new thread."""
        if self._begun:
            return None
        self._begun = True
        evals = (_eval_at(self.trainer.history, -1),)
        return Started(DataInfo.of(self.dataset), (self.label,), self.trainer.initial, evals,
                       self.dataset.val_x[:GRID], self.dataset.val_y[:GRID])

    def set_interrupt(self, check) -> None:
        self.trainer.set_interrupt(check)

    def want(self, predictions: bool) -> None:
        """The GUI shows (or hides) the Predictions page."""
        self.predictions_wanted = bool(predictions)

    def step(self) -> list:
        now = time.perf_counter()
        if self.diagnostics_wanted and now - self._last_diagnostics >= DIAGNOSTICS_EVERY_S:
            self.trainer.request_diagnostics()
            self._last_diagnostics = now
        result = self.trainer.step()
        out = [Tick(self.label, result, self.smoother(result.loss), self.trainer.seconds)]
        if result.diagnostics is not None and not self._hinted and result.iteration >= STALL_AFTER:
            hint = learning_check(result.iteration, self.trainer.losses, self.dataset.classes,
                                  result.diagnostics, result.lr)
            if hint is not None:
                self._hinted = True
                out.append(Hint(self.label, hint))
        due = self.predictions_wanted and now - self._last_predictions >= PREDICTIONS_EVERY_S
        if (result.eval is not None and due) or self.trainer.done:
            out.append(self.predictions())
        return out

    def predictions(self) -> Predictions:
        self._last_predictions = time.perf_counter()
        return _predictions(self.trainer, self.dataset, self.label)

    # -- commands (run between steps, in the worker thread) ----------------------------------------------
    def switch(self, name: str, hparams: dict) -> Change:
        return Change(self.label, self.trainer.switch_optimizer(name, **hparams))

    def set_hparams(self, hparams: dict) -> Change:
        return Change(self.label, self.trainer.set_hparams(**hparams))

    def answer(self, digit: np.ndarray) -> Answer:
        return _answer(self.trainer, digit)

    def extend(self, iterations: int) -> None:
        self.trainer.extend(iterations)


class Contest:
    """A Race: every trainer makes one update per step, on the same minibatch; one Tick per trainer that moved."""

    def __init__(self, dataset, entries: list[dict], config: TrainConfig):
        self.dataset = dataset
        self.race = Race(dataset, entries, config)
        self.smoothers = {label: Smoother(SMOOTHING) for label in self.race.names}
        self._seen = dict.fromkeys(self.race.names, 0)
        self._begun = False
        self.answerer = self.race.names[0]  # the racer whose network answers Predictions and Draw
        self.predictions_wanted = False
        self._last_predictions = -np.inf

    @property
    def done(self) -> bool:
        return self.race.done

    @property
    def labels(self) -> list[str]:
        return self.race.names

    def begin(self) -> Started | None:
        if self._begun:
            return None
        self._begun = True
        trainers = self.race.trainers
        evals = tuple(_eval_at(t.history, -1) for t in trainers.values())
        first = next(iter(trainers.values()))
        return Started(DataInfo.of(self.dataset), tuple(trainers), first.initial, evals,
                       self.dataset.val_x[:GRID], self.dataset.val_y[:GRID])

    def set_interrupt(self, check) -> None:
        for trainer in self.race.trainers.values():
            trainer.set_interrupt(check)

    def want(self, predictions: bool) -> None:
        """The GUI shows (or hides) the Predictions page: the chosen racer's answers while it shows."""
        self.predictions_wanted = bool(predictions)

    def choose(self, label: str) -> None:
        """`label`'s network answers Predictions and Draw from now on."""
        if label not in self.race.trainers:
            raise ValueError(f"no racer is called {label!r}")
        self.answerer = label

    def predictions(self) -> Predictions:
        self._last_predictions = time.perf_counter()
        return _predictions(self.race.trainers[self.answerer], self.dataset, self.answerer)

    def answer(self, digit: np.ndarray) -> Answer:
        return _answer(self.race.trainers[self.answerer], digit)

    def step(self) -> list:
        out, evaluated = [], False
        for label, result in self.race.step().items():
            if result.iteration == self._seen[label]:
                continue  # this racer had already finished or diverged: nothing new
            self._seen[label] = result.iteration
            trainer = self.race.trainers[label]
            out.append(Tick(label, result, self.smoothers[label](result.loss), trainer.seconds))
            evaluated = evaluated or (label == self.answerer and result.eval is not None)
        due = self.predictions_wanted and time.perf_counter() - self._last_predictions >= PREDICTIONS_EVERY_S
        if (evaluated and due) or (self.predictions_wanted and self.race.done):
            out.append(self.predictions())
        return out

    def extend(self, iterations: int) -> None:
        for trainer in self.race.trainers.values():
            trainer.extend(iterations)


def _predictions(trainer, data, label: str) -> Predictions:
    n = min(CONFUSION_SIZE, len(data.val_y))
    predicted = trainer.predict(data.val_x[:n])
    return Predictions(label, trainer.iteration, predicted[:GRID].copy(),
                       confusion_matrix(data.val_y[:n], predicted, data.classes), n)


def _answer(trainer, digit: np.ndarray) -> Answer:
    probabilities = trainer.predict_proba(digit)[0].astype(float)
    return Answer(digit, probabilities, int(trainer.predict(digit)[0]))


def _eval_at(history, index: int) -> EvalResult:
    """The index-th evaluation recorded in a History, as an EvalResult."""
    return EvalResult(int(history.eval_iterations[index]), float(history.val_losses[index]),
                      float(history.val_accs[index]), float(history.train_losses[index]),
                      float(history.train_accs[index]))


def _data(source, seed: int):
    """The Dataset a run trains on: `source` itself when it is one, else loaded here, in the worker."""
    if hasattr(source, "train_x"):
        return source
    return load_mnist(source, seed=seed)


def build_solo(source, seed: int, config: TrainConfig, label: str, predictions: bool = False) -> Solo:
    """A single run (picklable when its arguments are: what the process backend needs)."""
    return Solo(_data(source, seed), config, label, predictions)


def build_race(source, seed: int, entries: list, config: TrainConfig) -> Contest:
    """A race of `entries` on one network."""
    return Contest(_data(source, seed), entries, config)
