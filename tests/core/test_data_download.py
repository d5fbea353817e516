"""Downloader against a local HTTP server: MD5, mirror fallback, truncation, cancel, progress, atomic writes."""
import hashlib
import itertools
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from core.data import (
    DataError,
    DownloadCancelled,
    DownloadError,
    default_cache_dir,
    download_mnist,
    full_mnist_available,
    load_mnist,
    write_idx,
)

NAMES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
         "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        state = self.server.state
        state.requests.append(self.path)
        route = state.routes.get(self.path)
        if route is None:
            self.send_error(404)
            return
        body, length = route
        if body is None:  # a server that accepts and never answers, until the test ends
            state.release.wait(30)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(length))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # clients that hang up mid-body (cancel tests) are expected


class Site:
    """What the local server serves: url path -> (body, declared Content-Length); everything else is 404."""

    def __init__(self, port):
        self.port, self.routes, self.requests, self.release = port, {}, [], threading.Event()

    def mirror(self, prefix):
        return f"http://127.0.0.1:{self.port}/{prefix}/"

    def serve(self, prefix, name, body, length=None):
        self.routes[f"/{prefix}/{name}"] = (body, len(body) if length is None else length)

    def hang(self, prefix, name):
        self.routes[f"/{prefix}/{name}"] = (None, 0)


@pytest.fixture
def site(monkeypatch):
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    server = _Server(("127.0.0.1", 0), _Handler)
    state = Site(server.server_address[1])
    server.state = state
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state
    state.release.set()
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def files(tmp_path):
    """Four small MNIST-format files (as gzip bytes) and their MD5 table."""
    rng = np.random.default_rng(0)
    src = tmp_path / "src"
    src.mkdir()
    arrays = {
        NAMES[0]: rng.integers(0, 256, (60, 28, 28), dtype=np.uint8),
        NAMES[1]: rng.integers(0, 10, 60, dtype=np.uint8),
        NAMES[2]: rng.integers(0, 256, (20, 28, 28), dtype=np.uint8),
        NAMES[3]: rng.integers(0, 10, 20, dtype=np.uint8),
    }
    blobs = {name: write_idx(src / name, a).read_bytes() for name, a in arrays.items()}
    md5 = {name: hashlib.md5(b).hexdigest() for name, b in blobs.items()}
    return blobs, md5


@pytest.fixture
def cache(tmp_path):
    return tmp_path / "cache" / "mnist"


def test_success_verifies_and_places_every_file(site, files, cache):
    blobs, md5 = files
    for name, body in blobs.items():
        site.serve("a", name, body)
    paths = download_mnist(cache, mirrors=[site.mirror("a")], files=md5, timeout=5)
    assert set(paths) == set(NAMES)
    for name, path in paths.items():
        assert path == cache / name and path.read_bytes() == blobs[name]
    assert sorted(p.name for p in cache.iterdir()) == sorted(NAMES)
    assert len(site.requests) == 4
    assert full_mnist_available(cache, verify=False)
    ds = load_mnist("full", cache_dir=cache)
    assert (ds.n_train, ds.n_val) == (60, 20) and ds.train_x.shape == (60, 784)


def test_files_already_cached_are_not_fetched_again(site, files, cache):
    blobs, md5 = files
    for name, body in blobs.items():
        site.serve("a", name, body)
    download_mnist(cache, mirrors=[site.mirror("a")], files=md5, timeout=5)
    (cache / NAMES[1]).write_bytes(b"damaged")
    download_mnist(cache, mirrors=[site.mirror("a")], files=md5, timeout=5)
    assert site.requests[4:] == [f"/a/{NAMES[1]}"]
    assert (cache / NAMES[1]).read_bytes() == blobs[NAMES[1]]


def test_404_on_first_mirror_falls_back_to_second(site, files, cache):
    blobs, md5 = files
    for name, body in blobs.items():
        site.serve("b", name, body)
    download_mnist(cache, mirrors=[site.mirror("a"), site.mirror("b")], files=md5, timeout=5)
    assert site.requests[:2] == [f"/a/{NAMES[0]}", f"/b/{NAMES[0]}"]
    assert len(site.requests) == 8
    assert all((cache / name).read_bytes() == blobs[name] for name in NAMES)


