"""The errors core raises for what a user typed or chose: ConfigError (a setting) and ExpressionError (a formula).

Both are plain ValueErrors defined here, without sympy, so a GUI can catch them before any formula is typed."""
from __future__ import annotations

__all__ = ["ConfigError", "ExpressionError"]


class ConfigError(ValueError):
    """A configuration value core refuses (a hyperparameter, a training setting, a method name).

    The message reads "<what>: <problem> (<what is allowed>)" or torch.optim's own wording where we follow torch;
    `field` names the setting ("lr", "hidden", "optimizer") so a GUI can point at it.
    """

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


class ExpressionError(ValueError):
    """A formula was refused; ``message`` says why and where, ``column`` is 1-based (or None)."""

    def __init__(self, message: str, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.column = column
