"""A training run stepped explicitly (by a loop, a generator or a GUI worker thread); it never raises on numbers."""
from __future__ import annotations

import math
import threading
import time

import numpy as np

from ..methods import make_optimizer
from ..nn import MLP
from ..text import text
from .babysit import diagnose_divergence, exploded, initial_loss_check
from .config import TrainConfig
from .diagnostics import diagnose, update_ratios, weight_snapshot
from .feed import Feed
from .results import Diagnostics, EvalResult, Event, History, Recorder, Run, StepResult

__all__ = ["Trainer", "train"]


def _describe(name: str, hparams) -> str:
    """sgd (lr=0.01, momentum=0.9), or just the name without hyperparameters."""
    args = ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in hparams.items())
    return f"{name} ({args})" if args else name


class Trainer:
    """One MLP on one dataset: `step()` makes one update and returns an immutable StepResult.

    A loss that is NaN, infinite or more than 100× its starting value ends the run with status "diverged" and a
    diagnosis naming the cause, never an exception; numpy's
    floating-point warnings are silenced. Methods hold a lock, so another thread may call `switch_optimizer`,
    `set_hparams` or `evaluate` between two steps safely. The same data, config and seed give bit-identical runs.
    `seconds` is the time spent inside `step()`.
    """

    def __init__(self, data, config: TrainConfig | None = None, *, name: str = "", feed: Feed | None = None):
        self.config = config = config or TrainConfig()
        self.name = name or config.optimizer
        self.feed = feed or Feed(data, config.batch_size, config.preprocess, config.seed, config.eval_size,
                                 config.probe_size)
        self.mlp = MLP(config.sizes(self.feed.n_features, self.feed.classes), activation=config.activation,
                       init=config.init, bias_init=config.bias_init, batch_norm=config.batch_norm,
                       dropout=config.dropout, weight_decay=config.weight_decay, seed=config.seed,
                       alpha=config.alpha)
        self.optimizer_name = config.optimizer
        self.optimizer = make_optimizer(config.optimizer, **config.hparams)
        self.base_lr = float(self.optimizer.hparams["lr"])
        self.iteration = 0
        self.examples_seen = 0
        self.status, self.message = "running", ""
        self.events: list[Event] = []
        self.seconds = 0.0
        self._lock = threading.RLock()
        self._record = Recorder()
        self._ratios: dict[str, float] = {}
        self._diagnostics_requested = False
        self._last: StepResult | None = None
        first = self.evaluate()
        self._record.eval(first)
        self.initial = initial_loss_check(first.train_loss, self.feed.classes, self.mlp.regularization(), config.init)

    # -- state ---------------------------------------------------------------------------------------

    @property
    def done(self) -> bool:
        return self.status != "running"

    @property
    def expected_initial_loss(self) -> float:
        """ln(classes): the loss of a uniform softmax, what small random weights start at."""
        return math.log(self.feed.classes)

    @property
    def lr(self) -> float:
        """Learning rate of the next update (the schedule applied to the base rate)."""
        return self.config.schedule.lr(self.base_lr, self.iteration, self.config.iterations)

    @property
    def losses(self) -> np.ndarray:
        """The training loss of every update so far (a copy of that one column, cheaper than `history`)."""
        with self._lock:
            return self._record.steps.copy("losses")

    @property
    def history(self) -> History:
        with self._lock:
            return History(**self._record.history())

    def result(self) -> Run:
        """The run so far as an immutable Run."""
        with self._lock:
            return Run(**self._record.history(), name=self.name, config=self.config, status=self.status,
                       message=self.message, events=tuple(self.events), initial=self.initial, seconds=self.seconds)

    # -- stepping (core.experiment.Experiment) --------------------------------------------------------

    def begin(self) -> Run:
        """The opening payload: the run before its first update (evaluation at iteration 0, initial-loss check)."""
        return self.result()

    def step(self) -> StepResult:
        """One update on the next minibatch; after the end (finished or diverged) returns the last result."""
        with self._lock:
            if self.done and self._last is not None:
                return self._last
            started = time.perf_counter()
            with np.errstate(all="ignore"):
                result = self._step()
            self.seconds += time.perf_counter() - started
            self._last = result
            return result

    def _step(self) -> StepResult:
        cfg, t = self.config, self.iteration
        lr = self.lr
        if lr != self.optimizer.hparams["lr"]:
            self.optimizer.set(lr=lr)
        x, y = self.feed.batch(t)
        loss, _ = self.mlp.loss_and_grads(x, y)
        reg = self.mlp.regularization() if cfg.weight_decay else 0.0
        acc = self.mlp.last_accuracy
        it = t + 1
        start = self.initial.measured
        if exploded(loss, start):
            self.status = "diverged"
            self.message = diagnose_divergence(loss, it, self.optimizer_name, lr, cfg.init, start)
            self._record.step(it, loss, acc, lr)
            return self._result(it, loss, reg, acc, lr, None, None)
        diagnose_now = self._diagnostics_requested or (cfg.diagnostics_every and it % cfg.diagnostics_every == 0)
        before = weight_snapshot(self.mlp) if diagnose_now else None
        self.mlp.optimizer_step(self.optimizer)  # one flat buffer: one pass per sub-step
        self.iteration = it
        self.examples_seen += len(y)
        self._record.step(it, loss, acc, lr)
        diagnostics = None
        if diagnose_now:
            self._ratios = update_ratios(self.mlp, before)
            self._diagnostics_requested = False
            diagnostics = diagnose(self.mlp, self.feed.probe, it, self._ratios)
        evaluation = None
        if it % cfg.eval_every == 0 or it >= cfg.iterations:
            evaluation = self.evaluate()
            self._record.eval(evaluation)
        if it >= cfg.iterations:
            self.status, self.message = "finished", text("run.finished", iterations=it)
        return self._result(it, loss, reg, acc, lr, evaluation, diagnostics)

    def _result(self, it, loss, reg, acc, lr, evaluation, diagnostics) -> StepResult:
        return StepResult(iteration=it, epoch=self.examples_seen / self.feed.n_train,
                          examples_seen=self.examples_seen, loss=float(loss), reg_loss=float(reg),
                          batch_acc=float(acc), lr=float(lr), optimizer=self.optimizer_name, eval=evaluation,
                          diagnostics=diagnostics, status=self.status, message=self.message)

    def run(self) -> Run:
        """Step until finished or diverged; the whole Run."""
        while not self.done:
            self.step()
        return self.result()

    def extend(self, iterations: int) -> None:
        """Plan `iterations` more updates (a finished run continues; a diverged one stays diverged)."""
        with self._lock:
            self.config = self.config.replace(iterations=self.config.iterations + int(iterations))
            if self.status == "finished":
                self.status, self.message = "running", ""

    # -- changes mid-run -----------------------------------------------------------------------------

    def switch_optimizer(self, name: str, **hparams) -> Event:
        """Continue with a fresh optimizer `name` (same weights, new state); raises ValueError for bad input.

        A schedule carries on from the current iteration with the new optimizer's lr as its base.
        """
        with self._lock:
            new = make_optimizer(name, **hparams)
            before = {"name": self.optimizer_name, **self.optimizer.hparams}
            after = {"name": name, **new.hparams}
            message = f"iteration {self.iteration}: switched from {self.optimizer_name} to {_describe(name, hparams)}"
            self.optimizer, self.optimizer_name = new, name
            self.base_lr = float(new.hparams["lr"])
            event = Event(self.iteration, "switch", before, after, message)
            self.events.append(event)
            return event

    def set_hparams(self, **hparams) -> Event:
        """Change hyperparameters from the next update on (state kept); a new lr becomes the schedule's base."""
        with self._lock:
            before = {k: self.optimizer.hparams.get(k) for k in hparams}
            if "lr" in hparams:
                before["lr"] = self.base_lr
            self.optimizer.set(**hparams)
            after = {k: self.optimizer.hparams[k] for k in hparams}
            if "lr" in hparams:
                self.base_lr = float(after["lr"])
            changes = ", ".join(f"{k} {before[k]:g} → {after[k]:g}" if isinstance(after[k], float)
                                else f"{k} {before[k]} → {after[k]}" for k in hparams)
            event = Event(self.iteration, "hparams", before, after, f"iteration {self.iteration}: {changes}")
            self.events.append(event)
            return event

    def set_interrupt(self, check) -> None:
        """`check()` is called between layers of each update and may raise core.experiment.Interrupted: the update
        is then abandoned before any weight changed (batch-norm running averages may have moved once)."""
        self.mlp.interrupt = check

    def request_diagnostics(self) -> None:
        """Attach Diagnostics (with measured update ratios) to the next StepResult."""
        self._diagnostics_requested = True

    # -- looking at the network ----------------------------------------------------------------------

    def evaluate(self) -> EvalResult:
        """Evaluation-mode loss and accuracy on the validation subset and the fixed training subset."""
        with self._lock, np.errstate(all="ignore"):
            (vx, vy), (tx, ty) = self.feed.val, self.feed.train_subset
            val_loss, val_acc = self.mlp.evaluate(vx, vy) if len(vy) else (math.nan, math.nan)
            train_loss, train_acc = self.mlp.evaluate(tx, ty)
            return EvalResult(self.iteration, val_loss, val_acc, train_loss, train_acc)

    def diagnostics(self, probe=None) -> Diagnostics:
        """Per-layer statistics on `probe` (images like the training set; default a fixed training sample).

        Gradient norms are those of the last update; update ratios those of the last diagnosed update.
        """
        with self._lock:
            x = self.feed.probe if probe is None else self.feed.transform(probe)
            return diagnose(self.mlp, x, self.iteration, self._ratios)

    def predict_proba(self, images) -> np.ndarray:
        """Class probabilities for images (uint8 like the training set, one image or many)."""
        images = np.asarray(images)
        with self._lock, np.errstate(all="ignore"):
            return self.mlp.predict_proba(self.feed.transform(images.reshape(-1, self.feed.n_features)))

    def predict(self, images) -> np.ndarray:
        """Predicted class per image."""
        return self.predict_proba(images).argmax(axis=1)


def train(data, config: TrainConfig | None = None):
    """Yield a StepResult per update until the run finishes or diverges; the generator returns the Run."""
    trainer = Trainer(data, config)
    while not trainer.done:
        yield trainer.step()
    return trainer.result()
