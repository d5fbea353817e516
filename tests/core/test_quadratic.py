"""The quadratic model a second-order step trusts: values, kind, Newton's target, and the contours drawn of it."""
import numpy as np
import pytest

import core
from core.quadratic import QuadraticModel


def test_quadratic_model_vectorizes_and_classifies():
    model = QuadraticModel((1.0, 2.0), 3.0, (0.0, 0.0), [[2.0, 0.0], [0.0, -4.0]])
    assert model.kind == "saddle" and model.value(1.0, 2.0) == 3.0
    np.testing.assert_allclose(model.value(np.array([2.0, 1.0]), np.array([2.0, 3.0])), [4.0, 1.0])
    np.testing.assert_allclose(model.eigvals, [-4.0, 2.0])
    assert QuadraticModel((0, 0), 0, (1, 1), [[1, 1], [1, 1]]).stationary_point is None
    with pytest.raises(ValueError):
        model.center[0] = 5.0  # read-only: safe to share with the GUI thread


def test_the_model_has_one_home():
    assert core.QuadraticModel is QuadraticModel


def bowl():
    # m = 5 + 2(x − 1) + ½(2(x − 1)² + 8y²) around (1, 0): stationary point (0, 0), m* = 4.
    return QuadraticModel((1.0, 0.0), 5.0, (2.0, 0.0), [[2.0, 0.0], [0.0, 8.0]])


def levels_hit(model, segments):
    return model.value(segments[..., 0], segments[..., 1])


def test_contour_frame_covers_the_centre_and_newtons_target():
    model = bowl()
    middle, reach = model.contour_frame(span=4.0)
    np.testing.assert_allclose(middle, [0.5, 0.0])
    assert reach == pytest.approx(1.6)
    assert model.contour_frame(span=100.0)[1] == pytest.approx(8.0)  # at least 0.08·span
    flat = QuadraticModel((1.0, 2.0), 0.0, (1.0, 0.0), np.zeros((2, 2)))
    middle, reach = flat.contour_frame(span=10.0)
    np.testing.assert_array_equal(middle, [1.0, 2.0])
    assert reach == pytest.approx(1.5)


def test_a_bowls_contours_are_three_ellipses_the_middle_one_through_the_centre():
    model = bowl()
    segments = model.contours(*model.contour_frame(4.0), n=80)
    assert segments.shape[1:] == (2, 2) and len(segments) > 30
    values = levels_hit(model, segments)
    expected = 4.0 + np.array([0.25, 1.0, 2.25])
    nearest = np.abs(values[..., None] - expected).min(axis=-1)
    assert nearest.max() < 0.02  # linear interpolation of a quadratic on an 80² grid
    assert {int(np.argmin(np.abs(v - expected))) for v in values.ravel()} == {0, 1, 2}


def test_a_saddles_contours_come_in_both_signs_and_odd_models_draw_nothing():
    saddle = QuadraticModel((0.5, 0.5), 1.0, (1.0, -1.0), [[2.0, 0.0], [0.0, -2.0]])
    assert saddle.kind == "saddle"
    values = levels_hit(saddle, saddle.contours(*saddle.contour_frame(4.0)))
    base = saddle.value(*saddle.stationary_point)
    assert values.min() < base < values.max()
    broken = QuadraticModel((0.0, 0.0), np.nan, (1.0, 0.0), np.eye(2))
    assert broken.contours(np.zeros(2), 1.0).shape == (0, 2, 2)
