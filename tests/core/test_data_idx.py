"""IDX reader/writer: exact round trips, and every kind of bad file ends in a DataError naming file and problem."""
import gzip
import struct

import numpy as np
import pytest

from core.data import DataError, read_idx, read_idx_pair, write_idx


def images(n=5, seed=0):
    return np.random.default_rng(seed).integers(0, 256, size=(n, 28, 28), dtype=np.uint8)


@pytest.mark.parametrize("suffix", ["", ".gz"])
@pytest.mark.parametrize("dtype", ["u1", "i1", "i2", "i4", "f4", "f8"])
def test_round_trip_every_idx_type(tmp_path, suffix, dtype):
    a = (np.arange(24).reshape(2, 3, 4) * 3 - 5).astype(dtype)
    if dtype == "u1":
        a = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    back = read_idx(write_idx(tmp_path / f"a-idx3-ubyte{suffix}", a))
    assert back.dtype == a.dtype and back.dtype.isnative
    np.testing.assert_array_equal(back, a)


def test_header_follows_the_mnist_layout(tmp_path):
    path = write_idx(tmp_path / "x-idx3-ubyte", images(7))
    raw = path.read_bytes()
    assert raw[:4] == b"\x00\x00\x08\x03"
    assert struct.unpack(">3I", raw[4:16]) == (7, 28, 28)
    assert len(raw) == 16 + 7 * 784


def test_gzip_output_is_deterministic(tmp_path):
    a, b = tmp_path / "a.gz", tmp_path / "b.gz"
    write_idx(a, images())
    write_idx(b, images())
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes()[4:8] == b"\0\0\0\0"  # gzip mtime field


def test_gzip_is_detected_by_content_not_name(tmp_path):
    path = tmp_path / "renamed-without-gz"
    path.write_bytes((write_idx(tmp_path / "x.gz", images(3))).read_bytes())
    np.testing.assert_array_equal(read_idx(path), images(3))


def test_uint8_images_are_read_without_conversion(tmp_path):
    back = read_idx(write_idx(tmp_path / "x.gz", images(4)))
    assert back.dtype == np.uint8 and back.shape == (4, 28, 28) and back.flags.c_contiguous


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="nope-idx3-ubyte: file not found"):
        read_idx(tmp_path / "nope-idx3-ubyte")


def test_truncated_raw_file_reports_counts(tmp_path):
    path = write_idx(tmp_path / "train-images-idx3-ubyte", images(3))
    path.write_bytes(path.read_bytes()[:16 + 1234])
    with pytest.raises(DataError) as err:
        read_idx(path)
    assert str(err.value) == ("train-images-idx3-ubyte: truncated: header says 3 images of 28×28 but the file "
                              "holds 1234 bytes of pixel data")
    assert err.value.path == path


def test_truncated_payload_inside_valid_gzip(tmp_path):
    raw = write_idx(tmp_path / "raw", images(3)).read_bytes()[:16 + 1234]
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(raw, mtime=0))
    with pytest.raises(DataError, match=r"train-images-idx3-ubyte\.gz: truncated: header says 3 images of "
                                        r"28×28 but the file holds 1234 bytes of pixel data"):
        read_idx(path)


def test_truncated_gzip_stream(tmp_path):
    path = write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", images(50))
    path.write_bytes(path.read_bytes()[:-500])
    with pytest.raises(DataError, match=r"t10k-images-idx3-ubyte\.gz: bad gzip"):
        read_idx(path)


def test_corrupt_gzip_data(tmp_path):
    path = write_idx(tmp_path / "x.gz", images(50))
    data = bytearray(path.read_bytes())
    mid = len(data) // 2
    data[mid:mid + 20] = b"\xff" * 20
    path.write_bytes(bytes(data))
    with pytest.raises(DataError, match=r"x\.gz: bad gzip"):
        read_idx(path)


def test_gzip_magic_but_garbage(tmp_path):
    path = tmp_path / "x.gz"
    path.write_bytes(b"\x1f\x8b" + b"not really gzip at all")
    with pytest.raises(DataError, match=r"x\.gz: bad gzip"):
        read_idx(path)


@pytest.mark.parametrize("head", [b"\x00\x00\x08", b"PK\x03\x04rest", b"<html>404</html>", b"\x00\x01\x08\x03",
                                  b"\x00\x00\x07\x01", b"\x00\x00\x08\x00"])
def test_wrong_magic_or_too_short(tmp_path, head):
    path = tmp_path / "x-idx1-ubyte"
    path.write_bytes(head)
    with pytest.raises(DataError, match=r"x-idx1-ubyte: (wrong magic number|not an IDX file)"):
        read_idx(path)


