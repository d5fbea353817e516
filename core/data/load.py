"""One entry point for every source of MNIST-format data: the bundled digits, full MNIST, or a folder."""
from __future__ import annotations

import os
from pathlib import Path

from .bundled import load_bundled
from .dataset import DIGIT_NAMES, Dataset
from .download import default_cache_dir, missing_mnist_files
from .folder import load_idx_folder
from .idx import DataError

__all__ = ["load_full_mnist", "load_mnist"]


def load_full_mnist(cache_dir: str | os.PathLike | None = None) -> Dataset:
    """The official 60,000 training images, and the official 10,000 test images as the validation set."""
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    missing = missing_mnist_files(folder)
    if missing:
        raise DataError(f"full MNIST is not downloaded in {folder} ({', '.join(missing)} missing). "
                        "Download it first (download_mnist), or use the bundled digits.")
    dataset = load_idx_folder(folder, class_names=DIGIT_NAMES)
    return Dataset(name="MNIST (full 60k)", train_x=dataset.train_x, train_y=dataset.train_y,
                   val_x=dataset.val_x, val_y=dataset.val_y,
                   description="The official MNIST training set (60,000 images); validation is the official "
                               "test set (10,000 images), so the split is fixed and the seed plays no part.")


def load_mnist(source: str | os.PathLike = "bundled", cache_dir: str | os.PathLike | None = None,
               seed: int = 0) -> Dataset:
    """"bundled" (10,000 shipped digits, 8,000/2,000 by `seed`), "full" (downloaded into cache_dir) or a folder."""
    if isinstance(source, str) and source == "bundled":
        return load_bundled(seed)
    if isinstance(source, str) and source == "full":
        return load_full_mnist(cache_dir)
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError(f"source must be 'bundled', 'full' or a folder path, got {type(source).__name__}")
    return load_idx_folder(source)
