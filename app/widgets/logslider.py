"""One float as a slider plus a number box, on a log10 or a linear scale; the two always agree."""
from __future__ import annotations

import math
import re

from PySide6.QtCore import QSignalBlocker, QSize, Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox, QHBoxLayout, QSlider, QWidget

from app.widgets.fonts import scale_fonts

__all__ = ["LogSlider", "NumberBox", "format_number", "parse_number"]

# Anything the user may be half-way through typing: "", "-", "1e", "3.5e-", ",5" ...
_PARTIAL = re.compile(r"[+-]?(\d+[.,]?\d*|[.,]\d*)?([eE][+-]?\d*)?")
SLIDER_STEPS = 1000
# A log scale cannot reach 0: when the minimum is 0 the slider spans [maximum·1e-6, maximum] and its
# leftmost position means exactly the minimum.
LOG_FLOOR_RATIO = 1e-6


def format_number(value: float, digits: int = 6) -> str:
    """Shortest readable text: 0.9, 0.01, 1e-3, 3.2e-5 (lecture style), at most `digits` significant digits."""
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    if 1e-2 <= abs(value) < 1e5:
        return f"{value:.{digits}g}"
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent)}"


def parse_number(text: str) -> float | None:
    """The float a user typed ("1e-3", "0,5", " 2 "), or None when it is not (yet) a number."""
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        return None
    return None if math.isnan(value) else value


class NumberBox(QDoubleSpinBox):
    """A QDoubleSpinBox that reads and writes lecture-style numbers and clamps typed values into range.

    Out-of-range entries are clamped on Enter / focus-out and unreadable ones revert to the previous
    value; either way `notice` (str) says what happened. Arrow keys step 1-2-5 per decade on a log box.
    """

    notice = Signal(str)

    def __init__(self, minimum: float, maximum: float, log: bool = False, step: float | None = None, parent=None):
        super().__init__(parent)
        self._log = log
        self._step = step
        self._pending = ""
        self.setDecimals(323)  # keep every digit: rounding is done by format_number for display only
        self.setRange(minimum, maximum)
        self.setKeyboardTracking(False)  # emit on Enter / focus-out, once, not per keystroke
        self.setAccelerated(True)
        self.editingFinished.connect(self._flush_notice)

    def textFromValue(self, value: float) -> str:  # noqa: N802 (Qt name)
        return format_number(value)

    def valueFromText(self, text: str) -> float:  # noqa: N802 (Qt name)
        # Re-reading the displayed (rounded) text must not nudge the stored value.
        if text.strip() == self.textFromValue(self.value()):
            return self.value()
        value = parse_number(text)
        return self.value() if value is None else min(max(value, self.minimum()), self.maximum())

    def validate(self, text: str, pos: int):
        if not _PARTIAL.fullmatch(text.strip()):
            return QValidator.State.Invalid, text, pos
        value = parse_number(text)
        if value is not None and self.minimum() <= value <= self.maximum():
            return QValidator.State.Acceptable, text, pos
        return QValidator.State.Intermediate, text, pos

    def fixup(self, text: str) -> str:
        value = parse_number(text)
        if value is None:
            self._pending = f"“{text.strip()}” is not a number; kept {format_number(self.value())}."
            return text
        lo, hi = self.minimum(), self.maximum()
        if value < lo:
            self._pending = f"{text.strip()} is below the minimum {format_number(lo)}; using {format_number(lo)}."
        elif value > hi:
            self._pending = f"{text.strip()} is above the maximum {format_number(hi)}; using {format_number(hi)}."
        return format_number(min(max(value, lo), hi))

    def stepBy(self, steps: int) -> None:  # noqa: N802 (Qt name)
        value = self.value()
        for _ in range(abs(steps)):
            value = self._next(value, 1 if steps > 0 else -1)
        self.setValue(min(max(value, self.minimum()), self.maximum()))
        self.selectAll()

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        wide = self.fontMetrics().horizontalAdvance("-8.88888e-88") + 32
        return QSize(max(hint.width(), wide), hint.height())

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def _next(self, value: float, direction: int) -> float:
        if self._log and value > 0:
            return _nice_neighbour(value, direction)
        if self._log:  # at 0 on a log box: jump to the lowest nice value above the floor
            return _nice_neighbour(self.maximum() * LOG_FLOOR_RATIO, 1) if direction > 0 else value
        step = self._step or _nice_linear_step(self.maximum() - self.minimum())
        return float(f"{round(value / step) * step + direction * step:.12g}")

    def _flush_notice(self) -> None:
        if self._pending:
            message, self._pending = self._pending, ""
            self.notice.emit(message)


