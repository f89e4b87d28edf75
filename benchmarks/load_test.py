"""Load test: 8 browser sessions against one app server on loopback.

Each session (its own browser context, so its own Streamlit session) uploads
its own slice of the sample trial (session ``i`` keeps the first ``12 + i``
subjects), then for a bounded time cycles through sidebar filters on the
Overview: MS type = SPMS, MS type = SPMS + PPMS, reset. After every change it
checks the sidebar's "Showing k of n subjects" line against the count
computed here with pandas from that session's own slice, so a session that
saw another's upload or filters fails the run. Any Streamlit exception box
fails it too.

Printed: per-session and pooled p50 / p95 of the rerun time as the browser
sees it (from the click that changes a filter to the new summary line drawn
and the script run finished: server time plus the websocket round trip and
rendering; typing into the multiselect is not counted), and the number of
checks made.

    .venv/bin/python benchmarks/load_test.py [--sessions 8] [--seconds 60]

Exit status 1 when any session saw an error or another session's data.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import re
import shutil
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from conftest import CHROMIUM_ARGS, start_app  # noqa: E402

SAMPLE = ROOT / "sample_data"
TABLES = ("subjects", "measurements", "adverse_events", "injections")
SIDEBAR = "[data-testid='stSidebar']"

_IDLE = """() => {
    const m = document.querySelector('[data-testid="stMain"]');
    return m && m.innerText.trim().length > 0
        && !document.querySelector('[data-testid="stStatusWidget"]');
}"""


def session_files(i: int) -> tuple[list[dict], pd.DataFrame]:
    """The canonical CSVs of the sample's first ``12 + i`` subjects, in memory."""
    subjects = pd.read_csv(SAMPLE / "subjects.csv").head(12 + i)
    keep = set(subjects["subject_id"])
    files = []
    for name in TABLES:
        frame = pd.read_csv(SAMPLE / f"{name}.csv")
        frame = frame[frame["subject_id"].isin(keep)]
        buf = io.StringIO()
        frame.to_csv(buf, index=False)
        files.append({"name": f"{name}.csv", "mimeType": "text/csv",
                      "buffer": buf.getvalue().encode()})
    return files, subjects


async def idle(page, timeout: float = 120_000) -> None:
    # the status widget may appear a moment after the click: let it show first
    await page.wait_for_timeout(100)
    await page.wait_for_function(_IDLE, timeout=timeout)


async def showing(page, k: int, n: int, types: str | None,
                  timeout: float = 120_000) -> None:
    """Wait until the sidebar's summary line is exactly this session's view.

    ``types`` is the expected "MS type: ..." part, or None when no filter is on.
    """
    line = f"Showing {k} of {n} subjects" + (f" · MS type: {types}" if types else "")
    js = (f"() => {{ const s = document.querySelector({json.dumps(SIDEBAR)});"
          " if (!s) return false; return s.innerText.split('\\n')"
          f".some(l => l.trim() === {json.dumps(line)}); }}")
    try:
        await page.wait_for_function(js, timeout=timeout)
    except Exception as exc:  # noqa: BLE001 - report what the session showed instead
        shown = await page.inner_text(SIDEBAR)
        got = next((x for x in shown.splitlines() if x.startswith("Showing")), shown[-200:])
        raise AssertionError(f"expected {line!r}, the sidebar shows {got!r}") from exc


async def open_multiselect(page, label: str, option: str):
    """Open the sidebar multiselect ``label``, type ``option``; return its menu entry."""
    box = page.locator(f"{SIDEBAR} [data-testid='stMultiSelect']").filter(has_text=label)
    await box.locator("input").click()
    await page.keyboard.type(option)
    # options read "SPMS (7)": the level and its subject count
    choice = page.get_by_role("option", name=re.compile(rf"^{re.escape(option)} \(")).first
    await choice.wait_for()
    return choice


