"""Contour tracing (marching squares) and the levels and coordinates it is drawn at."""
import numpy as np

import core
from core.contours import contour_levels, contour_segments, isolines


def test_isolines_of_a_cone_are_circles_and_skip_nan_cells():
    x = np.linspace(-1, 1, 101)
    r = np.hypot(*np.meshgrid(x, x))
    z = r.copy()
    z[:, :10] = np.nan
    segments = isolines(z, [0.5])
    ends = segments.reshape(-1, 2) / 50.0 - 1.0  # index → coordinate (grid step 0.02)
    np.testing.assert_allclose(np.hypot(ends[:, 0], ends[:, 1]), 0.5, atol=2e-3)
    assert np.all(segments[..., 1] >= 9)  # no segment in the NaN columns
    assert isolines(z, [5.0]).shape == (0, 2, 2)


def test_contour_levels_lie_strictly_inside_the_colour_range():
    levels = contour_levels((0.0, 15.0))
    np.testing.assert_allclose(levels, np.arange(1.0, 15.0))
    assert len(contour_levels((-1.0, 1.0), 3)) == 3


def test_contour_segments_are_in_data_coordinates_at_full_or_thinned_resolution():
    xs, ys = np.linspace(-2, 2, 201), np.linspace(-1, 3, 201)
    z = np.hypot(xs[None, :], ys[:, None] - 1.0)  # circles around (0, 1)
    for thin in (None, 50):
        segments = contour_segments(xs, ys, z, [0.5, 1.5], max_samples=thin)
        assert segments.shape[1:] == (2, 2) and len(segments) > 20
        radii = np.hypot(segments[..., 0], segments[..., 1] - 1.0)
        assert np.all((np.abs(radii - 0.5) < 0.02) | (np.abs(radii - 1.5) < 0.02))
    assert contour_segments(xs, ys, z, [10.0]).shape == (0, 2, 2)


def test_contours_are_reachable_from_core():
    assert core.isolines is isolines and core.contour_segments is contour_segments
