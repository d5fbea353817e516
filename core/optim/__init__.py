"""Optimizers with torch.optim's update equations, defaults and names, each declared for core.methods.

First-order methods (SGD, Adagrad, RMSprop, Adam) serve ``{"xy": array([x, y])}`` and a dict of float32 weight
arrays alike: parameters are updated in place (dtype kept), incoming gradients are never modified. Newton and
L-BFGS step a 2-D point on an Oracle. `Method`, `HParamSpec` and `Drawable` describe a method for the registry.
"""
from .adagrad import Adagrad
from .adam import Adam
from .base import Optimizer
from .lbfgs import LBFGS
from .method import Drawable, HParamSpec, Method
from .newton import Newton
from .rmsprop import RMSprop
from .second_order import SecondOrder
from .sgd import SGD

__all__ = ["LBFGS", "SGD", "Adagrad", "Adam", "Drawable", "HParamSpec", "Method", "Newton", "Optimizer", "RMSprop",
           "SecondOrder"]
