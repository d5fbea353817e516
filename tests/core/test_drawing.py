"""A drawn digit becomes MNIST-like: 20-px bounding box, centre of mass at (14, 14), ink peaking at 255."""
import numpy as np
import pytest

from core.data.drawing import _area_weights, center_of_mass, preprocess_drawing


def _box(image):
    rows = np.flatnonzero(image.any(axis=1))
    cols = np.flatnonzero(image.any(axis=0))
    return rows[0], rows[-1] + 1, cols[0], cols[-1] + 1


def _seven(size=280, offset=(0, 0)):
    """A thick '7' somewhere in the top-left of a large canvas."""
    canvas = np.zeros((size, size))
    r, c = offset
    canvas[r + 20:r + 34, c + 30:c + 150] = 1.0  # the bar
    for i in range(150):  # the diagonal, going down-left
        y = r + 34 + i
        x = c + 140 - int(i * 0.5)
        canvas[y:y + 1, x - 7:x + 7] = 1.0
    return canvas


@pytest.mark.parametrize("offset", [(0, 0), (80, 100), (100, 10)])
def test_a_drawing_anywhere_ends_centred_by_mass_in_a_20px_box(offset):
    out = preprocess_drawing(_seven(offset=offset))
    assert out.shape == (784,) and out.dtype == np.uint8
    image = out.reshape(28, 28)
    top, bottom, left, right = _box(image)
    assert max(bottom - top, right - left) == 20
    assert min(bottom - top, right - left) < 20  # the aspect ratio is kept, not stretched to a square
    cy, cx = center_of_mass(image)
    assert abs(cy - 14) <= 0.5 and abs(cx - 14) <= 0.5
    assert image.max() == 255


def test_the_result_does_not_depend_on_where_the_digit_was_drawn():
    a = preprocess_drawing(_seven(offset=(0, 0)))
    b = preprocess_drawing(_seven(offset=(90, 60)))
    np.testing.assert_array_equal(a, b)


def test_a_wide_stroke_keeps_its_aspect_ratio():
    canvas = np.zeros((100, 200))
    canvas[40:50, 20:180] = 1.0  # 10 × 160: a dash
    image = preprocess_drawing(canvas).reshape(28, 28)
    top, bottom, left, right = _box(image)
    assert right - left == 20
    assert bottom - top == 1  # 10 · 20/160 = 1.25 rounds to one row


def test_area_weights_preserve_mean_intensity():
    rng = np.random.default_rng(0)
    for n_in, n_out in [(200, 20), (37, 20), (7, 20), (20, 20)]:
        w = _area_weights(n_in, n_out)
        assert w.shape == (n_out, n_in)
        np.testing.assert_allclose(w.sum(axis=1), 1.0)  # every output cell is an average
        x = rng.random(n_in)
        np.testing.assert_allclose((w @ x).mean(), x.mean())


def test_grey_levels_come_from_anti_aliasing_not_thresholding():
    image = preprocess_drawing(_seven()).reshape(28, 28)  # a binary drawing with a slanted stroke
    greys = image[(image > 0) & (image < 255)]
    assert greys.size >= 10 and len(np.unique(greys)) >= 5


def test_an_empty_pad_gives_an_empty_digit_and_bad_shapes_are_refused():
    assert not preprocess_drawing(np.zeros((50, 50))).any()
    with pytest.raises(ValueError, match="2-D"):
        preprocess_drawing(np.zeros(10))
    with pytest.raises(ValueError, match="2-D"):
        preprocess_drawing(np.zeros((0, 5)))


def test_center_of_mass_uses_pixel_centres():
    image = np.zeros((28, 28))
    image[13:15, 13:15] = 1
    assert center_of_mass(image) == (14.0, 14.0)
    assert all(np.isnan(center_of_mass(np.zeros((3, 3)))))
