"""Display measures of core's numbers: heat colours, chart values, distances, evaluation cost, √G."""
import numpy as np
import pytest

import core
from core.measures import (
    Series,
    gradient_cost,
    heat,
    heat_box,
    inner_columns,
    loss_for_chart,
    nearest_minimum_distance,
    root_accumulator,
    value_range,
)


def test_heat_is_the_grid_or_its_log_gap():
    rosen = core.get_surface("rosenbrock")
    _, _, z = rosen.grid(64)
    shown = heat(z, True, rosen.fmin)
    gap = z - rosen.fmin
    eps = 1e-6 * gap.max()
    np.testing.assert_allclose(shown.values, np.log10(gap + eps).astype(np.float32), rtol=1e-6)
    assert shown.values.dtype == np.float32 and shown.values.flags.c_contiguous
    assert shown.levels == (float(shown.values.min()), float(shown.values.max()))
    plain = heat(z, False, None)
    np.testing.assert_array_equal(plain.values, z.astype(np.float32))


def test_heat_keeps_nan_where_f_is_undefined():
    z = np.array([[1.0, np.nan], [2.0, 4.0]])
    shown = heat(z, True, None)
    assert np.isnan(shown.values[0, 1]) and np.isfinite(shown.values[1, 1])


def test_loss_chart_is_the_gap_on_a_log_axis_only_when_fmin_is_known():
    values, log = loss_for_chart(np.array([3.0, 1.0, 1.0]), 1.0)
    assert log and values[0] == 2.0 and values[1] > 0
    values, log = loss_for_chart(np.array([-3.0]), None)
    assert not log and values[0] == -3.0


def test_nearest_minimum_distance_and_gradient_cost():
    minima = core.get_surface("himmelblau").minima
    d = nearest_minimum_distance(np.array([[3.0, 2.0], [3.0, 5.0]]), minima)
    np.testing.assert_allclose(d, [0.0, 3.0], atol=1e-12)
    assert nearest_minimum_distance(np.zeros((2, 2)), ()) is None
    np.testing.assert_array_equal(gradient_cost(np.array([[0, 3, 0], [5, 4, 0], [0, 2, 2]])), [3, 5, 6])


def test_heat_box_widens_the_view_sideways_and_inner_columns_find_the_view_again():
    view = (-2.0, 2.0, -1.0, 3.0)
    box = heat_box(view)
    assert box == (-4.0, 4.0, -1.0, 3.0)
    xs = np.linspace(box[0], box[1], 81)
    inner = inner_columns(xs, view)
    assert xs[inner][0] == pytest.approx(-2.0) and xs[inner][-1] == pytest.approx(2.0)
    assert inner_columns(np.linspace(5, 6, 4), view) == slice(None)


def test_value_range_is_the_finite_range_of_the_inner_columns():
    z = np.array([[9.0, 1.0, np.nan, -9.0], [9.0, 3.0, 2.0, -9.0]])
    assert value_range(z, slice(1, 3)) == (1.0, 3.0)
    assert value_range(z) == (-9.0, 9.0)
    assert value_range(np.full((2, 2), np.nan)) is None


def test_root_accumulator_is_the_square_root_of_cores_accumulator():
    info = {"accum": np.array([4.0, -1e-30]), "v_hat": np.array([9.0, 16.0])}
    np.testing.assert_array_equal(root_accumulator(info, "accum"), [2.0, 0.0])
    np.testing.assert_array_equal(root_accumulator(info, "v_hat"), [3.0, 4.0])
    assert root_accumulator({}, "accum") is None
    path_info = core.Runner(core.get_surface("bowl"), "adagrad", (1.0, 1.0), lr=0.1).step().info
    np.testing.assert_allclose(root_accumulator(path_info, "accum") ** 2, path_info["accum"])


def test_series_converts_each_step_once_and_grows():
    class Track:
        def __init__(self, n):
            self.n = n
            self.evals = np.column_stack([np.arange(n), np.arange(n), np.zeros(n)])
            self.losses = np.arange(n, dtype=float) + 1.0
            self.points = np.zeros((n, 2))

    minima = core.get_surface("bowl").minima
    series = Series(2, 1.0, minima)
    series.extend(Track(5))
    assert series.n == 5 and len(series.cost) >= 5
    np.testing.assert_array_equal(series.cost[:5], np.arange(5))
    np.testing.assert_array_equal(series.loss[:5], np.maximum(np.arange(5.0), 1e-16))
    np.testing.assert_array_equal(series.distance[:5], 0.0)
    assert Series(3, None, ()).distance is None


@pytest.mark.parametrize("key, fmin_known", [("rosenbrock", True), ("himmelblau", True), ("monkey_saddle", False),
                                             ("himmelblau", False)])
def test_a_series_extended_piece_by_piece_holds_the_measures_of_the_whole_track_bit_for_bit(key, fmin_known):
    """Series.extend writes straight into its columns: the numbers are gradient_cost, loss_for_chart and
    nearest_minimum_distance of the whole track, for one minimum, several or none, f* known or not, and
    points gone to NaN or infinity."""
    surface = core.get_surface(key)
    fmin = surface.fmin if fmin_known else None
    rng = np.random.default_rng(2)

    class Track:
        n = 0
        evals = rng.integers(0, 9, size=(400, 3)).cumsum(axis=0).astype(np.int32)
        losses = rng.normal(size=400) * 10
        points = rng.normal(size=(400, 2)) * 3

    Track.losses[[7, 8]] = np.nan, np.inf
    Track.points[[20, 21, 22]] = (np.nan, 0.0), (np.inf, 1.0), (-np.inf, np.inf)
    series = Series(16, fmin, surface.minima)
    for n in (1, 2, 50, 50, 51, 233, 400):
        track = Track()
        track.n, track.evals, track.losses, track.points = n, Track.evals[:n], Track.losses[:n], Track.points[:n]
        series.extend(track)
        assert series.n == n
    np.testing.assert_array_equal(series.cost, gradient_cost(Track.evals))
    np.testing.assert_array_equal(series.loss, loss_for_chart(Track.losses, fmin)[0])
    want = nearest_minimum_distance(Track.points, surface.minima)
    if want is None:
        assert series.distance is None
    else:
        assert len(surface.minima) >= 1 and np.array_equal(series.distance, want, equal_nan=True)
        assert np.isinf(series.distance[21]) and np.isnan(series.distance[20])


def test_measures_are_reachable_from_core():
    assert core.heat is heat and core.Series is Series and core.COST_LABEL.startswith("gradient")
