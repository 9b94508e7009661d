"""The package layout is the architecture; these tests keep it honest.

engine/ is Spark only (no Qt); ui/ is Qt only (no Spark, no engine); the result contract,
analysis, reports and config code use neither; nobody uses pandas, Python UDFs or QTableWidget.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "logdesk"
QT = ("PySide6", "pyqtgraph", "shiboken6")
SPARK = ("pyspark", "py4j")


def _modules(sub: str = "") -> list[Path]:
    return sorted((PACKAGE / sub).rglob("*.py")) if sub else sorted(PACKAGE.glob("*.py"))


def _imports(path: Path, top_level_only: bool = False) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _offending(names: set[str], forbidden: tuple[str, ...]) -> set[str]:
    return {n for n in names if n.split(".")[0] in forbidden or n.startswith(forbidden)}


@pytest.mark.parametrize("path", _modules("engine"), ids=lambda p: p.name)
def test_engine_never_imports_qt_or_ui(path):
    assert not _offending(_imports(path), QT + ("logdesk.ui",))


@pytest.mark.parametrize("path", _modules("ui"), ids=lambda p: p.name)
def test_ui_never_imports_spark_or_engine(path):
    # app.py wires the real backend, importing it lazily inside a function.
    names = _imports(path, top_level_only=path.name == "app.py")
    assert not _offending(names, SPARK + ("logdesk.engine",))


PLAIN = _modules("analysis") + _modules("reports") + [
    p for p in _modules() if p.name not in ("cli.py", "cli_spark.py", "__main__.py")
]


@pytest.mark.parametrize("path", PLAIN, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_contract_analysis_reports_use_neither_spark_nor_qt(path):
    assert not _offending(_imports(path), SPARK + QT + ("logdesk.engine", "logdesk.ui"))


@pytest.mark.parametrize("name", ["cli.py", "cli_spark.py"])
def test_cli_imports_engine_and_ui_lazily(name):
    # `logdesk --help` must not pay for Spark or Qt.
    top = _imports(PACKAGE / name, top_level_only=True)
    assert not _offending(top, SPARK + QT + ("logdesk.engine", "logdesk.ui"))


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.name)
def test_no_pandas_no_udfs_no_table_widget(path):
    text = path.read_text(encoding="utf-8")
    assert "pandas" not in _imports(path) and not any(
        n.startswith("pandas") for n in _imports(path)
    )
    tree = ast.parse(text)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            assert node.attr not in ("udf", "pandas_udf", "QTableWidget"), path
        if isinstance(node, ast.Name):
            assert node.id not in ("udf", "pandas_udf", "QTableWidget"), path


def test_importing_the_ui_loads_no_spark():
    code = (
        "import sys, importlib, pkgutil, logdesk.ui as ui\n"
        "for m in pkgutil.iter_modules(ui.__path__):\n"
        "    importlib.import_module('logdesk.ui.' + m.name)\n"
        "bad = [m for m in sys.modules if m.startswith(('pyspark', 'py4j', 'logdesk.engine'))]\n"
        "print(bad)\n"
        "raise SystemExit(1 if bad else 0)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True, text=True, timeout=120,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert out.returncode == 0, out.stdout + out.stderr