def test_truncated_body_is_rejected_and_not_kept(site, files, cache):
    blobs, md5 = files
    name = NAMES[0]
    body = blobs[name]
    site.serve("a", name, body[: len(body) // 2], length=len(body))
    with pytest.raises(DownloadError) as err:
        download_mnist(cache, mirrors=[site.mirror("a")], files={name: md5[name]}, timeout=5)
    assert f"truncated: got {len(body) // 2} of {len(body)} bytes" in str(err.value)
    assert list(cache.iterdir()) == []


def test_truncated_body_falls_back_to_a_good_mirror(site, files, cache):
    blobs, md5 = files
    name = NAMES[2]
    site.serve("a", name, blobs[name][:100], length=len(blobs[name]))
    site.serve("b", name, blobs[name])
    paths = download_mnist(cache, mirrors=[site.mirror("a"), site.mirror("b")], files={name: md5[name]}, timeout=5)
    assert paths[name].read_bytes() == blobs[name]
    assert [p.name for p in cache.iterdir()] == [name]


def test_wrong_checksum_is_rejected(site, files, cache):
    blobs, md5 = files
    name = NAMES[1]
    site.serve("a", name, blobs[name])
    with pytest.raises(DownloadError, match=f"MD5 mismatch: expected {'0' * 32}, got {md5[name]}"):
        download_mnist(cache, mirrors=[site.mirror("a")], files={name: "0" * 32}, timeout=5)
    assert list(cache.iterdir()) == []


@pytest.mark.parametrize("as_callable", [False, True])
def test_cancel_mid_download_leaves_nothing(site, cache, as_callable):
    body = np.random.default_rng(1).bytes(400_000)
    site.serve("a", "big.gz", body)
    stop = threading.Event()
    seen = []

    def progress(done, total, name):
        seen.append(done)
        if done > 0:
            stop.set()

    with pytest.raises(DownloadCancelled):
        download_mnist(cache, mirrors=[site.mirror("a")], files={"big.gz": hashlib.md5(body).hexdigest()},
                       progress=progress, cancel=stop.is_set if as_callable else stop, timeout=5)
    assert 0 < max(seen) < len(body)
    assert list(cache.iterdir()) == []


def test_cancel_before_start_makes_no_request(site, cache):
    stop = threading.Event()
    stop.set()
    with pytest.raises(DownloadCancelled):
        download_mnist(cache, mirrors=[site.mirror("a")], files={"x.gz": "0" * 32}, cancel=stop, timeout=5)
    assert site.requests == []


def test_progress_reports_bytes_per_file(site, files, cache):
    blobs, md5 = files
    for name, body in blobs.items():
        site.serve("a", name, body)
    calls = []
    download_mnist(cache, mirrors=[site.mirror("a")], files=md5, timeout=5,
                   progress=lambda done, total, name: calls.append((done, total, name)))
    for name in NAMES:
        mine = [(d, t) for d, t, n in calls if n == name]
        size = len(blobs[name])
        assert mine[0] == (0, size) and mine[-1] == (size, size)
        assert all(a[0] <= b[0] for a, b in itertools.pairwise(mine))
    assert [n for _, _, n in calls] == sorted((n for _, _, n in calls), key=NAMES.index)


def test_all_mirrors_failing_lists_what_each_said(site, files, cache):
    blobs, md5 = files
    name = NAMES[3]
    site.serve("b", name, blobs[name][:-1])
    site.hang("c", name)
    mirrors = [site.mirror("a"), site.mirror("b"), site.mirror("c"), "ftp://example.invalid/mnist/"]
    with pytest.raises(DownloadError) as err:
        download_mnist(cache, mirrors=mirrors, files={name: md5[name]}, timeout=0.5)
    e = err.value
    assert e.name == name and [url for url, _ in e.attempts] == [m + name for m in mirrors]
    said = [problem for _, problem in e.attempts]
    assert said[0] == "HTTP 404 Not Found"
    assert said[1].startswith("MD5 mismatch")
    assert said[2] == "timed out after 0.5 s"
    assert said[3] == "only http and https mirrors are supported"
    text = str(e)
    assert text.startswith(f"could not download {name}:") and all(m + name in text for m in mirrors)
    assert list(cache.iterdir()) == []


def test_full_source_without_download_says_what_to_do(tmp_path):
    with pytest.raises(DataError, match=r"not downloaded .*download_mnist"):
        load_mnist("full", cache_dir=tmp_path)
    assert not full_mnist_available(tmp_path)


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="XDG applies on Linux and other Unixes")
def test_default_cache_dir_honours_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "descent-lab" / "mnist"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "descent-lab" / "mnist"


class _Misbehaving(BaseHTTPRequestHandler):
    """Serves one body badly: `drip` sends a byte at a time, `stall` sends headers and then nothing, `endless`
    sends a body that never ends. Every loop is bounded and ends when the test releases it."""

    def do_GET(self):
        mode, release = self.server.mode, self.server.release
        self.connection.settimeout(0.2)  # a write the client no longer reads gives up, so this thread ends soon
        self.send_response(200)
        if mode != "endless":
            self.send_header("Content-Length", "100000")
        self.end_headers()
        self.wfile.flush()
        try:
            for _ in range(200_000):
                if release.is_set():
                    return
                if mode == "stall":
                    release.wait(0.05)
                    continue
                self.wfile.write(b"x" if mode == "drip" else b"x" * 65536)
                self.wfile.flush()
                if mode == "drip":
                    release.wait(0.01)
        except OSError:  # the client hung up: what a cancel does
            return

    def log_message(self, *args):
        pass


@pytest.fixture
def bad_server(monkeypatch):
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    server = _Server(("127.0.0.1", 0), _Misbehaving)
    server.release = threading.Event()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.mark.parametrize("mode", ["drip", "stall"])
def test_cancel_takes_effect_within_a_second_on_a_dripping_or_stalled_mirror(bad_server, cache, mode):
    import time

    bad_server.mode = mode
    stop = threading.Event()
    timer = threading.Timer(0.5, stop.set)
    timer.start()
    started = time.monotonic()
    with pytest.raises(DownloadCancelled):
        download_mnist(cache, mirrors=[f"http://127.0.0.1:{bad_server.server_address[1]}/"],
                       files={"x.gz": "0" * 32}, cancel=stop, timeout=30)
    timer.join()
    assert time.monotonic() - started < 0.5 + 1.0  # generous: the figure is ~0.1 s after the cancel
    assert not list(cache.iterdir())  # nothing partial left


def test_a_stalled_mirror_fails_after_the_timeout_and_says_so(bad_server, cache):
    bad_server.mode = "stall"
    with pytest.raises(DownloadError) as err:
        download_mnist(cache, mirrors=[f"http://127.0.0.1:{bad_server.server_address[1]}/"],
                       files={"x.gz": "0" * 32}, timeout=0.5)
    assert "stalled: no data for 0.5 s" in str(err.value)


def test_an_endless_body_is_cut_off_at_a_small_multiple_of_its_size(bad_server, cache, monkeypatch):
    import core.data.download as download

    bad_server.mode = "endless"
    monkeypatch.setattr(download, "MAX_BYTES", 1 << 20)
    with pytest.raises(DownloadError, match="too large: more than 1048576 bytes"):
        download_mnist(cache, mirrors=[f"http://127.0.0.1:{bad_server.server_address[1]}/"],
                       files={"x.gz": "0" * 32}, timeout=5)
    assert not list(cache.iterdir())
    assert download.max_bytes_for("t10k-labels-idx1-ubyte.gz", download.MNIST_MD5["t10k-labels-idx1-ubyte.gz"]) \
        == 2 * 4542  # an official file may not grow past twice its size
