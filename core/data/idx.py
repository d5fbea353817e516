"""IDX files (the MNIST format), raw or gzip: a strict reader and a deterministic writer.

Layout: two zero bytes, a type code, the number of dimensions, each dimension as a big-endian uint32, then the
values in row-major order (big-endian for multi-byte types).
"""
from __future__ import annotations

import gzip
import os
import struct
import zlib
from pathlib import Path

import numpy as np

__all__ = ["DataError", "read_idx", "read_idx_pair", "write_idx"]

# IDX type code -> big-endian numpy dtype.
_DTYPES = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_CODES = {dtype.newbyteorder("="): code for code, dtype in _DTYPES.items()}
_GZIP_MAGIC = b"\x1f\x8b"
# Deflate cannot expand data more than ~1032:1, so a header promising more than this per compressed byte lies.
_MAX_DEFLATE_RATIO = 1032
_CHUNK = 1 << 20
MAX_BYTES = 1 << 31


class DataError(ValueError):
    """A data file or folder that cannot be used; str(e) names the file and the problem."""

    def __init__(self, problem: str, path: str | os.PathLike | None = None):
        self.problem = problem
        self.path = Path(path) if path is not None else None
        super().__init__(f"{self.path.name}: {problem}" if self.path is not None else problem)


def _describe(shape: tuple[int, ...]) -> str:
    """'60000 images of 28×28', '60000 labels' or '3×4 values' — how the header reads to a person."""
    if len(shape) == 3:
        return f"{shape[0]} images of {shape[1]}×{shape[2]}"
    if len(shape) == 1:
        return f"{shape[0]} labels"
    return "×".join(map(str, shape)) + " values"


def _open(path: Path):
    """Binary stream of the IDX bytes, decompressing when the file starts with the gzip magic."""
    f = open(path, "rb")  # noqa: SIM115 (closed by the caller, with the GzipFile around it)
    magic = f.read(2)
    f.seek(0)
    if magic == _GZIP_MAGIC:
        return gzip.GzipFile(fileobj=f, mode="rb"), f
    return f, f


MAX_DIMENSIONS = 8  # numpy holds at most 64; images are 3, labels 1


def _read_exact(stream, n: int) -> bytes:
    data = b""
    while len(data) < n:
        piece = stream.read(n - len(data))
        if not piece:
            break
        data += piece
    return data


def _fill(stream, out: np.ndarray) -> int:
    """Read into `out` (flat uint8 view) until full or end of file; return the number of bytes read."""
    view = memoryview(out)
    done = 0
    while done < len(view):
        # Chunked so a gzip stream never materialises a second full-size copy of the payload.
        n = stream.readinto(view[done:done + _CHUNK])
        if not n:
            break
        done += n
    return done


def read_idx(path: str | os.PathLike, max_bytes: int = MAX_BYTES) -> np.ndarray:
    """The array stored in an IDX file (native byte order); DataError if the file is anything but exactly that."""
    path = Path(path)
    if not path.is_file():
        raise DataError("file not found" if not path.exists() else "not a regular file", path)
    try:
        stream, raw = _open(path)
        with raw, stream:
            return _read(stream, path, raw, max_bytes)
    except DataError:
        raise
    except gzip.BadGzipFile as exc:
        raise DataError(f"bad gzip: {exc}", path) from exc
    except EOFError as exc:
        raise DataError("bad gzip: the compressed data ends early (file truncated?)", path) from exc
    except zlib.error as exc:
        raise DataError(f"bad gzip: corrupt compressed data ({exc})", path) from exc
    except OSError as exc:
        raise DataError(f"cannot read: {exc.strerror or exc}", path) from exc


