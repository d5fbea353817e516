"""First-order optimizers with torch.optim's update equations, defaults and names, for a 2-D point or an MLP.

One implementation serves ``{"xy": array([x, y])}`` and a dict of float32 weight arrays: parameters are updated
in place (dtype kept), incoming gradients are never modified. ``make_optimizer("adam", lr=0.1)`` builds one of
the six named methods in ``METHODS``; ``HPARAM_SPECS``, ``EQUATIONS``, ``equation()`` and ``NOTES`` describe them
for the GUI.
"""
from .adagrad import Adagrad
from .adam import Adam
from .base import Optimizer
from .catalog import HPARAM_SPECS, METHODS, NOTES, HParamSpec, make_optimizer
from .equations import EQUATIONS, equation
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = [
    "EQUATIONS",
    "HPARAM_SPECS",
    "METHODS",
    "NOTES",
    "SGD",
    "Adagrad",
    "Adam",
    "HParamSpec",
    "Optimizer",
    "RMSprop",
    "equation",
    "make_optimizer",
]