def test_header_cut_inside_the_dimensions(tmp_path):
    path = tmp_path / "x"
    path.write_bytes(b"\x00\x00\x08\x03" + struct.pack(">2I", 5, 28))
    with pytest.raises(DataError, match="x: truncated: the header announces 3 dimensions"):
        read_idx(path)


def test_trailing_data(tmp_path):
    path = write_idx(tmp_path / "x", images(2))
    path.write_bytes(path.read_bytes() + b"\0")
    with pytest.raises(DataError, match="x: trailing data"):
        read_idx(path)


def test_absurd_header_fails_fast_without_allocating(tmp_path):
    path = tmp_path / "x.gz"
    path.write_bytes(gzip.compress(b"\x00\x00\x08\x03" + struct.pack(">3I", 400_000, 28, 28), mtime=0))
    with pytest.raises(DataError, match=r"x\.gz: truncated: header says 400000 images of 28×28 but the "
                                        r"compressed file holds only \d+ bytes"):
        read_idx(path)
    path.write_bytes(b"\x00\x00\x08\x03" + struct.pack(">3I", 2**32 - 1, 2**32 - 1, 28))
    with pytest.raises(DataError, match="byte limit"):
        read_idx(path)


def test_pair_label_image_count_mismatch(tmp_path):
    x = write_idx(tmp_path / "train-images-idx3-ubyte.gz", images(5))
    y = write_idx(tmp_path / "train-labels-idx1-ubyte.gz", np.zeros(4, np.uint8))
    with pytest.raises(DataError, match=r"train-labels-idx1-ubyte\.gz: label/image count mismatch: 4 labels "
                                        r"for 5 images"):
        read_idx_pair(x, y)


def test_pair_labels_out_of_range(tmp_path):
    x = write_idx(tmp_path / "i.gz", images(3))
    y = write_idx(tmp_path / "l.gz", np.array([1, 12, 3], np.uint8))
    with pytest.raises(DataError, match=r"l\.gz: labels out of range: label 12 at index 1, expected 0 to 9"):
        read_idx_pair(x, y)


def test_pair_rejects_swapped_or_wrongly_typed_files(tmp_path):
    x = write_idx(tmp_path / "i", images(3))
    y = write_idx(tmp_path / "l", np.array([1, 2, 3], np.uint8))
    with pytest.raises(DataError, match="expected images"):
        read_idx_pair(y, x)
    f = write_idx(tmp_path / "f", images(3).astype(np.float32))
    with pytest.raises(DataError, match=r"f: expected images .* float32"):
        read_idx_pair(f, y)


def test_pair_returns_the_arrays(tmp_path):
    x = write_idx(tmp_path / "i.gz", images(3))
    y = write_idx(tmp_path / "l.gz", np.array([9, 0, 4], np.uint8))
    bx, by = read_idx_pair(x, y)
    np.testing.assert_array_equal(bx, images(3))
    assert by.tolist() == [9, 0, 4]


def test_write_rejects_unstorable_arrays(tmp_path):
    with pytest.raises(ValueError, match="cannot store dtype"):
        write_idx(tmp_path / "x", np.zeros(3, np.uint16))
    with pytest.raises(ValueError, match="dimensions"):
        write_idx(tmp_path / "x", np.zeros((), np.uint8))


def test_numpy_words_never_leak_from_odd_headers_or_sets(tmp_path):
    import struct

    many = tmp_path / "many.idx"
    many.write_bytes(bytes([0, 0, 8, 255]) + struct.pack(">255I", *([1] * 255)) + b"\x05")
    with pytest.raises(DataError, match=r"many\.idx: the header announces 255 dimensions"):
        read_idx(many)


def test_a_small_gz_that_would_inflate_to_a_gigabyte_is_refused_before_it_fills_memory(tmp_path):
    import gzip
    import struct
    import tracemalloc

    bomb = tmp_path / "bomb-images-idx3-ubyte.gz"
    with gzip.open(bomb, "wb") as f:  # announces 1 GB of pixels; the file is a few kB
        f.write(bytes([0, 0, 8, 3]) + struct.pack(">3I", 1_300_000, 28, 28))
        f.write(bytes(1 << 20))
    tracemalloc.start()
    with pytest.raises(DataError, match="bomb-images"):
        read_idx(bomb)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert bomb.stat().st_size < 100_000 and peak < 50 << 20  # refused from the header, nothing allocated