def _read(stream, path: Path, raw, max_bytes: int) -> np.ndarray:
    head = _read_exact(stream, 4)
    if len(head) < 4:
        raise DataError(f"not an IDX file: only {len(head)} bytes", path)
    if head[:2] != b"\0\0" or head[2] not in _DTYPES or head[3] == 0:
        raise DataError(f"wrong magic number 0x{head.hex()} (an IDX file starts 0x0000, type code, dimensions)",
                        path)
    dtype, ndim = _DTYPES[head[2]], head[3]
    if ndim > MAX_DIMENSIONS:
        raise DataError(f"the header announces {ndim} dimensions; an IDX file of images or labels has at most "
                        f"{MAX_DIMENSIONS} (MNIST's have 3 and 1)", path)
    dims = _read_exact(stream, 4 * ndim)
    if len(dims) < 4 * ndim:
        raise DataError(f"truncated: the header announces {ndim} dimensions but the file ends inside it", path)
    shape = struct.unpack(f">{ndim}I", dims)
    size = int(np.prod(shape, dtype=object)) * dtype.itemsize
    what = _describe(shape)
    if size > max_bytes:
        raise DataError(f"header says {what} ({size} bytes), more than the {max_bytes} byte limit", path)
    file_size = os.fstat(raw.fileno()).st_size
    if stream is not raw and size > (file_size + 1) * _MAX_DEFLATE_RATIO:
        raise DataError(f"truncated: header says {what} but the compressed file holds only {file_size} bytes",
                        path)
    if stream is raw and size > file_size - 4 - 4 * ndim:
        raise DataError(f"truncated: header says {what} but the file holds {max(file_size - 4 - 4 * ndim, 0)} "
                        f"bytes of {'pixel ' if ndim == 3 else ''}data", path)
    flat = np.empty(size, dtype=np.uint8)
    got = _fill(stream, flat)
    if got < size:
        raise DataError(f"truncated: header says {what} but the file holds {got} bytes of "
                        f"{'pixel ' if ndim == 3 else ''}data", path)
    if stream.read(1):
        raise DataError(f"trailing data: the file holds more than the {what} its header announces", path)
    array = flat.view(dtype).reshape(shape)
    return array if dtype.itemsize == 1 else array.astype(dtype.newbyteorder("="))


def write_idx(path: str | os.PathLike, array: np.ndarray, compresslevel: int = 9) -> Path:
    """Write `array` as IDX, gzip-compressed when the name ends in .gz; the same array gives the same bytes."""
    path = Path(path)
    array = np.asarray(array)
    code = _CODES.get(array.dtype.newbyteorder("="))
    if code is None:
        raise ValueError(f"IDX cannot store dtype {array.dtype}; use one of "
                         + ", ".join(str(d.newbyteorder('=')) for d in _DTYPES.values()))
    if not 1 <= array.ndim <= 255:
        raise ValueError(f"IDX needs 1 to 255 dimensions, got {array.ndim}")
    if any(n >= 1 << 32 for n in array.shape):
        raise ValueError(f"IDX dimensions must be below 2**32, got {array.shape}")
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    payload = np.ascontiguousarray(array, dtype=_DTYPES[code]).reshape(-1).view(np.uint8)
    with open(path, "wb") as f:
        if path.suffix == ".gz":
            # No file name and mtime 0 in the gzip header, so reruns are byte-identical.
            with gzip.GzipFile(filename="", mode="wb", fileobj=f, compresslevel=compresslevel, mtime=0) as gz:
                gz.write(header)
                gz.write(payload)
        else:
            f.write(header)
            f.write(payload)
    return path


def read_idx_pair(images_path: str | os.PathLike, labels_path: str | os.PathLike,
                  classes: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """(images uint8 (n, rows, cols), labels uint8 (n,)) from an MNIST-style pair, checked against each other."""
    images, labels = read_idx(images_path), read_idx(labels_path)
    if images.ndim != 3 or images.dtype != np.uint8:
        raise DataError(f"expected images (an idx3 file of unsigned bytes), found {_describe(images.shape)} "
                        f"of {images.dtype}", images_path)
    if labels.ndim != 1 or labels.dtype != np.uint8:
        raise DataError(f"expected labels (an idx1 file of unsigned bytes), found {_describe(labels.shape)} "
                        f"of {labels.dtype}", labels_path)
    if len(images) != len(labels):
        raise DataError(f"label/image count mismatch: {len(labels)} labels for {len(images)} images in "
                        f"{Path(images_path).name}", labels_path)
    if len(labels) and labels.max() >= classes:
        bad = int(np.argmax(labels >= classes))
        raise DataError(f"labels out of range: label {labels[bad]} at index {bad}, expected 0 to {classes - 1}",
                        labels_path)
    return images, labels
