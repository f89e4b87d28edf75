"""The fast paths give what the slow ones gave: Arrow's number parsing against
``pandas.to_numeric`` (the reading the checks were written for), per-distinct-value
cleaning of repeated texts against cleaning every cell, counted repeats against
hashed ones, the bootstrap's quantiles against ``scipy.stats.quantile``; and the
first page a server draws imports neither ``scipy.stats`` nor ``scipy.optimize``."""

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from msc_dash.io import textcols
from msc_dash.io.checks import _repeated
from msc_dash.io.textcols import numbers as _text_numbers

ROOT = Path(__file__).resolve().parents[1]

EDGE = ["1", "1.5", "-2", ".5", "5.", "+3", "1e5", "1E-3", "1e400", "-1e400", "1e-400", "0.1",
        "123456789012345678901234", "1.7976931348623157e308", "4.9e-324", " 1", "1 ", "inf",
        "nan", "NaN", "-inf", "Infinity", "+inf", "INF", "0x10", "1_000", "١٢", "１２", "1,5",
        "", None, "abc", "1e", "e5", "--1", "1.2.3", "00012", "+.5e-3", "1d5", "1.e5", "-.e1",
        "+", "-", ".", "3.14159265358979323846264338"]


def _pandas(values: pd.Series) -> np.ndarray:
    return pd.to_numeric(values, errors="coerce").astype(float).to_numpy()


@pytest.mark.parametrize("cell", EDGE)
def test_one_cell_reads_as_pandas_reads_it(cell):
    # alone, so a cell Arrow refuses cannot hide behind another that sends the column to pandas
    ours = _text_numbers(pd.Series([cell, "2"], dtype=object)).to_numpy()
    np.testing.assert_array_equal(ours, _pandas(pd.Series([cell, "2"], dtype=object)))


@pytest.mark.parametrize("fmt", ["{!r}", "{:.3f}", "{:.17g}", "{:.6e}", "{:.25f}"])
def test_random_numbers_read_bit_for_bit_as_pandas(fmt):
    rng = np.random.default_rng(7)
    x = rng.standard_normal(20_000) * 10.0 ** rng.integers(-8, 9, 20_000)
    cells = pd.Series([fmt.format(v) for v in x.tolist()], dtype=object)
    ours = _text_numbers(cells).to_numpy()
    assert ours.tobytes() == _pandas(cells).tobytes()


def test_categorical_cells_read_per_category():
    cells = pd.Series(pd.Categorical(["1", "2", "x", None, "1", "inf"]))
    np.testing.assert_array_equal(_text_numbers(cells).to_numpy(),
                                  [1.0, 2.0, np.nan, np.nan, 1.0, np.inf])


def test_repeated_texts_clean_as_every_cell_does():
    rng = np.random.default_rng(3)
    words = np.array([" a", "a", "A ", "NA", "n/a", "", "b\u00a0", "\tc", "-"], dtype=object)
    column = pa.array(words[rng.integers(0, len(words), 40_000)].tolist())
    fast = textcols.clean_column(column)
    assert pa.types.is_dictionary(fast.type)
    slow = textcols.clean(column)
    assert fast.cast(pa.large_string()).to_pylist() == slow.to_pylist()
    np.testing.assert_array_equal(textcols.valid(fast), slow.is_valid().to_numpy(
        zero_copy_only=False))
    frame = textcols.frame({"x": fast}, np.arange(len(column)))
    assert frame["x"].astype(object).where(frame["x"].notna(), None).tolist() == \
        slow.to_pylist()


def test_repeats_found_by_counting_as_by_hashing():
    rng = np.random.default_rng(5)
    for high in (50, 5_000_000, 2**40):  # dense, sparse, beyond the counting range
        key = rng.integers(0, high, 100_000)
        np.testing.assert_array_equal(_repeated(key),
                                      pd.Series(key).duplicated(keep=False).to_numpy())


def test_bootstrap_quantiles_equal_scipy_bit_for_bit():
    from scipy import stats

    from msc_dash.bootstrap import _linear_quantile

    rng = np.random.default_rng(0)
    for m in (2, 3, 17, 2000):
        y = rng.standard_normal((200, m))
        y[1, ::3] = -np.inf  # g of a resample without variance
        p = rng.uniform(0, 1, (200, 2))
        p[2], p[3], p[4] = [0, 1], [1e-12, 1 - 1e-12], [-0.1, 1.1]
        np.testing.assert_array_equal(_linear_quantile(y, p), stats.quantile(y, p, axis=-1))


