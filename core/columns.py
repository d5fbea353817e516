"""Named float64 columns that grow by doubling: every record of a run (training curves, racers' paths, chart
values) is kept in one of these, and readers get views of the filled part without copying."""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

__all__ = ["Columns"]


class Columns:
    """Rows of named columns; a column may have a trailing shape (a path's points are (n, 2)) and its own dtype
    (float64 unless given: counts fit int32).

    `append(row)` adds one row (missing names are NaN); `reserve(n)` + `fill(name, start, values)` + `resize(n)`
    add many at once; `col(name)` is a view of the filled rows, valid until the columns next grow.
    """

    def __init__(self, names, capacity: int = 256, shapes: Mapping[str, tuple] | None = None,
                 dtypes: Mapping[str, type] | None = None):
        shapes, dtypes = dict(shapes or {}), dict(dtypes or {})
        self.names = tuple(names)
        self._data = {name: np.empty((max(int(capacity), 1), *shapes.get(name, ())), dtype=dtypes.get(name, float))
                      for name in self.names}
        self._arrays = list(self._data.values())
        self.size = 0

    def __len__(self) -> int:
        return self.size

    @property
    def capacity(self) -> int:
        return len(self._data[self.names[0]])

    def reserve(self, capacity: int) -> None:
        """Room for `capacity` rows (grows by doubling, keeps the filled rows)."""
        if capacity > self.capacity:
            size = max(int(capacity), 2 * self.capacity)
            for name, array in self._data.items():
                bigger = np.empty((size, *array.shape[1:]), dtype=array.dtype)
                bigger[: self.size] = array[: self.size]
                self._data[name] = bigger
            self._arrays = list(self._data.values())

    def append(self, row: Mapping) -> None:
        """Add one row; missing columns are NaN."""
        if self.size == self.capacity:
            self.reserve(self.size + 1)
        i = self.size
        for name, array in self._data.items():
            value = row.get(name)
            array[i] = np.nan if value is None else value
        self.size += 1

    def append_row(self, *values) -> None:
        """Add one row given in column order (the fast path of `append`, for a row of every column)."""
        if self.size == self.capacity:
            self.reserve(self.size + 1)
        i = self.size
        for array, value in zip(self._arrays, values, strict=True):
            array[i] = value
        self.size += 1

    def fill(self, name: str, start: int, values) -> None:
        """Write rows start … start + len(values) − 1 of one column (reserve first)."""
        values = np.asarray(values)
        self._data[name][start:start + len(values)] = values

    def slot(self, name: str, start: int, stop: int) -> np.ndarray:
        """Rows start … stop − 1 of one column, to be written in place (reserve first, resize after)."""
        return self._data[name][start:stop]

    def resize(self, size: int) -> None:
        """Declare rows 0 … size − 1 filled (after `fill`)."""
        self.reserve(size)
        self.size = int(size)

    def col(self, name: str) -> np.ndarray:
        return self._data[name][: self.size]

    def last(self, name: str, default=np.nan) -> float:
        return float(self._data[name][self.size - 1]) if self.size else default

    def copy(self, name: str, dtype=None) -> np.ndarray:
        """A fresh copy of the filled part (safe to hand to another thread)."""
        return np.array(self.col(name), dtype=dtype)
