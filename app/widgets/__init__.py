"""Widgets shared by the tabs: number sliders, the hyperparameter editor, the equation panel, the formula box.

Each takes plain data (spec objects, texts, callables) so it never needs a particular core module, and each
has ``set_presentation(on)`` for projector mode (``scale_fonts`` does the same for any other widget).
"""
from app.widgets.equation import EquationPanel
from app.widgets.fonts import PRESENTATION_PX, monospace_font, scale_fonts
from app.widgets.formula import FormulaBox
from app.widgets.hparams import HyperparameterEditor, ValueEditor
from app.widgets.logslider import LogSlider, NumberBox, format_number

__all__ = [
    "PRESENTATION_PX",
    "EquationPanel",
    "FormulaBox",
    "HyperparameterEditor",
    "LogSlider",
    "NumberBox",
    "ValueEditor",
    "format_number",
    "monospace_font",
    "scale_fonts",
]
