"""Set-up for the packaged (PyInstaller) app, run first thing by its entry point.

The packaged app must use its own Spark jars and its own Java runtime, never what the machine
happens to have, and it has no separate Python: Spark starts its Python workers by running
PYSPARK_PYTHON with `-m pyspark.daemon` (or `-m pyspark.worker`, `-m pyspark.sql.worker.…`), so
the app's own executable must behave like `python -m MODULE` for those calls.

Nothing here does anything when the code runs from a normal Python installation.
"""

from __future__ import annotations

import os
import runpy
import sys
from collections.abc import Sequence
from pathlib import Path

JAVA_RUNTIME_DIR = "java-runtime"  # inside the bundle's data folder (sys._MEIPASS)
SPARK_HOME_DIR = "pyspark"  # pyspark's jars, bin and sbin, as PyInstaller collected them

# Variables that would make the bundled Spark read the machine's Spark or Python set-up.
_FOREIGN_VARIABLES = ("PYSPARK_SUBMIT_ARGS", "SPARK_CONF_DIR", "SPARK_DIST_CLASSPATH",
                      "PYSPARK_DRIVER_PYTHON", "PYSPARK_DRIVER_PYTHON_OPTS", "PYTHONHOME",
                      "PYTHONPATH", "PYTHONSTARTUP")

# Interpreter options Spark (or a user) may put before -m; a frozen app has nothing to do
# with them. The ones in _FLAGS_WITH_VALUE take the next argument.
_FLAGS = frozenset({"-u", "-E", "-s", "-S", "-B", "-I", "-O", "-OO", "-q", "-b", "-bb", "-P"})
_FLAGS_WITH_VALUE = frozenset({"-X", "-W"})


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def bundle_root() -> Path:
    """The bundle's data folder: `_internal/` next to the executable with PyInstaller 6."""
    root = getattr(sys, "_MEIPASS", None)
    return Path(root) if root else Path(sys.executable).resolve().parent


def configure_environment(environ: dict[str, str] | None = None) -> None:
    """Point Spark, Java and PySpark's workers at what the bundle carries."""
    env = os.environ if environ is None else environ
    root = bundle_root()
    for name in _FOREIGN_VARIABLES:
        env.pop(name, None)
    env["SPARK_HOME"] = str(root / SPARK_HOME_DIR)
    env["JAVA_HOME"] = str(root / JAVA_RUNTIME_DIR)
    env["SPARK_LOCAL_IP"] = "127.0.0.1"
    # Spark starts its Python workers with this; the app runs them itself (run_module_request).
    env["PYSPARK_PYTHON"] = sys.executable


def module_request(argv: Sequence[str]) -> tuple[str, list[str]] | None:
    """(module, its argv) when argv asks for `EXE [interpreter options] -m MODULE [args]`."""
    i = 1
    while i < len(argv):
        arg = argv[i]
        if arg == "-m" and i + 1 < len(argv):
            return argv[i + 1], [argv[0], *argv[i + 2:]]
        if arg.startswith("-m") and len(arg) > 2:  # -mpyspark.daemon
            return arg[2:], [argv[0], *argv[i + 1:]]
        if arg in _FLAGS:
            i += 1
        elif arg in _FLAGS_WITH_VALUE:
            i += 2
        elif arg[:2] in _FLAGS_WITH_VALUE and len(arg) > 2:  # -Xfoo, -Wignore
            i += 1
        else:
            return None
    return None


def run_module_request(argv: Sequence[str] | None = None) -> int | None:
    """Run `-m MODULE` like Python would and return its exit code; None when not asked to."""
    argv = list(sys.argv if argv is None else argv)
    request = module_request(argv)
    if request is None:
        return None
    module, module_argv = request
    # A windowed app (Windows) has no standard streams; worker modules write to them.
    for name in ("stdin", "stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "r" if name == "stdin" else "w"))
    sys.argv = module_argv
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        code = exc.code
        if code is None:
            return 0
        if isinstance(code, int):
            return code
        print(code, file=sys.stderr)
        return 1
    return 0


def prepare() -> int | None:
    """Entry-point hook: set the environment up; run a requested module (exit code) or None."""
    if not is_frozen():
        return None
    configure_environment()
    return run_module_request()


__all__ = [
    "JAVA_RUNTIME_DIR",
    "SPARK_HOME_DIR",
    "bundle_root",
    "configure_environment",
    "is_frozen",
    "module_request",
    "prepare",
    "run_module_request",
]
