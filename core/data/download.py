"""Full MNIST from the official mirrors: MD5-checked, cancellable, written atomically into a cache folder.

A file appears under its final name only after its MD5 matched (download to a .part file, verify, os.replace), so
a half-downloaded or corrupt file is never used; leftovers are removed on any failure or cancel.

One concept a little over 300 lines: fetching a file safely (mirrors, MD5, atomic writes, cancel, caps).
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import queue
import socket
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

__all__ = [
    "MAX_BYTES",
    "MIRRORS",
    "MNIST_MD5",
    "MNIST_SIZES",
    "DownloadCancelled",
    "DownloadError",
    "default_cache_dir",
    "download_mnist",
    "full_mnist_available",
    "max_bytes_for",
    "missing_mnist_files",
]

MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
MNIST_MD5 = {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}
#: the official files' sizes in bytes: a body may not grow beyond SIZE_FACTOR times its file's
MNIST_SIZES = {
    "train-images-idx3-ubyte.gz": 9_912_422,
    "train-labels-idx1-ubyte.gz": 28_881,
    "t10k-images-idx3-ubyte.gz": 1_648_877,
    "t10k-labels-idx1-ubyte.gz": 4_542,
}
SIZE_FACTOR = 2
MAX_BYTES = 32 << 20  # any other file: an endless or absurd body stops here, never fills the disk
POLL_S = 0.1  # how often a download waiting for data looks at `cancel`: cancel takes effect within this
CHUNK = 1 << 16

Progress = Callable[[int, "int | None", str], object]


class DownloadError(Exception):
    """No mirror delivered a file; `.attempts` holds (url, what went wrong) for each one tried."""

    def __init__(self, name: str, attempts: Sequence[tuple[str, str]], message: str | None = None):
        self.name = name
        self.attempts = list(attempts)
        lines = [message or f"could not download {name}:"]
        lines += [f"  {url}: {problem}" for url, problem in self.attempts]
        super().__init__("\n".join(lines))


class DownloadCancelled(Exception):
    """The caller asked to stop; nothing partial was left in the cache folder."""


class _MirrorFailed(Exception):
    """One mirror failed for one file; the next mirror is tried."""


def default_cache_dir() -> Path:
    """Per-user cache folder for the MNIST files (XDG_CACHE_HOME on Linux, Library/Caches on macOS, LOCALAPPDATA)."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "descent-lab" / "Cache" / "mnist"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "descent-lab" / "mnist"
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "descent-lab" / "mnist"


def _md5(path: Path) -> str:
    h = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def missing_mnist_files(cache_dir: str | os.PathLike | None = None, files: Mapping[str, str] = MNIST_MD5,
                        verify: bool = False) -> list[str]:
    """Names of the files not (yet) in `cache_dir`; with verify=True a file whose MD5 differs counts as missing."""
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    missing = []
    for name, md5 in files.items():
        path = folder / name
        if not path.is_file() or (verify and _md5(path) != md5):
            missing.append(name)
    return missing


def full_mnist_available(cache_dir: str | os.PathLike | None = None, verify: bool = False) -> bool:
    """True when all four official files sit in `cache_dir` (only verified files ever get there)."""
    return not missing_mnist_files(cache_dir, verify=verify)


def _cancelled(cancel) -> bool:
    if cancel is None:
        return False
    is_set = getattr(cancel, "is_set", None)
    return bool(is_set() if is_set is not None else cancel())


def _describe(exc: BaseException, timeout: float) -> str:
    """What a mirror did wrong, in words for the error list."""
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, TimeoutError) or isinstance(getattr(exc, "reason", None), TimeoutError):
        return f"timed out after {timeout:g} s"
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
        return f"cannot connect: {getattr(reason, 'strerror', None) or reason}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def max_bytes_for(name: str, md5: str) -> int:
    """The most bytes a download of `name` may bring: twice the official size for MNIST's files, else MAX_BYTES."""
    if MNIST_MD5.get(name) == md5.lower() and name in MNIST_SIZES:
        return SIZE_FACTOR * MNIST_SIZES[name]
    return MAX_BYTES


class _Body:
    """The request and its body in a daemon thread, so the caller can give up at any moment: cancel, a server that
    never answers, stalls or drips, an endless body. `close()` shuts the socket, which ends a blocked read."""

    def __init__(self, url: str, timeout: float):
        self.url, self.timeout = url, timeout
        self.response = None
        self.items: queue.SimpleQueue = queue.SimpleQueue()  # the response first, then blocks, b"" at the end
        self._closed = threading.Event()
        self.thread = threading.Thread(target=self._read, name="download body", daemon=True)
        self.thread.start()

    def _read(self) -> None:
        try:
            response = urllib.request.urlopen(self.url, timeout=self.timeout)
            self.response = response
            if self._closed.is_set():  # the caller gave up while the server was answering
                response.close()
                return
            self.items.put(response)
            while True:
                try:
                    block = response.read1(CHUNK)  # returns what arrived, however little: a drip still moves
                except TimeoutError:
                    self.items.put(_MirrorFailed(f"stalled: no data for {self.timeout:g} s"))
                    return
                self.items.put(block)
                if not block:
                    return
        except BaseException as exc:  # handed to the caller's thread, which decides
            self.items.put(exc)

    def next(self, cancel, deadline_s: float, what: str, stalled: str = ""):
        """The next item, polling `cancel` every POLL_S; _MirrorFailed(`stalled`) when nothing came for `deadline_s`."""
        last = time.monotonic()
        while True:
            if _cancelled(cancel):
                raise DownloadCancelled(what)
            try:
                item = self.items.get(timeout=POLL_S)
            except queue.Empty:
                if time.monotonic() - last > deadline_s:
                    raise _MirrorFailed(stalled or f"stalled: no data for {deadline_s:g} s") from None
                continue
            if isinstance(item, _MirrorFailed):
                raise item
            if isinstance(item, BaseException):
                raise _MirrorFailed(_describe(item, self.timeout)) from item
            return item

    def close(self) -> None:
        self._closed.set()
        response = self.response
        raw = getattr(getattr(response, "fp", None), "raw", None)
        sock = getattr(raw, "_sock", None)
        with contextlib.suppress(OSError):
            if sock is not None:
                sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(Exception):
            if response is not None:
                response.close()
        self.thread.join(0.5)  # a connect still under way ends by itself (daemon thread, socket timeout)


