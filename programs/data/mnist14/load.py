"""Reads the mnist14 splits: the raw Scratch list items, or NumPy arrays for the reference network."""

from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parent
SPLITS = ("train", "test")
SIDE = 14


def split_paths(name: str, directory: Path = DATA_DIR) -> tuple[Path, Path]:
    """The images and labels files of split `name` ("train" or "test")."""
    if name not in SPLITS:
        raise ValueError(f"unknown split {name!r}; expected one of {SPLITS}")
    return directory / f"{name}_images.txt", directory / f"{name}_labels.txt"


def read_items(path: Path) -> list[str]:
    """A list file's items, as Scratch's import splits it: one per line."""
    text = path.read_text(encoding="ascii")
    return text.split("\n") if text else []


def load_split(name: str, directory: Path = DATA_DIR) -> tuple[list[str], list[str]]:
    """Images (196-character 0/1 strings) and labels ("0".."9") of a split, as Scratch holds them."""
    images_path, labels_path = split_paths(name, directory)
    images, labels = read_items(images_path), read_items(labels_path)
    if len(images) != len(labels):
        raise ValueError(f"{name}: {len(images)} images but {len(labels)} labels")
    return images, labels


def as_arrays(name: str, directory: Path = DATA_DIR) -> tuple[np.ndarray, np.ndarray]:
    """A split as an N x 196 float pixel matrix (0.0 or 1.0, row-major) and N int labels."""
    images, labels = load_split(name, directory)
    raw = np.frombuffer("".join(images).encode("ascii"), dtype=np.uint8)
    pixels = (raw - ord("0")).reshape(len(images), SIDE * SIDE).astype(np.float64)
    return pixels, np.array([int(label) for label in labels], dtype=np.int64)
