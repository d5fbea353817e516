"""Preprocessing: statistics fitted on training data only, float32 C-contiguous batches, bounded outputs."""
import numpy as np
import pytest

from core.data import Preprocessor


@pytest.fixture
def train():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (500, 784), dtype=np.uint8)
    x[:, :50] = 0  # a border that never lights up in training, like MNIST's
    return x


def test_scale_maps_to_unit_interval_exactly():
    x = np.array([[0, 1, 128, 255]], np.uint8)
    out = Preprocessor("scale").transform(x)
    assert out.dtype == np.float32 and out.flags.c_contiguous
    assert out.tolist() == [[0.0, np.float32(1 / 255), np.float32(128 / 255), 1.0]]


def test_center_per_pixel_zeroes_the_training_mean(train):
    p = Preprocessor("center").fit(train)
    out = p.transform(train)
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(p.mean, train.mean(axis=0) / 255, rtol=1e-6)


def test_center_global_subtracts_one_value(train):
    p = Preprocessor("center", per_pixel=False).fit(train)
    assert p.mean.shape == ()
    np.testing.assert_allclose(p.mean, train.mean() / 255, rtol=1e-6)
    np.testing.assert_allclose(p.transform(train).mean(), 0, atol=1e-5)


def test_standardize_per_pixel_gives_unit_std_where_pixels_vary(train):
    out = Preprocessor("standardize").fit(train).transform(train)
    np.testing.assert_allclose(out[:, 50:].std(axis=0), 1, rtol=1e-4)
    assert np.all(out[:, :50] == 0)


def test_standardize_global_matches_numpy(train):
    p = Preprocessor("standardize", per_pixel=False).fit(train)
    ref = (train / 255.0 - (train / 255.0).mean()) / (train / 255.0).std()
    np.testing.assert_allclose(p.transform(train), ref, atol=1e-5)


def test_statistics_come_from_training_data_only(train):
    p = Preprocessor("standardize").fit(train)
    mean, std = p.mean.copy(), p.std.copy()
    bright = np.full((10, 784), 255, np.uint8)
    out = p.transform(bright)
    np.testing.assert_array_equal(p.mean, mean)
    np.testing.assert_array_equal(p.std, std)
    # A stroke where training never had ink is divided by eps, not by a zero std: large but finite.
    assert np.isfinite(out).all() and out[:, :50].max() == pytest.approx(1 / 0.05)


def test_accepts_image_shapes_and_single_images(train):
    p = Preprocessor("center").fit(train)
    batch = train[:4]
    a = p.transform(batch.reshape(4, 28, 28))
    np.testing.assert_array_equal(a, p.transform(batch))
    assert p.transform(batch[0]).shape == (1, 784)


def test_non_contiguous_input_still_gives_contiguous_output(train):
    p = Preprocessor("standardize").fit(train)
    view = train[::2]
    out = p(view)
    assert out.flags.c_contiguous and out.dtype == np.float32
    np.testing.assert_array_equal(out, p(np.ascontiguousarray(view)))


def test_fitting_uses_chunks_but_matches_a_direct_computation():
    rng = np.random.default_rng(1)
    x = rng.integers(0, 256, (3000, 20), dtype=np.uint8)  # more rows than one fitting chunk
    p = Preprocessor("standardize").fit(x)
    np.testing.assert_allclose(p.mean, (x / 255).mean(axis=0), rtol=1e-6)
    np.testing.assert_allclose(p.std, (x / 255).std(axis=0), rtol=1e-5)


def test_clear_errors(train):
    with pytest.raises(ValueError, match="unknown preprocessing mode 'whiten'"):
        Preprocessor("whiten")
    with pytest.raises(ValueError, match="call fit"):
        Preprocessor("center").transform(train)
    with pytest.raises(ValueError, match="uint8"):
        Preprocessor().transform(train.astype(np.float32))
    with pytest.raises(ValueError, match="expected 784 pixels"):
        Preprocessor("center").fit(train).transform(train[:, :100])
    with pytest.raises(ValueError, match="empty"):
        Preprocessor("center").fit(train[:0])
    with pytest.raises(ValueError, match="eps"):
        Preprocessor(eps=0)
