"""Training runs of the MLP: stepped trainers, optimizer races, schedules, diagnostics and babysitting checks."""
from .babysit import TYPICAL_LR, OverfitResult, diagnose_divergence, initial_loss_check, overfit_check
from .config import PREPROCESSING, TrainConfig
from .diagnostics import histogram_range
from .feed import Feed
from .race import Race, race
from .results import Diagnostics, EvalResult, Event, History, InitialLoss, LayerStats, Run, StepResult
from .schedule import SCHEDULES, Schedule
from .summary import Smoother, confusion_matrix
from .trainer import Trainer, train

__all__ = [
    "TrainConfig", "PREPROCESSING", "Schedule", "SCHEDULES", "Trainer", "train", "Race", "race", "Feed",
    "StepResult", "EvalResult", "LayerStats", "Diagnostics", "Event", "History", "Run", "InitialLoss",
    "histogram_range", "initial_loss_check", "diagnose_divergence", "overfit_check", "OverfitResult", "TYPICAL_LR",
    "Smoother", "confusion_matrix",
]
