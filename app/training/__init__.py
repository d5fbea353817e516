"""The Training tab: an MLP learns MNIST live; optimizers switch mid-run and race; diagnostics look inside."""
from app.training.tab import TrainingTab

__all__ = ["TrainingTab"]
