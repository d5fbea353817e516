"""The protocol every long run shares — a training run, a training race, a landscape race, a lab experiment.

A driver (the GUI's frame timer, a worker thread or process, a script) calls `begin()` once for the opening
payload, then `step()` until `done`; `extend(n)` plans n more steps of a run that ended by reaching its length.
Payloads are immutable or fresh copies, so they may cross threads.
"""
from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

__all__ = ["Experiment", "Interrupted"]


class Interrupted(Exception):  # noqa: N818 (not an error: the run was asked to stop)
    """Raised inside a long step when its driver asked to stop: the step is abandoned before anything changed."""


@runtime_checkable
class Experiment(Protocol):
    """begin() → the opening payload; step() → what one step produced; done; extend(n)."""

    @property
    def done(self) -> bool: ...

    def begin(self) -> Any: ...

    def step(self) -> Any: ...

    def extend(self, iterations: int) -> None: ...