def _nice_neighbour(value: float, direction: int) -> float:
    """The next value of the 1-2-5 series (…, 1e-3, 2e-3, 5e-3, 1e-2, …) strictly above or below `value`."""
    decade = math.floor(math.log10(value))
    candidates = [m * 10.0**e for e in range(decade - 1, decade + 2) for m in (1, 2, 5)]
    if direction > 0:
        return min(c for c in candidates if c > value * (1 + 1e-9))
    return max(c for c in candidates if c < value * (1 - 1e-9))


def _nice_linear_step(span: float) -> float:
    return 10.0 ** round(math.log10(span / 50)) if span > 0 else 1.0


class LogSlider(QWidget):
    """A slider and a NumberBox editing one float in [minimum, maximum]; the two always show the same value.

    API:
      - ``LogSlider(minimum, maximum, value=None, log=True, parent=None)``; ``log=False`` gives a linear scale.
        On a log scale the slider steps uniformly in log10 (its middle is the geometric mean of the ends); a
        minimum <= 0 is reachable at the slider's leftmost position.
      - ``value() -> float``; ``setValue(v)`` clamps into range and is silent (no ``valueChanged``).
      - ``valueChanged(float)``: exactly once per user edit (slider move, Enter / focus-out in the box, arrows).
      - ``notice(str)``: a typed value was clamped or unreadable (what happened, in words).
      - ``slider`` (QSlider, 0..1000) and ``box`` (NumberBox) are public for layout and tests.
      - ``set_presentation(on)``: projector-size text.
    """

    valueChanged = Signal(float)
    notice = Signal(str)

    def __init__(self, minimum: float, maximum: float, value: float | None = None, log: bool = True, parent=None):
        super().__init__(parent)
        if not minimum < maximum:
            raise ValueError(f"LogSlider needs minimum < maximum, got {minimum} and {maximum}")
        self._min, self._max = float(minimum), float(maximum)
        self._log = bool(log) and maximum > 0
        self._lo = self._min if self._min > 0 else self._max * LOG_FLOOR_RATIO
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setRange(0, SLIDER_STEPS)
        self.slider.setSingleStep(10)
        self.slider.setPageStep(100)
        self.box = NumberBox(self._min, self._max, log=self._log, parent=self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.box)
        self.setValue(self._min if value is None else value)
        self.slider.valueChanged.connect(self._slider_moved)
        self.box.valueChanged.connect(self._box_changed)
        self.box.notice.connect(self.notice)

    def value(self) -> float:
        return self.box.value()

    def setValue(self, value: float) -> None:  # noqa: N802 (Qt naming)
        """Show `value` (clamped) in both controls without emitting valueChanged."""
        with QSignalBlocker(self.box):
            self.box.setValue(float(value))
        self._sync_slider()

    def minimum(self) -> float:
        return self._min

    def maximum(self) -> float:
        return self._max

    def set_presentation(self, on: bool) -> None:
        scale_fonts(self, on)

    def position_to_value(self, position: int) -> float:
        """The value a slider position stands for, rounded to 3 significant digits."""
        t = position / SLIDER_STEPS
        if self._log:
            if position <= 0:
                return self._min
            value = 10.0 ** (math.log10(self._lo) + t * (math.log10(self._max) - math.log10(self._lo)))
        else:
            value = self._min + t * (self._max - self._min)
        return min(max(float(f"{value:.3g}"), self._min), self._max)

    def value_to_position(self, value: float) -> int:
        if self._log:
            if value < self._lo:
                return 0
            t = (math.log10(value) - math.log10(self._lo)) / (math.log10(self._max) - math.log10(self._lo))
        else:
            t = (value - self._min) / (self._max - self._min)
        return round(min(max(t, 0.0), 1.0) * SLIDER_STEPS)

    def _sync_slider(self) -> None:
        with QSignalBlocker(self.slider):
            self.slider.setValue(self.value_to_position(self.box.value()))

    def _slider_moved(self, position: int) -> None:
        value = self.position_to_value(position)
        if value == self.box.value():
            return
        with QSignalBlocker(self.box):
            self.box.setValue(value)
        self.valueChanged.emit(value)

    def _box_changed(self, value: float) -> None:
        self._sync_slider()
        self.valueChanged.emit(value)