def test_the_first_page_needs_no_scipy_stats_or_optimize():
    # importing them costs 1.5 s and 0.4 s of the first page after a server start
    import subprocess
    import sys

    code = ("import sys; from streamlit.testing.v1 import AppTest; "
            "at = AppTest.from_file('app.py', default_timeout=120); at.run(); "
            "assert not at.exception; assert at.get('plotly_chart'); "
            "print('scipy.stats' in sys.modules or 'scipy.optimize' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert out.stdout.strip().splitlines()[-1] == "False"


def test_unique_inverse_by_counting_equals_numpy():
    from msc_dash.effects import _unique_inverse

    rng = np.random.default_rng(11)
    for n, size in ((10, 10), (1_000, 50), (200_000, 250_000), (100, 10**9)):
        key = rng.integers(0, size, n)
        for ours, want in zip(_unique_inverse(key, size), np.unique(key, return_inverse=True),
                              strict=True):
            np.testing.assert_array_equal(ours, want)


def test_the_plotly_warmup_is_sent_once_and_imports_nothing_heavy():
    # app.py sends it before importing pandas and the analysis package, so that the
    # browser loads plotly.js while the server imports (first chart 6.3 -> 4.5 s,
    # benchmarks/bench_browser.py); later runs send nothing in its place
    import subprocess
    import sys

    from streamlit.testing.v1 import AppTest

    code = ("import sys, msc_dash.ui.warmup; print(sorted(m for m in sys.modules if m in "
            "('pandas', 'numpy', 'scipy') or m.startswith('msc_dash.') and m not in ('msc_dash.ui', 'msc_dash.ui.warmup')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"

    def script():
        from msc_dash.ui import warmup

        warmup.plotly_code()  # not emptied: what the browser receives first is kept

    at = AppTest.from_function(script).run()
    assert len(at.sidebar.get("plotly_chart")) == 1
    at.run()
    assert not at.sidebar.get("plotly_chart")


def test_app_sends_the_warmup_before_its_heavy_imports():
    source = (ROOT / "app.py").read_text()
    assert source.index("warmup.plotly_code()") < source.index("from msc_dash.outcomes")
    assert source.index("warmed()") > source.index("from msc_dash.ui import a11y")


def _random_keys(rng, n, dtype):
    cells = rng.choice(["BL", "M6", "M12", "S001", "é", None], n).tolist()
    if rng.random() < 0.5:  # a Trial's tables are sorted: runs of equal cells
        cells = sorted(cells, key=lambda c: (c is None, c or ""))
    s = pd.Series(cells, dtype="object" if dtype == "object" else "str")
    return s.astype("category") if dtype == "category" else s


@pytest.mark.parametrize("dtype", ["str", "object", "category"])
def test_grouping_by_codes_equals_pandas(dtype):
    # groups.py replaces these pandas expressions on registry-size data; the expected
    # value is pandas' own answer to the same expression on the same random frame
    from msc_dash.groups import group_indices, group_medians, isin_runs

    rng = np.random.default_rng(7)
    for _ in range(200):
        n = int(rng.integers(1, 60))
        frame = pd.DataFrame({"a": _random_keys(rng, n, dtype), "b": _random_keys(rng, n, "str"),
                              "day": rng.choice([0.0, 1.5, 180.0, 190.0, np.nan, 1e9 + 0.1], n)})
        for cols in ("a", ["a", "b"]):
            want = frame.groupby(cols, sort=False, observed=True).indices
            got = group_indices(frame, cols)
            assert set(got) == set(want)
            for k in want:
                np.testing.assert_array_equal(got[k], want[k])
        if dtype != "category":
            want = frame["day"].groupby(frame["a"], sort=False).median()
            got = group_medians(frame["a"], frame["day"])
            assert list(got.index) == list(want.index)
            np.testing.assert_array_equal(got.to_numpy(), want.to_numpy())
        values = rng.choice(["BL", "M12", "S001", "zz", 3], int(rng.integers(0, 4))).tolist()
        for vals in (values, set(values), pd.array([v for v in values if isinstance(v, str)],
                                                   dtype="str")):
            np.testing.assert_array_equal(isin_runs(frame["a"], vals),
                                          frame["a"].isin(list(vals)).to_numpy())


def test_isin_by_runs_reads_each_run_once():
    from msc_dash.groups import isin_runs

    ids = pd.Series(np.repeat([f"S{i:05d}" for i in range(2000)], 30), dtype="str")
    keep = ids.unique()[::3]
    np.testing.assert_array_equal(isin_runs(ids, keep), ids.isin(keep).to_numpy())
