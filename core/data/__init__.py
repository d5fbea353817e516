"""MNIST-format data, offline first: the bundled 10,000 digits, full MNIST on request, or any IDX folder.

Images stay uint8 in memory; a Preprocessor turns each batch into float32.
"""
from .bundled import load_bundled
from .dataset import Dataset, stratified_split
from .drawing import center_of_mass, preprocess_drawing
from .download import (MIRRORS, MNIST_MD5, DownloadCancelled, DownloadError, default_cache_dir, download_mnist,
                       full_mnist_available, missing_mnist_files)
from .folder import find_idx_files, load_idx_folder
from .idx import DataError, read_idx, read_idx_pair, write_idx
from .load import load_full_mnist, load_mnist
from .preprocess import PREPROCESS_MODES, Preprocessor

__all__ = [
    "DataError", "read_idx", "read_idx_pair", "write_idx",
    "Dataset", "stratified_split",
    "load_mnist", "load_bundled", "load_full_mnist", "load_idx_folder", "find_idx_files",
    "MIRRORS", "MNIST_MD5", "DownloadError", "DownloadCancelled", "default_cache_dir", "download_mnist",
    "full_mnist_available", "missing_mnist_files",
    "Preprocessor", "PREPROCESS_MODES",
    "preprocess_drawing", "center_of_mass",
]
