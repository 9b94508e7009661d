#!/usr/bin/env python3
"""Build the packaged logdesk app: one folder that runs without Python and without Java.

    python3 build_scripts/build_app.py              the whole build
    python3 build_scripts/build_app.py --keep-venv  reuse build/app-venv (faster rebuilds)

Steps: a clean build venv (build/app-venv) with the project (`pip install .`) and PyInstaller;
a trimmed Java runtime made with `jlink` from this machine's JDK (JAVA_HOME, else the JDK that
`javac`/`java` on PATH belong to) in build/java-runtime; PyInstaller with
build_scripts/logdesk.spec into dist/logdesk/; a check of the bundle; and the archive
dist/logdesk-<version>-<platform>.tar.gz (Linux) or .zip (Windows, macOS).

Needs: Python 3.11+ and a JDK 17+ (a JRE has no jlink) for the platform you build on; the
result runs only on that operating system and CPU architecture. Standard library only.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import stat
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
VENV = BUILD / "app-venv"
JAVA_RUNTIME = BUILD / "java-runtime"
DIST = ROOT / "dist"
APP = DIST / "logdesk"
SPEC = ROOT / "build_scripts" / "logdesk.spec"

# What Spark 4 needs from Java: the SE platform, sun.misc.Unsafe (jdk.unsupported), the vector
# API its launcher always asks for, EC crypto (TLS to clusters), zip file systems, JMX, and
# com.sun.security.auth (Hadoop's UserGroupInformation fails without it: "Unable to find JAAS
# classes").
JAVA_MODULES = ("java.se", "jdk.unsupported", "jdk.incubator.vector", "jdk.crypto.ec",
                "jdk.zipfs", "jdk.management", "jdk.security.auth")
MIN_JAVA = 17

WINDOWS = os.name == "nt"


class BuildError(Exception):
    """The build cannot go on; the message says why and what to do."""


def log(message: str) -> None:
    print(f"build_app: {message}", flush=True)


def run(cmd: list[str | Path], **kwargs) -> subprocess.CompletedProcess:
    log("$ " + " ".join(str(c) for c in cmd))
    done = subprocess.run([str(c) for c in cmd], **kwargs)
    if done.returncode != 0:
        raise BuildError(f"command failed with exit code {done.returncode}: {cmd[0]} …")
    return done


# ------------------------------------------------------------------ version and platform


def project_version() -> str:
    text = (ROOT / "logdesk" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__\s*=\s*"([^"]+)"', text, re.M)
    if not found:
        raise BuildError("no __version__ in logdesk/__init__.py")
    return found.group(1)


def platform_tag() -> str:
    system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform)
    machine = platform.machine().lower() or "unknown"
    machine = {"amd64": "x86_64", "aarch64": "arm64"}.get(machine, machine)
    return f"{system}-{machine}"


# ------------------------------------------------------------------ build venv


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if WINDOWS else "bin/python")


def make_build_venv(keep: bool) -> Path:
    python = venv_python()
    if keep and python.exists():
        log(f"reusing {VENV}")
    else:
        if VENV.exists():
            shutil.rmtree(VENV)
        run([sys.executable, "-m", "venv", VENV])
    # Installs the project as users get it (not editable) plus PyInstaller (the `build` extra).
    run([python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    run([python, "-m", "pip", "install", "--quiet", f"{ROOT}[build]"])
    # The same version number would count as installed; the sources may have changed since.
    run([python, "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall", ROOT])
    return python


# ------------------------------------------------------------------ Java runtime


def _tool(home: Path, name: str) -> Path:
    return home / "bin" / (name + ".exe" if WINDOWS else name)


def find_jlink() -> Path:
    """jlink of the JDK in JAVA_HOME, else of the JDK `javac` or `java` on PATH belongs to."""
    homes: list[Path] = []
    if os.environ.get("JAVA_HOME"):
        homes.append(Path(os.environ["JAVA_HOME"]))
    for name in ("jlink", "javac", "java"):
        found = shutil.which(name)
        if found:
            homes.append(Path(found).resolve().parent.parent)  # /usr/bin/java -> the JDK
    for home in homes:
        jlink = _tool(home, "jlink")
        if jlink.exists():
            return jlink
    tried = ", ".join(str(h) for h in homes) or "no JAVA_HOME and no java/javac on PATH"
    raise BuildError(
        f"no jlink found (looked in: {tried}). Install a JDK {MIN_JAVA} or newer "
        "(e.g. Eclipse Temurin JDK, or openjdk-17-jdk-headless) and set JAVA_HOME to it."
    )


def jlink_major(jlink: Path) -> int:
    out = run([jlink, "--version"], capture_output=True, text=True).stdout.strip()
    head = out.split(".")[0].split("-")[0].split("+")[0]
    if not head.isdigit():
        raise BuildError(f"cannot read the version of {jlink}: {out!r}")
    return int(head)


def make_java_runtime() -> Path:
    jlink = find_jlink()
    major = jlink_major(jlink)
    if major < MIN_JAVA:
        raise BuildError(f"{jlink} is Java {major}; Spark 4 needs a JDK {MIN_JAVA} or newer")
    if JAVA_RUNTIME.exists():
        shutil.rmtree(JAVA_RUNTIME)
    # JDK 21 deprecated the numbered levels in favour of zip-N.
    compress = "--compress=zip-6" if major >= 21 else "--compress=2"
    run([jlink, "--add-modules", ",".join(JAVA_MODULES), "--strip-debug", "--no-header-files",
         "--no-man-pages", compress, "--output", JAVA_RUNTIME])
    java = _tool(JAVA_RUNTIME, "java")
    modules = run([java, "--list-modules"], capture_output=True, text=True).stdout
    missing = [m for m in JAVA_MODULES if m not in modules]
    if missing:
        raise BuildError(f"the jlink runtime lacks {', '.join(missing)}")
    log(f"Java {major} runtime from {jlink.parent.parent}: {folder_mb(JAVA_RUNTIME)} MB")
    return JAVA_RUNTIME


# ------------------------------------------------------------------ PyInstaller


def run_pyinstaller(python: Path, runtime: Path) -> None:
    if APP.exists():
        shutil.rmtree(APP)
    env = dict(os.environ, LOGDESK_JAVA_RUNTIME=str(runtime), LOGDESK_VERSION=project_version())
    run([python, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", DIST, "--workpath", BUILD / "pyinstaller", SPEC], env=env, cwd=ROOT)


def data_dir(app: Path) -> Path:
    """The bundle's data folder: `_internal` (PyInstaller 6), or the app folder itself."""
    internal = app / "_internal"
    return internal if internal.is_dir() else app


