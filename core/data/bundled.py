"""The 10,000 MNIST digits shipped in core/data/mnist/ (IDX .gz, package data), split 8,000 / 2,000 (stratified)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from .dataset import Dataset, stratified_split
from .idx import DataError, read_idx_pair

__all__ = ["BUNDLED_DIR", "BUNDLED_FILES", "BUNDLED_VAL", "bundled_digits", "load_bundled"]

BUNDLED_DIR = Path(__file__).resolve().parent / "mnist"  # package data: in every install, not just a checkout
BUNDLED_FILES = ("digits-images-idx3-ubyte.gz", "digits-labels-idx1-ubyte.gz")
BUNDLED_VAL = 2000


@lru_cache(maxsize=1)
def bundled_digits() -> tuple[np.ndarray, np.ndarray]:
    """(images uint8 (10000, 28, 28), labels uint8 (10000,)), read-only, in the order of the files (by class)."""
    images_path, labels_path = (BUNDLED_DIR / name for name in BUNDLED_FILES)
    for path in (images_path, labels_path):
        if not path.is_file():
            raise DataError(f"the bundled digits are missing from {BUNDLED_DIR} "
                            "(regenerate them with tools/make_bundled_mnist.py)", path)
    images, labels = read_idx_pair(images_path, labels_path)
    images.flags.writeable = False
    labels.flags.writeable = False
    return images, labels


def load_bundled(seed: int = 0) -> Dataset:
    """The bundled digits as a Dataset: 8,000 training and 2,000 validation images, stratified, fixed by `seed`."""
    images, labels = bundled_digits()
    train_idx, val_idx = stratified_split(labels, BUNDLED_VAL / len(labels), seed)
    flat = images.reshape(len(images), -1)
    return Dataset(
        name="MNIST (bundled 10k)",
        train_x=flat[train_idx], train_y=labels[train_idx],
        val_x=flat[val_idx], val_y=labels[val_idx],
        description=(f"The first 10,000 MNIST training digits, split {len(train_idx)} / {len(val_idx)} "
                     f"(stratified by class, seed {seed})."),
    )
