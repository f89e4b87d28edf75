"""Issue #14: no function over 80 lines of code, no module over 600 lines, in the
package, the pages and the entry script.

Code lines are non-blank, non-comment lines, the docstring excluded; a nested
function counts towards the function holding it.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
MODULES = sorted([*(ROOT / "msc_dash").rglob("*.py"), *(ROOT / "pages").glob("*.py"),
                  ROOT / "app.py"])


def code_lines(source: str) -> dict[str, int]:
    """Code lines of every function in ``source``, by qualified-ish name."""
    lines = source.splitlines()
    out = {}
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        first = node.body[0]
        doc = (range(first.lineno, first.end_lineno + 1)
               if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
               and isinstance(first.value.value, str) else range(0))
        out[node.name] = sum(1 for n in range(node.lineno, node.end_lineno + 1)
                             if n not in doc and lines[n - 1].strip()
                             and not lines[n - 1].strip().startswith("#"))
    return out


def test_the_counter_skips_docstrings_comments_and_blank_lines():
    src = 'def f(x):\n    """Doc.\n\n    More.\n    """\n    # why\n\n    return x\n'
    assert code_lines(src) == {"f": 2}


def _id(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", MODULES, ids=_id)
def test_no_function_is_over_80_lines_of_code(path):
    long = {k: n for k, n in code_lines(path.read_text()).items() if n > 80}
    assert not long, f"{_id(path)}: {long}"


@pytest.mark.parametrize("path", MODULES, ids=_id)
def test_no_module_is_over_600_lines(path):
    assert len(path.read_text().splitlines()) <= 600