def restore_executable_bits(app: Path) -> None:
    """Spark's launcher scripts and the Java runtime's programs must stay executable."""
    if WINDOWS:
        return
    data = data_dir(app)
    programs = [*(data / "pyspark" / "bin").iterdir(), *(data / "pyspark" / "sbin").iterdir(),
                *(data / "java-runtime" / "bin").iterdir()]
    programs += [p for p in (data / "java-runtime" / "lib").iterdir()
                 if p.name in ("jspawnhelper", "jexec")]
    for path in programs:
        if path.is_file():
            path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def check_bundle(app: Path) -> None:
    """Fail the build when something the app needs at run time is not in the bundle."""
    exe = app / ("logdesk.exe" if WINDOWS else "logdesk")
    data = data_dir(app)
    jars = data / "pyspark" / "jars"
    needed = [exe, _tool(data / "java-runtime", "java"), data / "config" / "default.yaml",
              data / "resources" / "log4j2.properties", data / "resources" / "icons",
              data / "resources" / "sample_logs" / "payments.csv",
              data / "pyspark" / "bin" / ("spark-submit.cmd" if WINDOWS else "spark-submit"),
              data / "pyspark" / "bin" / ("spark-class2.cmd" if WINDOWS else "spark-class")]
    missing = [str(p) for p in needed if not p.exists()]
    for prefix in ("spark-core_", "spark-sql_", "spark-catalyst_", "orc-core-",
                   "hive-storage-api-", "ivy-", "jakarta.ws.rs-api-", "icu4j-", "jts-core-"):
        if not any(j.name.startswith(prefix) for j in jars.glob("*.jar")):
            missing.append(f"{jars}/{prefix}*.jar")
    for prefix in ("hive-exec", "rocksdbjni", "spark-mllib_", "kubernetes-client-"):
        if any(j.name.startswith(prefix) for j in jars.glob("*.jar")):
            missing.append(f"(should have been trimmed) {jars}/{prefix}*.jar")
    if missing:
        raise BuildError("the bundle is incomplete:\n  " + "\n  ".join(missing))
    if not WINDOWS:
        for script in (data / "pyspark" / "bin" / "spark-submit", _tool(data / "java-runtime", "java")):
            if not os.access(script, os.X_OK):
                raise BuildError(f"not executable in the bundle: {script}")


