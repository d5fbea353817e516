"""The Training tab's chart buffers: columns that grow, records that place events on any x axis.

The worker itself (commands between steps, pause, prompt stop, coalesced results) is the shared run driver's:
tests/app/test_runtime.py."""
import numpy as np

from app.training.views.record import Columns, Record


def test_columns_grow_and_give_views_of_the_filled_part():
    cols = Columns(("a", "b"), capacity=2)
    for i in range(5):
        cols.append({"a": i})
    assert len(cols) == 5
    np.testing.assert_array_equal(cols.col("a"), np.arange(5.0))
    assert np.all(np.isnan(cols.col("b")))  # missing values are NaN
    assert cols.last("a") == 4.0


def test_record_places_events_on_any_x_axis():
    record = Record("r", "run", "#000000")
    for it in range(1, 11):
        record.add_step({"iteration": it, "epoch": it / 10, "examples": 32 * it, "seconds": 0.5 * it})
    record.add_event(4, "SGD → Adam")
    assert record.position(4, "iteration") == 4
    assert record.position(4, "epoch") == 0.4
    assert record.position(4, "examples") == 128
    assert record.versions == {"steps": 10, "evals": 0, "events": 1}
