"""Ctrl+C in the terminal (SIGINT) or a SIGTERM closes the window as its close button does: workers are stopped,
nothing is left running, and no KeyboardInterrupt traceback is printed from inside whatever Qt callback Python
happened to be running.

Python runs a signal handler only between bytecodes of the main thread, and Qt's event loop may sit in C++ for a
long time: the C-level handler therefore also writes a byte to a socket (`signal.set_wakeup_fd`) that a
QSocketNotifier watches, so the loop wakes at once and the handler runs.
"""
from __future__ import annotations

import contextlib
import signal
import socket

from PySide6.QtCore import QObject, QSocketNotifier, QTimer

__all__ = ["CloseOnSignals"]


class CloseOnSignals(QObject):
    """While it exists, SIGINT and SIGTERM call `close()` (once) and are remembered in `received`."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self, close, parent=None):
        super().__init__(parent)
        self.received: int | None = None  # the first signal that came
        self._close = close
        self._reader, self._writer = socket.socketpair()
        for end in (self._reader, self._writer):
            end.setblocking(False)
        self._old_fd = signal.set_wakeup_fd(self._writer.fileno(), warn_on_full_buffer=False)
        self._old = {s: signal.signal(s, self._handle) for s in self.SIGNALS}
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)

    def _drain(self, *_args) -> None:
        with contextlib.suppress(OSError):  # the bytes only woke the loop; the handler has run (or runs now)
            while self._reader.recv(64):
                pass

    def _handle(self, signum, _frame) -> None:
        if self.received is None:
            self.received = signum
            QTimer.singleShot(0, self._close)  # from the event loop, not from inside the interrupted callback

    def restore(self) -> None:
        """Give the signals their earlier handlers back and close the sockets."""
        self._notifier.setEnabled(False)
        for s, old in self._old.items():
            signal.signal(s, old)
        signal.set_wakeup_fd(self._old_fd)
        self._reader.close()
        self._writer.close()
