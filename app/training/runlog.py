"""Short texts about a run: the label of a switch marker, the status line under the toolbar."""
from __future__ import annotations

import math

from app.training.options import method_label
from app.widgets import format_number

STATES = {"running": "training", "paused": "paused", "finished": "finished", "stopped": "stopped", "idle": ""}


def _value(value) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return format_number(float(value), 3)


def change_label(event) -> str:
    """"SGD → Adam" for a switch; "lr 0.01 → 0.1" for a hyperparameter change (core Event)."""
    if event.kind == "switch":
        before, after = event.before.get("name", "?"), event.after.get("name", "?")
        lr = event.after.get("lr")
        suffix = f" (lr {_value(lr)})" if lr is not None else ""
        return f"{method_label(before)} → {method_label(after)}{suffix}"
    parts = [f"{name} {_value(event.before.get(name))} → {_value(value)}" for name, value in event.after.items()]
    return ", ".join(parts) or event.message


def status_text(state: str, tick, records: dict) -> str:
    """One line: state, iteration, epoch, smoothed loss and last validation accuracy, as core reported them."""
    if tick is None:
        return {"running": "Loading data and building the network…"}.get(state, "Press Space to train")
    result = tick.result
    head = STATES.get(state, state)
    if result.status == "diverged" and len(records) == 1:
        head = "diverged"
    elif result.status == "finished" and state != "running":
        head = "finished"
    parts = [head] if head else []
    if len(records) > 1:
        parts.append(f"race of {len(records)}")
    else:
        parts.append(method_label(result.optimizer))
    parts += [f"iteration {result.iteration:,}", f"epoch {result.epoch:.2f}"]
    if len(records) == 1:
        record = next(iter(records.values()))
        parts.append(f"loss {_value(tick.smooth)}" if math.isfinite(tick.smooth) else "loss NaN")
        acc = record.evals.last("val_acc")
        if math.isfinite(acc):
            parts.append(f"val. accuracy {acc:.1%}")
        parts.append(f"lr {_value(result.lr)}")
    return " · ".join(parts)


def divergence_text(result, racer: str = "") -> str:
    """core's diagnosis of a divergence, with what it means for the network and the app."""
    head = f"{racer}: " if racer else ""
    return (head + result.message + ". The network's weights are ruined, but the app is fine: apply the fix, or "
            "change the settings, and reset.")