def _fetch(url: str, name: str, md5: str, folder: Path, progress: Progress | None, cancel,
           timeout: float) -> Path:
    """Download one URL into a .part file in `folder`, check length and MD5, and move it to `folder/name`.

    Cancel is seen within POLL_S whatever the server does; no answer or no byte for `timeout` seconds is a stalled
    mirror; a body larger than `max_bytes_for(name, md5)` (or announced as larger) is refused before it fills the
    disk.
    """
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise _MirrorFailed("only http and https mirrors are supported")
    limit = max_bytes_for(name, md5)
    fd, part = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            body = _Body(url, timeout)
            try:
                response = body.next(cancel, timeout, f"download of {name} cancelled",
                                     stalled=f"timed out after {timeout:g} s")
                length = response.headers.get("Content-Length")
                total = int(length) if length and length.isdigit() else None
                if total is not None and total > limit:
                    raise _MirrorFailed(f"too large: the server announces {total} bytes, more than {limit}")
                done, h = _receive(body, out, name, total, limit, progress, cancel, timeout)
            finally:
                body.close()
        if total is not None and done != total:
            raise _MirrorFailed(f"truncated: got {done} of {total} bytes")
        if h.hexdigest() != md5.lower():
            raise _MirrorFailed(f"MD5 mismatch: expected {md5.lower()}, got {h.hexdigest()} ({done} bytes)")
        target = folder / name
        os.replace(part, target)
        return target
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(part)
        raise


def _receive(body: _Body, out, name, total, limit, progress, cancel, timeout):
    """Blocks from `body` into `out` until the end; raises DownloadCancelled or _MirrorFailed as soon as due."""
    h, done = hashlib.md5(usedforsecurity=False), 0
    if progress is not None:
        progress(0, total, name)
    while True:
        block = body.next(cancel, timeout, f"download of {name} cancelled")
        if not block:
            return done, h
        done += len(block)
        if done > limit:
            raise _MirrorFailed(f"too large: more than {limit} bytes (an endless or wrong file?)")
        out.write(block)
        h.update(block)
        if progress is not None:
            progress(done, total, name)


def download_mnist(cache_dir: str | os.PathLike | None = None, mirrors: Sequence[str] = MIRRORS,
                   progress: Progress | None = None, cancel=None, files: Mapping[str, str] = MNIST_MD5,
                   timeout: float = 30.0) -> dict[str, Path]:
    """Make every file of `files` (name -> MD5) present and verified in `cache_dir`; return name -> path.

    Each file is tried on each mirror in order (mirror URL + name). `progress(done, total, name)` is called with
    bytes so far (total None when the server does not say); `cancel` is a threading.Event or a callable returning
    True, checked at least every POLL_S seconds however slow the server, and raises DownloadCancelled. `timeout`
    (seconds) bounds the connection and any wait for data (a stalled mirror fails, the next one is tried); no body
    may grow past `max_bytes_for` its file. Files already present with the right MD5 are not downloaded again.
    Raises DownloadError (listing what each mirror said) when no mirror delivers a file.
    """
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadError("", [], f"cannot create the cache folder {folder}: {exc.strerror or exc}") from exc
    if not mirrors:
        raise DownloadError("", [], "no mirrors given")
    paths = {}
    for name, md5 in files.items():
        if _cancelled(cancel):
            raise DownloadCancelled(f"download of {name} cancelled")
        target = folder / name
        if target.is_file() and _md5(target) == md5.lower():
            size = target.stat().st_size
            if progress is not None:
                progress(size, size, name)
            paths[name] = target
            continue
        attempts = []
        for mirror in mirrors:
            url = mirror if mirror.endswith("/") else mirror + "/"
            url += urllib.parse.quote(name)
            try:
                paths[name] = _fetch(url, name, md5, folder, progress, cancel, timeout)
                break
            except _MirrorFailed as exc:
                attempts.append((url, str(exc)))
            except OSError as exc:  # writing to the cache folder failed: no mirror can fix that
                raise DownloadError(name, attempts, f"cannot write {name} into {folder}: "
                                                    f"{exc.strerror or exc}") from exc
        else:
            raise DownloadError(name, attempts)
    return paths