async def run_session(browser, url: str, i: int, seconds: float, results: dict) -> None:
    files, subjects = session_files(i)
    n = len(subjects)
    spms = int((subjects["ms_type"] == "SPMS").sum())
    both = int(subjects["ms_type"].isin(["SPMS", "PPMS"]).sum())
    context = await browser.new_context(viewport={"width": 1440, "height": 900})
    page = await context.new_page()
    times: list[float] = []
    checks = 0
    try:
        await page.goto(f"{url}/")
        await idle(page)
        await page.get_by_text("Upload my data").click()
        await idle(page)
        await page.locator(f"{SIDEBAR} input[type=file]").first.set_input_files(files)
        await showing(page, n, n, None)
        await idle(page)
        reset = page.get_by_role("button", name="Reset filters")

        async def pick(option):
            choice = await open_multiselect(page, "MS type", option)
            return choice.click, lambda: page.keyboard.press("Escape")

        async def no_prep():
            return reset.click, None

        # (prepare: returns the click that triggers the rerun and a follow-up, expected)
        steps = [(lambda: pick("SPMS"), spms, "SPMS"),
                 (lambda: pick("PPMS"), both, "PPMS, SPMS"),
                 (no_prep, n, None)]
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for prepare, expected, types in steps:
                trigger, after = await prepare()
                t0 = time.perf_counter()
                await trigger()
                await showing(page, expected, n, types)
                await page.wait_for_function(_IDLE)
                times.append(time.perf_counter() - t0)
                if after is not None:
                    await after()
                if await page.locator("[data-testid='stException']").count():
                    raise AssertionError("a Streamlit exception is shown")
                checks += 1
        results[i] = {"times": times, "checks": checks, "error": None, "n": n}
    except Exception as exc:  # noqa: BLE001 - one failing session must not hide the others
        results[i] = {"times": times, "checks": checks, "n": n,
                      "error": f"{type(exc).__name__}: {exc}".splitlines()[0][:300]}
    finally:
        await context.close()


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


async def main_async(sessions: int, seconds: float) -> int:
    from playwright.async_api import async_playwright

    exe = shutil.which("chromium")
    if exe is None:
        print("Debian's chromium is not installed: `sudo apt-get install chromium` "
              "(make test installs it).")
        return 2
    proc, url = start_app()
    results: dict[int, dict] = {}
    try:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
            # warm the server (first run imports the analysis stack)
            warm = await browser.new_page()
            await warm.goto(f"{url}/")
            await idle(warm)
            await warm.close()
            t0 = time.perf_counter()
            await asyncio.gather(*(run_session(browser, url, i, seconds, results)
                                   for i in range(sessions)))
            wall = time.perf_counter() - t0
            await browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)

    print(f"{sessions} concurrent sessions, {seconds:.0f} s of filter changes each "
          f"({wall:.0f} s wall), one server on {url}")
    print(f"{'session':>8} {'subjects':>8} {'reruns':>7} {'p50 ms':>8} {'p95 ms':>8}  result")
    pooled = []
    failed = 0
    for i in sorted(results):
        r = results[i]
        ms = [1000 * t for t in r["times"]]
        pooled += ms
        failed += r["error"] is not None
        print(f"{i:>8} {r['n']:>8} {r['checks']:>7} {pct(ms, .5):>8.0f} {pct(ms, .95):>8.0f}  "
              f"{r['error'] or 'ok, isolated'}")
    print(f"{'all':>8} {'':>8} {len(pooled):>7} {pct(pooled, .5):>8.0f} "
          f"{pct(pooled, .95):>8.0f}  "
          f"{'FAILED: ' + str(failed) + ' session(s)' if failed else 'no errors, no leaks'}")
    if pooled:
        print(f"mean {statistics.fmean(pooled):.0f} ms; every rerun checked the session's "
              "own subject count")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60.0,
                        help="how long each session keeps changing filters")
    args = parser.parse_args(argv)
    return asyncio.run(main_async(args.sessions, args.seconds))


if __name__ == "__main__":
    sys.exit(main())
