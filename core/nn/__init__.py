"""A from-scratch numpy MLP: layers as forward/backward pairs, initialisations, the fused softmax loss."""
from .activations import ACTIVATIONS, ELU, LeakyReLU, Maxout, PReLU, ReLU, Sigmoid, Tanh, make_activation
from .batchnorm import BatchNorm
from .blas import blas_kernel, blas_threads, set_blas_threads
from .dropout import Dropout
from .gradcheck import numerical_gradient, relative_error
from .init import INITS, init_std, init_weight
from .layers import Layer, Linear
from .loss import softmax, softmax_cross_entropy
from .mlp import MLP, Block

__all__ = [
    "ACTIVATIONS",
    "ELU",
    "INITS",
    "MLP",
    "BatchNorm",
    "Block",
    "Dropout",
    "Layer",
    "LeakyReLU",
    "Linear",
    "Maxout",
    "PReLU",
    "ReLU",
    "Sigmoid",
    "Tanh",
    "blas_kernel",
    "blas_threads",
    "init_std",
    "init_weight",
    "make_activation",
    "numerical_gradient",
    "relative_error",
    "set_blas_threads",
    "softmax",
    "softmax_cross_entropy",
]
