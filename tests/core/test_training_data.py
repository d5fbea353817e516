"""Small synthetic datasets shaped like core.data.Dataset, for fast training tests (imported by the others)."""
from types import SimpleNamespace

import numpy as np


def blobs(n_train=600, n_val=200, classes=3, features=16, noise=40.0, seed=0):
    """uint8 'images': one random prototype per class plus noise; easy but not trivially separable."""
    rng = np.random.default_rng(seed)
    prototypes = rng.uniform(40, 215, (classes, features))

    def sample(n):
        y = rng.integers(0, classes, n).astype(np.uint8)
        x = np.clip(prototypes[y] + noise * rng.standard_normal((n, features)), 0, 255).astype(np.uint8)
        return x, y

    train_x, train_y = sample(n_train)
    val_x, val_y = sample(n_val)
    return SimpleNamespace(train_x=train_x, train_y=train_y, val_x=val_x, val_y=val_y, classes=classes)


def test_blobs_look_like_a_dataset():
    d = blobs(n_train=50, n_val=20, classes=4, features=9)
    assert d.train_x.shape == (50, 9) and d.val_x.shape == (20, 9) and d.train_x.dtype == np.uint8
    assert d.train_y.dtype == np.uint8 and d.train_y.max() < 4 and d.classes == 4
