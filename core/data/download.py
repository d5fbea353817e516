"""Full MNIST from the official mirrors: MD5-checked, cancellable, written atomically into a cache folder.

A file appears under its final name only after its MD5 matched (download to a .part file, verify, os.replace), so
a half-downloaded or corrupt file is never used; leftovers are removed on any failure or cancel.
"""
from __future__ import annotations

import contextlib
import hashlib
import http.client
import os
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

__all__ = [
    "MIRRORS",
    "MNIST_MD5",
    "DownloadCancelled",
    "DownloadError",
    "default_cache_dir",
    "download_mnist",
    "full_mnist_available",
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


def _fetch(url: str, name: str, md5: str, folder: Path, progress: Progress | None, cancel,
           timeout: float) -> Path:
    """Download one URL into a .part file in `folder`, check length and MD5, and move it to `folder/name`."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise _MirrorFailed("only http and https mirrors are supported")
    fd, part = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                response = urllib.request.urlopen(url, timeout=timeout)
            except (OSError, ValueError, http.client.HTTPException) as exc:  # URLError, timeouts: OSError
                raise _MirrorFailed(_describe(exc, timeout)) from exc
            with response:
                length = response.headers.get("Content-Length")
                total = int(length) if length and length.isdigit() else None
                h, done = hashlib.md5(usedforsecurity=False), 0
                if progress is not None:
                    progress(0, total, name)
                while True:
                    if _cancelled(cancel):
                        raise DownloadCancelled(f"download of {name} cancelled")
                    try:
                        block = response.read(CHUNK)
                    except (OSError, ValueError, http.client.HTTPException) as exc:
                        raise _MirrorFailed(_describe(exc, timeout)) from exc
                    if not block:
                        break
                    out.write(block)
                    h.update(block)
                    done += len(block)
                    if progress is not None:
                        progress(done, total, name)
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


def download_mnist(cache_dir: str | os.PathLike | None = None, mirrors: Sequence[str] = MIRRORS,
                   progress: Progress | None = None, cancel=None, files: Mapping[str, str] = MNIST_MD5,
                   timeout: float = 30.0) -> dict[str, Path]:
    """Make every file of `files` (name -> MD5) present and verified in `cache_dir`; return name -> path.

    Each file is tried on each mirror in order (mirror URL + name). `progress(done, total, name)` is called with
    bytes so far (total None when the server does not say); `cancel` is a threading.Event or a callable returning
    True, checked between chunks, and raises DownloadCancelled. `timeout` (seconds) bounds the connection and
    every read. Files already present with the right MD5 are not downloaded again.
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
