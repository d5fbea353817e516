"""The guardrails fail when they should: a thread left running fails its test; lint and contracts are configured."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

LEAKY = '''
import threading
from PySide6.QtCore import QThread

held = {}

def test_leaves_a_qthread():
    thread = held["q"] = QThread()
    thread.setObjectName("leaky")
    thread.start()

def test_leaves_a_python_thread():
    held["stop"] = stop = threading.Event()
    held["t"] = t = threading.Thread(target=stop.wait, name="dripping")
    t.start()

def test_clean_up():
    held["q"].quit(); held["q"].wait()
    held["stop"].set(); held["t"].join()

def test_a_tidy_thread():
    thread = QThread()
    thread.start()
    thread.quit()
    thread.wait()
'''


def test_a_thread_left_running_fails_its_test(pytester):
    pytester.makeconftest((ROOT / "tests" / "conftest.py").read_text())
    pytester.makepyfile(test_leaky=LEAKY)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4, errors=2)
    result.stdout.fnmatch_lines(["*left running after the test: QThread leaky*",
                                 "*left running after the test: thread dripping*"])


def test_lint_and_contracts_are_configured():
    text = (ROOT / "pyproject.toml").read_text()
    assert "[tool.ruff.lint]" in text and "[tool.importlinter]" in text
    ci = (ROOT / ".ci" / "run").read_text()
    assert "ruff check" in ci and "lint-imports" in ci
    assert ci.index("lint-imports") < ci.index("pytest")


def test_every_colour_lives_in_the_theme():
    import re

    pattern = re.compile(r"#[0-9A-Fa-f]{6}\b|#[0-9A-Fa-f]{3}\"|mkPen\(\d|mkBrush\(\d|QColor\(\d")
    found = [f"{path.relative_to(ROOT)}:{n}" for path in (ROOT / "app").rglob("*.py") if path.name != "theme.py"
             for n, line in enumerate(path.read_text().splitlines(), 1) if pattern.search(line)]
    assert found == []
