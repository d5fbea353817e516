"""Projector mode for widgets: one pixel size for every label, restored exactly when switched off."""
from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QWidget

__all__ = ["PRESENTATION_PX", "monospace_font", "scale_fonts", "set_text_color"]

PRESENTATION_PX = 22  # readable from the back of a lecture hall on a 1080p projector


def scale_fonts(widget: QWidget, on: bool, pixel_size: int = PRESENTATION_PX) -> None:
    """Give `widget` (and the children that inherit its font) `pixel_size` px text, or its own font back."""
    if not hasattr(widget, "_normal_font"):
        widget._normal_font = QFont(widget.font())
    font = QFont(widget._normal_font)
    if on:
        font.setPixelSize(pixel_size)
    widget.setFont(font)


def monospace_font(pixel_size: int) -> QFont:
    """The system's fixed-pitch font at `pixel_size` px (for update rules and formula carets)."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setPixelSize(pixel_size)
    return font


def set_text_color(widget: QWidget, color: str) -> None:
    """Colour a label's text through its palette (a style sheet would stop font inheritance)."""
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.WindowText, QColor(color))
    widget.setPalette(palette)
