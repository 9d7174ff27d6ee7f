"""The exp/log lookup tables: reproducible files, Scratch's lookup rule, and error within the stated bounds."""

import hashlib
import json
import math
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from emulator.lut import generate, tables
from emulator.lut.report import error_report, format_report
from emulator.values import number_to_string

LUT_DIR = Path(generate.__file__).parent
EXP_ITEMS = tables.load_exp()
LOG_ITEMS = tables.load_log()


# ## Scalar re-implementation of the program's lookup, written from the Scratch rules


def scratch_item(items: list[str], index: float) -> float:
    """`item (index) of list`: floor the index, 1-based, "" (read as 0) outside 1..length."""
    if math.isnan(index) or math.isinf(index):
        return 0.0
    i = math.floor(index)
    return float(items[i - 1]) if 1 <= i <= len(items) else 0.0


def scratch_clamp(x: float, lo: float, hi: float) -> float:
    # Scratch's `<`/`>` compare NaN as the text "nan": below nothing, above "10" and "1".
    if x < lo:
        x = lo
    if x > hi or math.isnan(x):
        x = hi
    return x


def scalar_exp(x: float) -> float:
    return scratch_item(EXP_ITEMS, (scratch_clamp(x, -10.0, 10.0) + 10.0) * 1000.0 + 1.0)


def scalar_log(x: float) -> float:
    return scratch_item(LOG_ITEMS, scratch_clamp(x, 0.0, 1.0) * 10000.0 + 1.0)


def scalar_sigmoid(z: float) -> float:
    # `0 - z` in Scratch casts NaN to 0 first.
    return 1.0 / (1.0 + scalar_exp(0.0 - (0.0 if math.isnan(z) else z)))


def probe_points(lo: float, hi: float, step: float, size: int, seed: int) -> np.ndarray:
    """Random points past both ends, every grid point and its neighbouring doubles, and specials."""
    grid = np.arange(size) * step + lo
    rng = np.random.default_rng(seed)
    width = hi - lo
    random = rng.uniform(lo - width / 4, hi + width / 4, 20_000)
    specials = np.array([np.nan, np.inf, -np.inf, 1e300, -1e300, 0.0, -0.0, 5e-324])
    return np.concatenate(
        [random, grid, np.nextafter(grid, -np.inf), np.nextafter(grid, np.inf), specials]
    )


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return np.array_equal(
        np.asarray(a, np.float64).view(np.int64), np.asarray(b, np.float64).view(np.int64)
    )


# ## The files


def test_regenerating_gives_identical_files(tmp_path: Path) -> None:
    """Running the generator anew reproduces the committed tables and meta.json byte for byte."""
    written = generate.write(tmp_path)
    for name in ("exp.txt", "log.txt", "meta.json"):
        assert (tmp_path / name).read_bytes() == (LUT_DIR / name).read_bytes(), name
    assert set(written) == {"exp", "log", "meta"}


