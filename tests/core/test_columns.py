"""One growable column buffer behind every record: rows appended or filled in blocks, views of the filled part."""
import numpy as np

from core.columns import Columns


def test_rows_grow_by_doubling_and_views_show_the_filled_part():
    cols = Columns(("a", "p"), capacity=2, shapes={"p": (2,)})
    for i in range(5):
        cols.append({"a": i, "p": (i, -i)})
    assert len(cols) == 5 and cols.capacity >= 5
    np.testing.assert_array_equal(cols.col("a"), np.arange(5.0))
    np.testing.assert_array_equal(cols.col("p")[-1], [4, -4])
    cols.append({"p": (0, 0)})
    assert np.isnan(cols.last("a"))  # a missing value is NaN
    cols.reserve(20)
    cols.fill("a", 6, [7.0, 8.0])
    cols.fill("p", 6, [[1, 1], [2, 2]])
    cols.resize(8)
    np.testing.assert_array_equal(cols.col("a")[-2:], [7.0, 8.0])
    copy = cols.copy("a")
    copy[0] = 99
    assert cols.col("a")[0] == 0  # copies are the caller's
