"""A folder of MNIST-format IDX files (MNIST, Fashion-MNIST, ...): train-* for training, t10k-* for validation."""
from __future__ import annotations

import os
import re
from pathlib import Path

from .dataset import DIGIT_NAMES, FASHION_NAMES, Dataset
from .idx import DataError, read_idx_pair

__all__ = ["IDX_ROLES", "find_idx_files", "load_idx_folder"]

# role -> (pattern, the standard name shown when it is missing). Accepts .gz or raw, "-idx3-ubyte" or
# ".idx3-ubyte" (how some unzip tools rename them), "_" for "-", "test" for "t10k", any case.
IDX_ROLES = {
    "train images": (r"train[-_.]images[-_.]idx3[-_.]ubyte", "train-images-idx3-ubyte[.gz]"),
    "train labels": (r"train[-_.]labels[-_.]idx1[-_.]ubyte", "train-labels-idx1-ubyte[.gz]"),
    "t10k images": (r"(?:t10k|test)[-_.]images[-_.]idx3[-_.]ubyte", "t10k-images-idx3-ubyte[.gz]"),
    "t10k labels": (r"(?:t10k|test)[-_.]labels[-_.]idx1[-_.]ubyte", "t10k-labels-idx1-ubyte[.gz]"),
}


MNIST_SHAPE = (28, 28)  # the network's input, the drawing pad and the predictions grid all assume it


def find_idx_files(folder: str | os.PathLike) -> dict[str, Path]:
    """role -> file for each of IDX_ROLES found in `folder` (a raw file wins over its .gz); DataError if any lacks."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError("folder not found" if not folder.exists() else "not a folder", folder)
    names = sorted(p.name for p in folder.iterdir() if p.is_file())
    found, missing = {}, []
    for role, (pattern, standard) in IDX_ROLES.items():
        matches = [n for n in names if re.fullmatch(pattern + r"(\.gz)?", n, re.IGNORECASE)]
        if matches:
            # Sorted names put "x" before "x.gz", so an unpacked file is preferred over its archive.
            found[role] = folder / min(matches, key=lambda n: (n.lower().endswith(".gz"), n))
        else:
            missing.append(f"{role} ({standard})")
    if missing:
        seen = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "") if names else "nothing"
        raise DataError(f"not an MNIST-format folder: missing {'; '.join(missing)}. Found: {seen}", folder)
    return found


def load_idx_folder(folder: str | os.PathLike, class_names: tuple[str, ...] | None = None) -> Dataset:
    """The folder's train-* files as training data and t10k-* (the official test set) as validation data."""
    folder = Path(folder)
    files = find_idx_files(folder)
    train_x, train_y = read_idx_pair(files["train images"], files["train labels"])
    val_x, val_y = read_idx_pair(files["t10k images"], files["t10k labels"])
    if len(train_x) == 0:
        raise DataError("holds no training images", files["train images"])
    if len(val_x) == 0:
        raise DataError("holds no test images: the t10k set is needed to validate (at least one image)",
                        files["t10k images"])
    if tuple(train_x.shape[1:]) != MNIST_SHAPE:
        size = f"{MNIST_SHAPE[0]}×{MNIST_SHAPE[1]}"
        raise DataError(f"images are {train_x.shape[1]}×{train_x.shape[2]}; Descent Lab trains on {size} images "
                        "(MNIST, Fashion-MNIST, KMNIST)", files["train images"])
    if train_x.shape[1:] != val_x.shape[1:]:
        raise DataError(f"train images are {train_x.shape[1]}×{train_x.shape[2]} but t10k images are "
                        f"{val_x.shape[1]}×{val_x.shape[2]}", files["t10k images"])
    if class_names is None:
        class_names = FASHION_NAMES if "fashion" in str(folder.resolve()).lower() else DIGIT_NAMES
    return Dataset(
        name=folder.name or str(folder),
        train_x=train_x.reshape(len(train_x), -1), train_y=train_y,
        val_x=val_x.reshape(len(val_x), -1), val_y=val_y,
        image_shape=train_x.shape[1:], class_names=class_names,
        description=(f"{len(train_y)} training images from {files['train images'].name}; validation is the "
                     f"official test set ({len(val_y)} images from {files['t10k images'].name})."),
    )
