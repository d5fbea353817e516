"""The frame driver: every redraw a tab asks for is coalesced into one per frame; no handler repaints directly."""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Signal

__all__ = ["FRAME_MS", "FrameDriver"]

FRAME_MS = 16  # ~60 frames per second


class FrameDriver(QObject):
    """`request()` as often as you like; `render` runs once, at the next frame. While `ticking`, `tick` is called
    every frame before the render (playback advances there)."""

    rendered = Signal()

    def __init__(self, render, tick=None, parent=None, interval_ms: int = FRAME_MS):
        super().__init__(parent)
        self._render, self._tick = render, tick
        self._pending = False
        self.ticking = False
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.frame)
        self._once = QTimer(self)
        self._once.setSingleShot(True)
        self._once.setInterval(0)
        self._once.timeout.connect(self.flush)

    def request(self) -> None:
        """Redraw at the next frame (many requests before it make one redraw)."""
        self._pending = True
        if not self.ticking and not self._once.isActive():
            self._once.start()

    def start(self) -> None:
        """Call `tick` every frame (and redraw) until `stop`."""
        self.ticking = True
        if not self.timer.isActive():
            self.timer.start()

    def stop(self) -> None:
        self.ticking = False
        self.timer.stop()

    def cancel(self) -> None:
        """No more frames: stop ticking and drop a pending redraw (the views are about to go away)."""
        self.stop()
        self._once.stop()
        self._pending = False

    def flush(self) -> None:
        """Redraw now if a redraw is pending (tests and exports that need the picture up to date)."""
        if self._pending:
            self._pending = False
            self._render()
            self.rendered.emit()

    def frame(self) -> None:
        """One frame: `tick` (while ticking), then the redraw."""
        if self.ticking and self._tick is not None:
            self._tick()
            self._pending = True
        self.flush()
