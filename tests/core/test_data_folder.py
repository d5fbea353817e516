"""A user-chosen folder of IDX files: standard name variants are found, anything missing is listed."""
import gzip

import numpy as np
import pytest

from core.data import DataError, find_idx_files, load_idx_folder, load_mnist, write_idx
from core.data.dataset import FASHION_NAMES


def make_folder(folder, names=("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                               "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"), n=(30, 10), seed=0):
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    arrays = (rng.integers(0, 256, (n[0], 28, 28), dtype=np.uint8), rng.integers(0, 10, n[0], dtype=np.uint8),
              rng.integers(0, 256, (n[1], 28, 28), dtype=np.uint8), rng.integers(0, 10, n[1], dtype=np.uint8))
    for name, a in zip(names, arrays, strict=False):
        write_idx(folder / name, a)
    return arrays


@pytest.mark.parametrize("names", [
    ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
     "t10k-labels-idx1-ubyte.gz"),
    ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
    ("train-images.idx3-ubyte", "train-labels.idx1-ubyte", "t10k-images.idx3-ubyte", "t10k-labels.idx1-ubyte"),
    ("TRAIN-IMAGES-IDX3-UBYTE.GZ", "train_labels_idx1_ubyte", "test-images.idx3-ubyte.gz", "t10k-labels-idx1-ubyte"),
])
def test_name_variants_load(tmp_path, names):
    tx, ty, vx, vy = make_folder(tmp_path / "mnist", names)
    ds = load_idx_folder(tmp_path / "mnist")
    np.testing.assert_array_equal(ds.train_x, tx.reshape(30, 784))
    np.testing.assert_array_equal(ds.train_y, ty)
    np.testing.assert_array_equal(ds.val_x, vx.reshape(10, 784))
    np.testing.assert_array_equal(ds.val_y, vy)
    assert ds.name == "mnist" and ds.image_shape == (28, 28)
    assert "test set" in ds.description


def test_raw_file_is_preferred_over_its_archive(tmp_path):
    make_folder(tmp_path, seed=0)
    arrays = make_folder(tmp_path, ("train-images-idx3-ubyte", "x1", "x2", "x3"), seed=5)
    files = find_idx_files(tmp_path)
    assert files["train images"].name == "train-images-idx3-ubyte"
    np.testing.assert_array_equal(load_idx_folder(tmp_path).train_x, arrays[0].reshape(30, 784))


def test_missing_files_are_listed(tmp_path):
    make_folder(tmp_path, ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "readme.txt", "other"))
    with pytest.raises(DataError) as err:
        load_idx_folder(tmp_path)
    text = str(err.value)
    assert "t10k images (t10k-images-idx3-ubyte[.gz])" in text
    assert "t10k labels (t10k-labels-idx1-ubyte[.gz])" in text
    assert "train images" not in text.split("Found")[0]
    assert "readme.txt" in text


def test_empty_or_absent_folder(tmp_path):
    with pytest.raises(DataError, match=r"missing train images .*Found: nothing"):
        load_idx_folder(tmp_path)
    with pytest.raises(DataError, match="nowhere: folder not found"):
        load_mnist(tmp_path / "nowhere")


def test_bad_file_in_folder_names_that_file(tmp_path):
    make_folder(tmp_path)
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(b"\x00\x00\x08\x01\x00\x00\x00\x0a" + b"\x01"))
    with pytest.raises(DataError, match=r"t10k-labels-idx1-ubyte\.gz: truncated: header says 10 labels"):
        load_idx_folder(tmp_path)


def test_train_and_test_image_sizes_must_agree(tmp_path):
    make_folder(tmp_path)
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", np.zeros((10, 32, 32), np.uint8))
    with pytest.raises(DataError, match="28×28 but t10k images are 32×32"):
        load_idx_folder(tmp_path)


def test_empty_training_set_is_refused(tmp_path):
    make_folder(tmp_path, n=(0, 10))
    with pytest.raises(DataError, match=r"train-images-idx3-ubyte\.gz: holds no training images"):
        load_idx_folder(tmp_path)


def test_fashion_folder_gets_fashion_class_names(tmp_path):
    make_folder(tmp_path / "fashion-mnist")
    assert load_mnist(tmp_path / "fashion-mnist").class_names == FASHION_NAMES
    assert load_mnist(str(tmp_path / "fashion-mnist")).class_names[9] == "Ankle boot"


def test_load_mnist_rejects_other_sources():
    with pytest.raises(TypeError, match="'bundled', 'full' or a folder"):
        load_mnist(42)


def test_a_folder_of_images_that_are_not_28_by_28_is_refused_naming_their_size(tmp_path):
    rng = np.random.default_rng(0)
    write_idx(tmp_path / "train-images-idx3-ubyte.gz", rng.integers(0, 255, (30, 20, 20), dtype=np.uint8))
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", rng.integers(0, 10, 30, dtype=np.uint8))
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", rng.integers(0, 255, (10, 20, 20), dtype=np.uint8))
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", rng.integers(0, 10, 10, dtype=np.uint8))
    with pytest.raises(DataError, match=r"images are 20×20; Descent Lab trains on 28×28"):
        load_idx_folder(tmp_path)


def test_an_empty_test_set_is_refused_naming_the_file(tmp_path):
    rng = np.random.default_rng(0)
    write_idx(tmp_path / "train-images-idx3-ubyte.gz", rng.integers(0, 255, (30, 28, 28), dtype=np.uint8))
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", rng.integers(0, 10, 30, dtype=np.uint8))
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", np.zeros((0, 28, 28), dtype=np.uint8))
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", np.zeros(0, dtype=np.uint8))
    with pytest.raises(DataError, match=r"t10k-images-idx3-ubyte\.gz: holds no test images"):
        load_idx_folder(tmp_path)
