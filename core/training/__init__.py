"""Training runs of the MLP: stepped trainers, optimizer races, schedules, diagnostics and babysitting checks."""
from .babysit import diagnose_divergence, initial_loss_check, learning_check, typical_lr
from .config import PREPROCESSING, TrainConfig
from .diagnostics import histogram_range
from .feed import Feed
from .overfit import OverfitResult, overfit_check
from .race import Race, race
from .results import Diagnostics, EvalResult, Event, History, InitialLoss, LayerStats, Run, StepResult
from .schedule import SCHEDULE_SPECS, SCHEDULES, Schedule
from .summary import Smoother, confusion_matrix
from .trainer import Trainer, train

__all__ = [
    "PREPROCESSING",
    "SCHEDULES", "SCHEDULE_SPECS",
    "Diagnostics",
    "EvalResult",
    "Event",
    "Feed",
    "History",
    "InitialLoss",
    "LayerStats",
    "OverfitResult",
    "Race",
    "Run",
    "Schedule",
    "Smoother",
    "StepResult",
    "TrainConfig",
    "Trainer",
    "confusion_matrix",
    "diagnose_divergence",
    "histogram_range",
    "initial_loss_check",
    "learning_check",
    "overfit_check",
    "race",
    "train",
    "typical_lr",
]