def test_meta_sha256_matches_tables() -> None:
    """meta.json's digests are those of the committed table files."""
    meta = json.loads((LUT_DIR / "meta.json").read_text())
    for name in ("exp", "log"):
        data = (LUT_DIR / meta[name]["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == meta[name]["sha256"]


def test_table_sizes_and_line_format() -> None:
    """20,001 and 10,001 items, "\\n" between them, none empty, no newline after the last."""
    assert len(EXP_ITEMS) == 20001
    assert len(LOG_ITEMS) == 10001
    for name in ("exp.txt", "log.txt"):
        data = (LUT_DIR / name).read_bytes()
        assert not data.endswith(b"\n") and b"\r" not in data and b"\n\n" not in data


def test_items_are_javascript_number_strings() -> None:
    """Every item is what JS String() prints for its own value, so Scratch reads the same double."""
    for item in EXP_ITEMS + LOG_ITEMS:
        assert number_to_string(float(item)) == item


def test_spot_values() -> None:
    """Known entries: ends, exp(0) = 1, ln 1 = 0, ln 0.5, and the documented ln 0 stand-in."""
    assert EXP_ITEMS[0] == "0.000045399929762484854"  # e^-10
    assert EXP_ITEMS[10000] == "1"
    assert EXP_ITEMS[20000] == "22026.465794806718"  # e^10
    assert float(EXP_ITEMS[11000]) == math.e  # e^1, correctly rounded
    assert LOG_ITEMS[10000] == "0"
    assert float(LOG_ITEMS[5000]) == math.log(0.5)
    meta = json.loads((LUT_DIR / "meta.json").read_text())
    assert LOG_ITEMS[0] == meta["log"]["log0"]["value"] == number_to_string(math.log(0.00005))


def test_tables_are_increasing() -> None:
    """Both tables increase strictly, entry 1 of log (ln 0's stand-in) included."""
    for items in (EXP_ITEMS, LOG_ITEMS):
        values = np.array([float(v) for v in items])
        assert (np.diff(values) > 0).all()


def test_entries_are_within_an_ulp_of_libm() -> None:
    """The correctly rounded entries differ from math.exp / math.log by at most one ulp."""
    for k in range(1, 20002, 7):
        x = generate.exp_grid(k)
        assert abs(float(EXP_ITEMS[k - 1]) - math.exp(x)) <= math.ulp(math.exp(x))
    for k in range(2, 10002, 7):
        x = generate.log_grid(k)
        assert abs(float(LOG_ITEMS[k - 1]) - math.log(x)) <= math.ulp(math.log(x))


# ## The number printer the tables are written with


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to compare with JavaScript")
def test_number_to_string_matches_node() -> None:
    """On random doubles of every magnitude, emulator.values.number_to_string agrees with Node's String(x)."""
    rng = np.random.default_rng(7)
    values = (
        rng.uniform(1, 10, 3000) * 10.0 ** rng.integers(-30, 30, 3000) * rng.choice([-1, 1], 3000)
    )
    script = "const xs = JSON.parse(require('fs').readFileSync(0)); console.log(JSON.stringify(xs.map(String)))"
    done = subprocess.run(
        ["node", "-e", script],
        input=json.dumps(values.tolist()),
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(done.stdout) == [number_to_string(v) for v in values.tolist()]


# ## The lookups


def test_lookup_exp_matches_scalar_scratch_rule() -> None:
    """lookup_exp agrees bit for bit with the rule written out per value, in and out of domain."""
    x = probe_points(-10.0, 10.0, 0.001, 20001, seed=1)
    assert same_bits(tables.lookup_exp(x), [scalar_exp(v) for v in x.tolist()])


def test_lookup_log_matches_scalar_scratch_rule() -> None:
    """lookup_log agrees bit for bit with the rule written out per value, in and out of domain."""
    x = probe_points(0.0, 1.0, 0.0001, 10001, seed=2)
    assert same_bits(tables.lookup_log(x), [scalar_log(v) for v in x.tolist()])


def test_lookup_sigmoid_matches_scalar_scratch_rule() -> None:
    """lookup_sigmoid is 1 / (1 + exp lookup of -z), bit for bit."""
    z = probe_points(-10.0, 10.0, 0.001, 20001, seed=3)
    assert same_bits(tables.lookup_sigmoid(z), [scalar_sigmoid(v) for v in z.tolist()])


def test_lookups_keep_shape() -> None:
    """Lookups work elementwise on any shape, 0-d included."""
    assert tables.lookup_exp(np.zeros((3, 4))).shape == (3, 4)
    assert float(tables.lookup_exp(1.0)) == math.e


def test_floor_not_round() -> None:
    """An index of k.999 reads entry k: x = 0.0009 reads exp(0), not exp(0.001)."""
    assert float(tables.lookup_exp(0.0009)) == 1.0
    assert float(tables.lookup_log(0.49999)) == float(LOG_ITEMS[4999])


def test_item_of_out_of_range_reads_zero() -> None:
    """Indices below 1, past the length, NaN or infinite read "" from Scratch, which is 0."""
    values = np.array([5.0, 6.0, 7.0])
    index = np.array([0.0, 0.999, 1.0, 3.999, 4.0, -1.0, np.nan, np.inf, -np.inf])
    assert tables.item_of(values, index).tolist() == [0, 0, 5, 7, 0, 0, 0, 0, 0]


def test_load_returns_fresh_string_lists() -> None:
    """load_* return the raw strings; changing the returned list does not change the table."""
    items = tables.load_exp()
    items[0] = "x"
    assert tables.load_exp()[0] == EXP_ITEMS[0] and isinstance(EXP_ITEMS[0], str)


# ## The error report


@pytest.fixture(scope="module")
def report() -> dict:
    return error_report()


def test_report_figures_within_stated_bounds(report: dict) -> None:
    """Every measured worst case is within the bound meta.json states for it."""
    checked = 0
    for section in report["sections"]:
        for key, limit in section.get("bounds", {}).items():
            assert section[key] <= limit, (section["name"], section["range"], key)
            checked += 1
    assert checked == len(generate.ERROR_BOUNDS)


def test_report_meets_the_analytic_worst_cases(report: dict) -> None:
    """The sampling finds the real worst cases: a full step of error for exp and sigmoid, ln 2 for log."""
    by_range = {(s["name"], s["range"]): s for s in report["sections"]}
    assert by_range["exp", "[-10, 10]"]["max_rel_error"] == pytest.approx(
        1 - math.exp(-0.001), rel=1e-9
    )
    assert by_range["log", "[0.0001, 1]"]["max_abs_error"] == pytest.approx(math.log(2), rel=1e-12)
    assert by_range["sigmoid", "[-10, 10]"]["max_abs_error"] == pytest.approx(0.00025, rel=1e-6)


def test_report_text_states_sampling(report: dict) -> None:
    """The printed report says how it sampled and names each function."""
    text = format_report(report)
    assert "2,000,001 evenly spaced points" in text
    for name in ("exp on", "log on", "log near 0", "sigmoid on", "sigmoid outside"):
        assert name in text
