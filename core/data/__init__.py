"""MNIST-format data, offline first: the bundled 10,000 digits, full MNIST on request, or any IDX folder.

Images stay uint8 in memory; a Preprocessor turns each batch into float32.
"""
from .bundled import load_bundled
from .dataset import Dataset, stratified_split
from .download import (
                       MIRRORS,
                       MNIST_MD5,
                       DownloadCancelled,
                       DownloadError,
                       default_cache_dir,
                       download_mnist,
                       full_mnist_available,
                       missing_mnist_files,
)
from .drawing import center_of_mass, preprocess_drawing
from .folder import find_idx_files, load_idx_folder
from .idx import DataError, read_idx, read_idx_pair, write_idx
from .load import load_full_mnist, load_mnist
from .preprocess import PREPROCESS_MODES, Preprocessor

__all__ = [
                       "MIRRORS",
                       "MNIST_MD5",
                       "PREPROCESS_MODES",
                       "DataError",
                       "Dataset",
                       "DownloadCancelled",
                       "DownloadError",
                       "Preprocessor",
                       "center_of_mass",
                       "default_cache_dir",
                       "download_mnist",
                       "find_idx_files",
                       "full_mnist_available",
                       "load_bundled",
                       "load_full_mnist",
                       "load_idx_folder",
                       "load_mnist",
                       "missing_mnist_files",
                       "preprocess_drawing",
                       "read_idx",
                       "read_idx_pair",
                       "stratified_split",
                       "write_idx",
]
