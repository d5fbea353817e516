"""The one base class of every setting core refuses: a ValueError whose message names the field and the fix."""
from __future__ import annotations

__all__ = ["ConfigError"]


class ConfigError(ValueError):
    """A configuration value core refuses (a hyperparameter, a training setting, a method name).

    The message reads "<what>: <problem> (<what is allowed>)" or torch.optim's own wording where we follow torch;
    `field` names the setting ("lr", "hidden", "optimizer") so a GUI can point at it.
    """

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field
