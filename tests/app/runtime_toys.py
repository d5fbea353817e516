"""Experiments for the run driver's tests, importable by a spawned worker process (so: module level, no Qt)."""
from __future__ import annotations

import time


class Counter:
    """Counts to `limit`; each step returns its number. `deaf`: every step spins `seconds` ignoring interrupts;
    `slow`: every step spins `seconds`, calling the driver's check every millisecond (like an MLP between layers)."""

    def __init__(self, limit=5, seconds=0.0, deaf=False, fail_at=None):
        self.n, self.limit, self.seconds, self.deaf, self.fail_at = 0, limit, seconds, deaf, fail_at
        self.check = None

    def set_interrupt(self, check):
        self.check = check

    @property
    def done(self):
        return self.n >= self.limit

    def begin(self):
        return ("begin", self.n)

    def step(self):
        end = time.perf_counter() + self.seconds
        while time.perf_counter() < end:
            if not self.deaf and self.check is not None:
                self.check()
            time.sleep(0.001)
        if self.fail_at == self.n + 1:
            raise RuntimeError("step failed on purpose")
        self.n += 1
        return self.n

    def extend(self, n):
        self.limit += n

    def where(self):
        return ("at", self.n)

    def refuse(self):
        raise ValueError("not now")


class Flood:
    """Sends a payload of `size` bytes every step, for ever: its process is nearly always halfway through one."""

    def __init__(self, size=4_000_000):
        self.size = size

    done = False

    def begin(self):
        return b"x" * self.size

    def step(self):
        return b"x" * self.size


def counter(**kwargs):
    return Counter(**kwargs)


def broken():
    raise ValueError("cannot build this")