def smoke_check(app: Path) -> None:
    """The frozen app starts, and runs a module the way Spark starts its Python workers."""
    exe = app / ("logdesk.exe" if WINDOWS else "logdesk")
    if WINDOWS or sys.platform == "darwin":
        return  # windowed executables print nothing; tests/test_packaged_app.py checks more
    out = run([exe, "--version"], capture_output=True, text=True).stdout.strip()
    log(f"dist/logdesk/logdesk --version: {out}")
    home = run([exe, "-m", "pyspark.find_spark_home"], capture_output=True, text=True).stdout
    if Path(home.strip()).resolve() != (data_dir(app) / "pyspark").resolve():
        raise BuildError(f"the frozen app does not use its own Spark: SPARK_HOME={home.strip()}")


# ------------------------------------------------------------------ archive


def folder_mb(folder: Path) -> int:
    total = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return round(total / 2**20)


def make_archive(app: Path) -> Path:
    base = f"logdesk-{project_version()}-{platform_tag()}"
    if sys.platform.startswith("linux"):
        archive = DIST / f"{base}.tar.gz"
        with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
            tar.add(app, arcname="logdesk")  # keeps permissions and symlinks
        return archive
    archive = DIST / f"{base}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for path in sorted(app.rglob("*")):
            arcname = Path("logdesk") / path.relative_to(app)
            if path.is_symlink():  # macOS bundles use symlinks; zip them as links
                info = zipfile.ZipInfo(arcname.as_posix())
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
                zf.writestr(info, os.readlink(path))
            elif path.is_file():
                info = zipfile.ZipInfo.from_file(path, arcname.as_posix())
                info.compress_type = zipfile.ZIP_DEFLATED
                with open(path, "rb") as src:
                    zf.writestr(info, src.read())
    return archive


# ------------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep-venv", action="store_true",
                        help="reuse build/app-venv instead of making it afresh")
    args = parser.parse_args(argv)
    if sys.version_info < (3, 11):
        print("build_app: needs Python 3.11+", file=sys.stderr)
        return 2
    started = time.monotonic()
    try:
        BUILD.mkdir(exist_ok=True)
        python = make_build_venv(args.keep_venv)
        runtime = make_java_runtime()
        run_pyinstaller(python, runtime)
        restore_executable_bits(APP)
        check_bundle(APP)
        smoke_check(APP)
        archive = make_archive(APP)
    except BuildError as exc:
        print(f"build_app: error: {exc}", file=sys.stderr)
        return 1
    log(f"done in {time.monotonic() - started:.0f} s")
    log(f"app folder: {APP} ({folder_mb(APP)} MB)")
    log(f"archive:    {archive} ({archive.stat().st_size / 2**20:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
