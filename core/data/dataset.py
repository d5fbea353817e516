"""A labelled image dataset split into training and validation parts, and the stratified split that makes one."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["DIGIT_NAMES", "FASHION_NAMES", "Dataset", "stratified_split"]

DIGIT_NAMES = tuple(str(d) for d in range(10))
FASHION_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                 "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")


def _frozen(a: np.ndarray) -> np.ndarray:
    # A read-only view: the caller's own array stays writable, ours cannot be changed through it.
    view = np.ascontiguousarray(a).view()
    view.flags.writeable = False
    return view


@dataclass(frozen=True, eq=False)
class Dataset:
    """Images stay uint8 (n, rows·cols), labels uint8 (n,) below `classes`; all arrays are read-only."""

    name: str
    train_x: np.ndarray
    train_y: np.ndarray
    val_x: np.ndarray
    val_y: np.ndarray
    classes: int = 10
    image_shape: tuple[int, int] = (28, 28)
    class_names: tuple[str, ...] = DIGIT_NAMES
    description: str = field(default="")

    def __post_init__(self):
        d = self.image_shape[0] * self.image_shape[1]
        for part in ("train", "val"):
            x, y = getattr(self, f"{part}_x"), getattr(self, f"{part}_y")
            x = np.asarray(x).reshape(len(x), -1) if np.ndim(x) == 3 else np.asarray(x)
            y = np.asarray(y)
            if x.dtype != np.uint8 or y.dtype != np.uint8:
                raise ValueError(f"{part} images and labels must be uint8, got {x.dtype} and {y.dtype}")
            if x.ndim != 2 or x.shape[1] != d or y.shape != (len(x),):
                raise ValueError(f"{part}: expected images (n, {d}) and labels (n,), got {x.shape} and {y.shape}")
            if len(y) and y.max() >= self.classes:
                raise ValueError(f"{part} labels must be below {self.classes}, found {y.max()}")
            object.__setattr__(self, f"{part}_x", _frozen(x))
            object.__setattr__(self, f"{part}_y", _frozen(y))
        if len(self.class_names) != self.classes:
            raise ValueError(f"{self.classes} classes but {len(self.class_names)} class names")
        object.__setattr__(self, "image_shape", tuple(self.image_shape))
        object.__setattr__(self, "class_names", tuple(self.class_names))

    @property
    def n_train(self) -> int:
        return len(self.train_y)

    @property
    def n_val(self) -> int:
        return len(self.val_y)

    @property
    def n_features(self) -> int:
        return self.train_x.shape[1]

    def __repr__(self) -> str:
        return (f"Dataset({self.name!r}, train={self.n_train}, val={self.n_val}, "
                f"image_shape={self.image_shape}, classes={self.classes})")


def stratified_split(labels: np.ndarray, val_fraction: float = 0.2,
                     seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(train_idx, val_idx): disjoint, covering every index, each class split within one item of the fraction.

    The same labels and seed always give the same split; both index arrays come out shuffled so the class order
    of the source never leaks into the order of the examples.
    """
    labels = np.asarray(labels)
    if not 0.0 <= val_fraction <= 1.0:
        raise ValueError(f"val_fraction must be in [0, 1], got {val_fraction}")
    rng = np.random.default_rng(seed)
    classes, counts = np.unique(labels, return_counts=True)
    exact = counts * val_fraction
    n_val = np.floor(exact).astype(int)
    # Largest remainders take the leftover places, so the total is round(n · fraction) and each class is within 1.
    leftover = round(len(labels) * val_fraction) - n_val.sum()
    order = np.argsort(-(exact - n_val), kind="stable")
    n_val[order[:leftover]] += 1
    train, val = [], []
    for c, k in zip(classes, n_val, strict=False):
        idx = rng.permutation(np.flatnonzero(labels == c))
        val.append(idx[:k])
        train.append(idx[k:])
    empty = np.empty(0, dtype=np.intp)
    train_idx = rng.permutation(np.concatenate(train) if train else empty)
    val_idx = rng.permutation(np.concatenate(val) if val else empty)
    return train_idx, val_idx
