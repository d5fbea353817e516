"""Minibatches in a seeded order and the fixed evaluation subsets, turned into float32 once per batch."""
from __future__ import annotations

import numpy as np

from ..data import Preprocessor

__all__ = ["Feed"]

# Training sets whose float32 copy fits in this many bytes are transformed once (the bundled 8,000 digits take
# 25 MB) instead of batch by batch; full MNIST (188 MB) stays uint8. Both give bit-identical batches.
PRETRANSFORM_BYTES = 64 * 2**20


def _labels(data, part: str, n: int, classes: int) -> np.ndarray:
    y = np.asarray(getattr(data, f"{part}_y"))
    if y.shape != (n,) or (n and (y.dtype.kind not in "iu" or y.min() < 0 or y.max() >= classes)):
        raise ValueError(f"{part}_y must hold {n} integer labels in [0, {classes}), got shape {y.shape}, {y.dtype}")
    return y.astype(np.intp)


class Feed:
    """The same seed gives the same batches: epoch e visits the training set in permutation(seed, e).

    Batch t (0-based) is rows t·b … (t+1)·b of its epoch's permutation; the incomplete last batch of an epoch is
    dropped so every step sees exactly `batch_size` examples. uint8 images go through a Preprocessor fitted on
    the training set; float features are used as given. The most recent batch is cached, so runs that share a
    Feed (a race) prepare each batch once. Batches are read-only for their users.
    """

    def __init__(self, data, batch_size: int = 128, preprocess: str = "center", seed: int = 0,
                 eval_size: int = 2000, probe_size: int = 500):
        for name in ("train_x", "train_y", "val_x", "val_y", "classes"):
            if not hasattr(data, name):
                raise ValueError(f"data has no {name!r}: pass a Dataset (core.load_mnist()) or something like it")
        self.classes = int(data.classes)
        self.train_x = np.asarray(data.train_x)
        self.val_x = np.asarray(data.val_x)
        if self.train_x.ndim != 2 or len(self.train_x) == 0:
            raise ValueError(f"train_x must be a non-empty (n, features) array, got shape {self.train_x.shape}")
        if self.val_x.ndim != 2 or self.val_x.shape[1] != self.train_x.shape[1]:
            raise ValueError(f"val_x must be (n, {self.train_x.shape[1]}), got shape {self.val_x.shape}")
        self.train_y = _labels(data, "train", len(self.train_x), self.classes)
        self.val_y = _labels(data, "val", len(self.val_x), self.classes)
        self.n_train, self.n_features = self.train_x.shape
        self.batch_size = min(int(batch_size), self.n_train)
        self.batches_per_epoch = self.n_train // self.batch_size
        self.seed = seed
        if self.train_x.dtype == np.uint8:
            self.preprocessor = Preprocessor(preprocess).fit(self.train_x)
        elif self.train_x.dtype.kind == "f":
            self.preprocessor = None
        else:
            raise ValueError(f"images must be uint8 (or float features), got {self.train_x.dtype}")

        rng = np.random.default_rng([seed, 3])
        n_val = min(eval_size, len(self.val_x))
        val_idx = np.sort(rng.choice(len(self.val_x), n_val, replace=False)) if n_val else np.arange(0)
        sub_idx = np.sort(rng.choice(self.n_train, min(n_val or eval_size, self.n_train), replace=False))
        self.val = (self.transform(self.val_x[val_idx]), self.val_y[val_idx])
        self.train_subset = (self.transform(self.train_x[sub_idx]), self.train_y[sub_idx])
        probe_idx = rng.choice(self.n_train, min(probe_size, self.n_train), replace=False)
        self.probe = self.transform(self.train_x[np.sort(probe_idx)])
        small = self.n_train * self.n_features * 4 <= PRETRANSFORM_BYTES
        self._train_f = self.transform(self.train_x) if small else None
        self._epoch, self._perm = -1, None
        self._cached: tuple[int, np.ndarray, np.ndarray] | None = None

    def transform(self, x: np.ndarray) -> np.ndarray:
        """float32 features for images of the training kind (uint8 → preprocessed, float → as given)."""
        x = np.asarray(x)
        if self.preprocessor is not None:
            if x.dtype != np.uint8:
                raise ValueError(f"expected uint8 images like the training set, got {x.dtype}")
            out = self.preprocessor.transform(x)
        else:
            out = np.ascontiguousarray(x, dtype=np.float32)
        if out.ndim != 2 or out.shape[1] != self.n_features:
            raise ValueError(f"expected (n, {self.n_features}) inputs, got shape {np.shape(x)}")
        out.flags.writeable = False
        return out

    def batch(self, t: int) -> tuple[np.ndarray, np.ndarray]:
        """(x float32 (b, d), y intp (b,)) for iteration t (0-based)."""
        if self._cached is not None and self._cached[0] == t:
            return self._cached[1], self._cached[2]
        epoch, j = divmod(t, self.batches_per_epoch)
        if epoch != self._epoch:
            self._perm = np.random.default_rng([self.seed, 4, epoch]).permutation(self.n_train)
            self._epoch = epoch
        idx = self._perm[j * self.batch_size:(j + 1) * self.batch_size]
        if self._train_f is not None:
            x = self._train_f[idx]
            x.flags.writeable = False
        else:
            x = self.transform(self.train_x[idx])
        y = self.train_y[idx]
        self._cached = (t, x, y)
        return x, y
