"""The loss and accuracy charts over the current run's Records and the faded ghosts of earlier runs."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter

from app.training.views.charts import AccuracyChart, LossChart
from app.training.views.record import Record


class Curves:
    """Current records by label (one per run, or one per racer) and ghosts kept until `clear_ghosts`."""

    def __init__(self, parent=None):
        self.loss = LossChart()
        self.accuracy = AccuracyChart()
        self.accuracy.item.setXLink(self.loss.item)
        self.widget = QSplitter(Qt.Orientation.Vertical, parent)
        self.widget.addWidget(self.loss.plot)
        self.widget.addWidget(self.accuracy.plot)
        self.widget.setSizes([600, 350])
        self.records: dict[str, Record] = {}
        self.ghosts: list[Record] = []

    def new(self, label: str, color: str, show_raw: bool = True) -> Record:
        record = Record(label, label, color, show_raw)
        self.records[label] = record
        for chart in (self.loss, self.accuracy):
            chart.add(record)
        return record

    def archive(self) -> None:
        """The current curves become ghosts."""
        for record in self.records.values():
            record.ghost = True
            for chart in (self.loss, self.accuracy):
                chart.restyle(record)
            self.ghosts.append(record)
        self.records = {}
        self.refresh()

    def clear_ghosts(self) -> None:
        for record in self.ghosts:
            for chart in (self.loss, self.accuracy):
                chart.remove(record)
        self.ghosts = []

    # -- payloads from the worker ---------------------------------------------------------------------------
    def add_start(self, started) -> None:
        """The evaluation before any update, at x = 0 on every axis."""
        for label, evaluation in zip(started.labels, started.evals, strict=False):
            if label in self.records:
                self.records[label].add_eval({"iteration": 0, "epoch": 0, "examples": 0, "seconds": 0,
                                              "train_acc": evaluation.train_acc, "val_acc": evaluation.val_acc,
                                              "val_loss": evaluation.val_loss})

    def add_tick(self, tick) -> Record | None:
        """One step (and its evaluation, if any) of the record `tick.label`; None if that run is gone."""
        record = self.records.get(tick.label)
        if record is None:
            return None
        result = tick.result
        x = {"iteration": result.iteration, "epoch": result.epoch, "examples": result.examples_seen,
             "seconds": tick.seconds}
        record.add_step({**x, "loss": result.loss, "smooth": tick.smooth})
        if result.eval is not None:
            e = result.eval
            record.add_eval({**x, "train_acc": e.train_acc, "val_acc": e.val_acc, "val_loss": e.val_loss})
        record.last = tick
        return record

    def rename(self, key: str, label: str) -> None:
        """The legend's name of run `key` (the optimizer sequence after a switch)."""
        record = self.records.get(key)
        if record is not None:
            record.label = label
            for chart in (self.loss, self.accuracy):
                chart.relabel(record)

    def add_change(self, label: str, iteration: float, text: str) -> None:
        record = self.records.get(label)
        if record is not None:
            record.add_event(iteration, text)

    def refresh(self) -> None:
        self.loss.refresh()
        self.accuracy.refresh()

    def set_x_axis(self, label: str) -> None:
        self.loss.set_x_axis(label)
        self.accuracy.set_x_axis(label)

    def set_presentation(self, on: bool) -> None:
        self.loss.set_presentation(on)
        self.accuracy.set_presentation(on)
