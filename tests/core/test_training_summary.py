"""The smoothed loss matches a reference EMA with bias correction; the confusion matrix counts (true, predicted)."""
import math

import numpy as np
import pytest

from core.training.summary import Smoother, confusion_matrix


def _reference(values, beta):
    m, out = 0.0, []
    for t, x in enumerate(values, start=1):
        m = beta * m + (1 - beta) * x
        out.append(m / (1 - beta**t))
    return np.array(out)


def test_smoother_is_a_bias_corrected_ema():
    values = np.random.default_rng(1).random(300) * 3
    smooth = Smoother(0.9)
    np.testing.assert_allclose(smooth.extend(values), _reference(values, 0.9), rtol=1e-12)
    assert Smoother(0.98)(2.5) == pytest.approx(2.5)  # starts at the first value, not near 0


def test_smoother_of_a_constant_is_that_constant_and_beta_zero_is_identity():
    np.testing.assert_allclose(Smoother(0.99).extend(np.full(50, 2.3)), 2.3)
    values = [3.0, 1.0, 4.0]
    np.testing.assert_allclose(Smoother(0.0).extend(values), values)


def test_smoother_stays_non_finite_after_a_nan():
    smooth = Smoother(0.5)
    smooth(1.0)
    assert math.isnan(smooth(float("nan")))
    assert math.isnan(smooth(1.0))


def test_smoother_refuses_a_bad_beta():
    for beta in (1.0, -0.1, float("nan")):
        with pytest.raises(ValueError, match="beta"):
            Smoother(beta)


def test_confusion_matrix_counts_true_rows_and_predicted_columns():
    labels = [0, 0, 1, 2, 2, 2]
    predicted = [0, 1, 1, 2, 0, 2]
    m = confusion_matrix(labels, predicted, 3)
    np.testing.assert_array_equal(m, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    assert m.sum() == len(labels) and np.trace(m) == 4


def test_confusion_matrix_refuses_mismatched_or_out_of_range_input():
    with pytest.raises(ValueError, match="length"):
        confusion_matrix([0, 1], [0], 2)
    with pytest.raises(ValueError, match=r"\[0, 2\)"):
        confusion_matrix([0, 2], [0, 1], 2)
    assert confusion_matrix([], [], 4).shape == (4, 4)
