#!/usr/bin/env python3
"""Set up logdesk's .venv when needed, then run logdesk or its tests inside it.

    python3 build_scripts/bootstrap.py run [FOLDER] [--out DIR] [...]   logdesk process
    python3 build_scripts/bootstrap.py app [FOLDER] [...]               the desktop app
    python3 build_scripts/bootstrap.py test [PYTEST ARGS]               the test suite
    python3 build_scripts/bootstrap.py setup                            only the setup

Options before the command: --bench also installs the benchmark extras; --reinstall forces
the pip install. Standard library only; any Python 3.11+ can run it (an older python3 looks
for a python3.11+ on PATH and hands over to it).

What it does: creates .venv in the repository (again, when it is broken), installs the project
with `pip install -e .[test]` unless a stamp in .venv shows pyproject.toml unchanged since the
last successful install, and for `test`/`app` checks that Qt can start (on Debian/Ubuntu it
installs missing system libraries when run as root, else prints the apt-get command).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
STAMP = VENV / ".logdesk-setup.json"
PIP_LOG = VENV / "logdesk-pip-install.log"
MIN_PYTHON = (3, 11)
COMMANDS = ("run", "app", "test", "setup")

# Shared libraries PySide6's Qt loads, and the Debian/Ubuntu package that provides each.
# Found with `ldd` on PySide6's Qt libraries and platform plugins (offscreen, xcb, wayland).
DEBIAN_PACKAGE_FOR_LIBRARY = {
    "libGL.so.1": "libgl1",
    "libGLX.so.0": "libglx0",
    "libGLdispatch.so.0": "libglvnd0",
    "libEGL.so.1": "libegl1",
    "libOpenGL.so.0": "libopengl0",
    "libgbm.so.1": "libgbm1",
    "libdrm.so.2": "libdrm2",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libharfbuzz.so.0": "libharfbuzz0b",
    "libpng16.so.16": "libpng16-16",
    "libbrotlidec.so.1": "libbrotli1",
    "libbrotlicommon.so.1": "libbrotli1",
    "libexpat.so.1": "libexpat1",
    "libz.so.1": "zlib1g",
    "libzstd.so.1": "libzstd1",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libgobject-2.0.so.0": "libglib2.0-0",
    "libgssapi_krb5.so.2": "libgssapi-krb5-2",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libXext.so.6": "libxext6",
    "libXrender.so.1": "libxrender1",
    "libICE.so.6": "libice6",
    "libSM.so.6": "libsm6",
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
}
FONT_PACKAGE = "fontconfig fonts-dejavu-core"  # without any font, Qt draws no text at all

# The Qt files a headless QApplication with widgets loads; the app adds the desktop plugins.
QT_FILES_HEADLESS = (
    "Qt/plugins/platforms/libqoffscreen.so",
    "Qt/lib/libQt6Core.so.6",
    "Qt/lib/libQt6Gui.so.6",
    "Qt/lib/libQt6Widgets.so.6",
    "Qt/lib/libQt6DBus.so.6",
    "Qt/lib/libQt6OpenGL.so.6",
    "Qt/lib/libQt6OpenGLWidgets.so.6",
    "Qt/lib/libQt6Svg.so.6",
    "QtCore.abi3.so",
    "QtGui.abi3.so",
    "QtWidgets.abi3.so",
)
QT_FILES_DESKTOP = ("Qt/plugins/platforms/libqxcb.so", "Qt/lib/libQt6XcbQpa.so.6")

QT_PROBE = (
    "import sys\n"
    "from PySide6.QtWidgets import QApplication, QLabel\n"
    "app = QApplication(['logdesk-probe'])\n"
    "label = QLabel('logdesk')\n"
    "label.adjustSize()\n"
    "print('qt ok', app.platformName())\n"
)


class SetupError(Exception):
    """Setup cannot continue; the message says what to do."""


def say(message: str) -> None:
    print(f"logdesk setup: {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- entry point


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    options, command, rest = _split_args(argv)
    if command is None:
        print(__doc__.strip(), file=sys.stderr)
        return 0 if {"-h", "--help"} & set(options) else 2
    _ensure_modern_python(argv)
    try:
        extras = ["test"] + (["bench"] if "--bench" in options else [])
        python = ensure_venv(extras, force_install="--reinstall" in options)
        if command in ("test", "app"):
            ensure_qt(python, headless=command == "test" or not _has_display())
        if command == "setup":
            say(f"ready: {python}")
            return 0
    except SetupError as exc:
        say(f"FAILED: {exc}")
        return 1
    except KeyboardInterrupt:
        say("interrupted")
        return 130
    return _run_in_venv(python, command, rest)


def _split_args(argv: list[str]) -> tuple[list[str], str | None, list[str]]:
    options: list[str] = []
    for i, arg in enumerate(argv):
        if arg in COMMANDS:
            return options, arg, argv[i + 1:]
        if arg in ("--bench", "--reinstall", "-h", "--help"):
            options.append(arg)
            continue
        print(f"bootstrap: unknown option or command {arg!r}", file=sys.stderr)
        return options, None, []
    return options, None, []


def _ensure_modern_python(argv: list[str]) -> None:
    if sys.version_info >= MIN_PYTHON:
        return
    for name in ("python3.13", "python3.12", "python3.11", "python3.14"):
        other = shutil.which(name)
        if other and _runs_modern_python(other):
            say(f"Python {_version(sys.version_info)} is too old, using {other}")
            sys.stdout.flush()
            os.execv(other, [other, str(Path(__file__).resolve()), *argv])
    raise SystemExit(
        f"logdesk setup: FAILED: logdesk needs Python {_version(MIN_PYTHON)} or newer, this is "
        f"{_version(sys.version_info)}. Install python3.11 (or newer) and run this again with it."
    )


def _runs_modern_python(executable: str) -> bool:
    # A pyenv shim exists on PATH even when its version is not selected; it then fails.
    try:
        out = subprocess.run(
            [executable, "-c", "import sys; print(sys.version_info >= (3, 11))"],
            capture_output=True, text=True, timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return out.returncode == 0 and out.stdout.strip() == "True"


def _version(info) -> str:
    return ".".join(str(p) for p in tuple(info)[:3] if isinstance(p, int))


# --------------------------------------------------------------------------- venv


def venv_python(venv: Path = VENV) -> Path:
    if os.name == "nt":
        return venv / "Scripts" / "python.exe"
    return venv / "bin" / "python"


def ensure_venv(extras: list[str], force_install: bool = False) -> Path:
    python = venv_python()
    problem = _venv_problem(python)
    if problem:
        if VENV.exists():
            if Path(sys.prefix).resolve() == VENV.resolve():
                raise SetupError(f".venv is broken ({problem}) but is the one running this script")
            say(f".venv is broken ({problem}); recreating it …")
            shutil.rmtree(VENV)
        _create_venv()
    stamp = _read_stamp()
    wanted = _install_fingerprint()
    have_extras = set(stamp.get("extras", []))
    up_to_date = (
        stamp.get("fingerprint") == wanted
        and set(extras) <= have_extras
        and (Path(python).parent / ("logdesk.exe" if os.name == "nt" else "logdesk")).exists()
    )
    if force_install or not up_to_date:
        kept = have_extras if stamp.get("fingerprint") == wanted else set()
        all_extras = sorted(set(extras) | kept)
        _pip_install(python, all_extras, first_time=not stamp)
        _write_stamp({"fingerprint": wanted, "extras": all_extras})
    return python


def _venv_problem(python: Path) -> str | None:
    """None when .venv has a Python 3.11+ with pip that runs, else what is wrong."""
    if not (VENV / "pyvenv.cfg").is_file():
        return "no pyvenv.cfg" if VENV.exists() else "missing"
    if not python.exists():
        return f"no {python.relative_to(ROOT)}"
    try:
        out = subprocess.run(
            [str(python), "-c", "import sys, pip; print(sys.version_info >= (3, 11))"],
            capture_output=True, text=True, timeout=120,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return f"its python does not run: {exc}"
    if out.returncode != 0:
        last = (out.stderr.strip().splitlines() or ["no output"])[-1]
        return f"its python fails: {last}"
    if out.stdout.strip() != "True":
        return "its python is older than 3.11"
    return None


def _create_venv() -> None:
    say(f"creating .venv with Python {_version(sys.version_info)} ({sys.executable}) …")
    started = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-m", "venv", str(VENV)], capture_output=True, text=True
    )
    if out.returncode != 0 and "ensurepip" in (out.stdout + out.stderr):
        # Debian/Ubuntu ship venv's pip bootstrap in a separate package.
        package = f"python{sys.version_info[0]}.{sys.version_info[1]}-venv"
        shutil.rmtree(VENV, ignore_errors=True)
        if _can_apt():
            _apt_install([package])
            out = subprocess.run(
                [sys.executable, "-m", "venv", str(VENV)], capture_output=True, text=True
            )
        else:
            raise SetupError(
                f"Python's venv module cannot install pip here; run: sudo apt-get install {package}"
            )
    if out.returncode != 0:
        shutil.rmtree(VENV, ignore_errors=True)
        detail = (out.stderr or out.stdout).strip().splitlines()
        raise SetupError(f"could not create .venv: {detail[-1] if detail else 'no output'}")
    say(f"created .venv in {time.monotonic() - started:.0f} s")


def _install_fingerprint() -> str:
    """pyproject.toml's hash plus the venv's Python version: a change in either reinstalls."""
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    venv_version = "?"
    for line in (VENV / "pyvenv.cfg").read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition("=")
        if key.strip() in ("version", "version_info"):
            venv_version = value.strip()
    return f"{digest}-py{venv_version}"


def _read_stamp() -> dict:
    try:
        data = json.loads(STAMP.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_stamp(data: dict) -> None:
    tmp = STAMP.with_name(STAMP.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
    os.replace(tmp, STAMP)


def _pip_install(python: Path, extras: list[str], first_time: bool) -> None:
    target = f".[{','.join(extras)}]"
    hint = " (first time ~2 min)" if first_time else ""
    say(f"installing logdesk{target[1:]} and its dependencies into .venv{hint} …")
    started = time.monotonic()
    with open(PIP_LOG, "w", encoding="utf-8") as log:
        code = subprocess.call(
            [str(python), "-m", "pip", "install", "--disable-pip-version-check",
             "--progress-bar", "off", "-e", target],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        )
    if code != 0:
        tail = PIP_LOG.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-25:]
        print("\n".join("    " + line for line in tail), file=sys.stderr)
        raise SetupError(f"pip install failed (exit {code}); full log: {PIP_LOG}")
    say(f"installed in {time.monotonic() - started:.0f} s")


# --------------------------------------------------------------------------- Qt


def ensure_qt(python: Path, headless: bool) -> None:
    """Make sure PySide6 can create a QApplication (offscreen for tests)."""
    key = "qt_headless_ok" if headless else "qt_desktop_ok"
    stamp = _read_stamp()
    if stamp.get(key):
        return
    ok, detail = _probe_qt(python, headless)
    if not ok:
        missing = _missing_libraries(python, headless) if sys.platform.startswith("linux") else []
        packages = _packages_for(missing)
        if not packages:
            raise SetupError(f"Qt (PySide6) cannot start: {detail}")
        if _can_apt():
            say(f"Qt needs system libraries: installing {' '.join(packages)} …")
            _apt_install(packages)
            ok, detail = _probe_qt(python, headless)
            if not ok:
                raise SetupError(f"Qt still cannot start after installing libraries: {detail}")
        else:
            unknown = [lib for lib in missing if lib not in DEBIAN_PACKAGE_FOR_LIBRARY]
            extra = f" (and whatever provides {', '.join(unknown)})" if unknown else ""
            raise SetupError(
                f"Qt cannot start, shared libraries are missing: {', '.join(missing)}. "
                f"On Debian/Ubuntu run: sudo apt-get install -y --no-install-recommends "
                f"{' '.join(packages)}{extra}"
            )
    if sys.platform.startswith("linux") and not _has_fonts():
        if _can_apt():
            say("no fonts installed: installing fonts-dejavu-core so that Qt can draw text …")
            _apt_install(FONT_PACKAGE.split())
        else:
            say(f"note: no fonts found, Qt will draw no text; install: {FONT_PACKAGE}")
    stamp[key] = True
    _write_stamp(stamp)


def _has_display() -> bool:
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        return False
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def _probe_qt(python: Path, headless: bool) -> tuple[bool, str]:
    env = dict(os.environ)
    if headless:
        env["QT_QPA_PLATFORM"] = "offscreen"
    try:
        out = subprocess.run(
            [str(python), "-c", QT_PROBE], capture_output=True, text=True, timeout=120, env=env
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return False, str(exc)
    if out.returncode == 0 and "qt ok" in out.stdout:
        return True, ""
    lines = [ln for ln in (out.stderr + out.stdout).strip().splitlines() if ln.strip()]
    return False, lines[-1] if lines else f"exit code {out.returncode}"


def _missing_libraries(python: Path, headless: bool) -> list[str]:
    """Shared libraries the Qt files need that the system's loader cannot find (via ldd)."""
    if not shutil.which("ldd"):
        return []
    out = subprocess.run(
        [str(python), "-c", "import os, PySide6; print(os.path.dirname(PySide6.__file__))"],
        capture_output=True, text=True,
    )
    if out.returncode != 0:
        return []
    pyside = Path(out.stdout.strip())
    files = QT_FILES_HEADLESS + (() if headless else QT_FILES_DESKTOP)
    missing: list[str] = []
    for rel in files:
        path = pyside / rel
        if not path.exists():
            continue
        ldd = subprocess.run(["ldd", str(path)], capture_output=True, text=True)
        for line in ldd.stdout.splitlines():
            m = re.match(r"\s*(\S+)\s+=>\s+not found", line)
            if m and m.group(1) not in missing:
                missing.append(m.group(1))
    if not _has_fonts():
        missing.append("fonts")
    return missing


def _has_fonts() -> bool:
    for folder in ("/usr/share/fonts", "/usr/local/share/fonts", str(Path.home() / ".fonts")):
        for _root, _dirs, files in os.walk(folder):
            if any(f.lower().endswith((".ttf", ".otf", ".pfb", ".pcf.gz")) for f in files):
                return True
    return False


def _packages_for(missing: list[str]) -> list[str]:
    packages: list[str] = []
    for lib in missing:
        names = FONT_PACKAGE.split() if lib == "fonts" else [DEBIAN_PACKAGE_FOR_LIBRARY.get(lib)]
        for name in names:
            if name and name not in packages:
                packages.append(name)
    return packages


def _can_apt() -> bool:
    return (
        sys.platform.startswith("linux")
        and hasattr(os, "geteuid")
        and os.geteuid() == 0
        and shutil.which("apt-get") is not None
    )


_apt_updated = False


def _apt_install(packages: list[str]) -> None:
    global _apt_updated
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if not _apt_updated:
        say("apt-get update …")
        if subprocess.call(["apt-get", "update", "-q"], env=env, stdout=subprocess.DEVNULL) != 0:
            raise SetupError("apt-get update failed")
        _apt_updated = True
    say(f"apt-get install {' '.join(packages)} …")
    code = subprocess.call(
        ["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages],
        env=env, stdout=subprocess.DEVNULL,
    )
    if code != 0:
        raise SetupError(f"apt-get install {' '.join(packages)} failed (exit {code})")


# --------------------------------------------------------------------------- commands


def _run_in_venv(python: Path, command: str, rest: list[str]) -> int:
    env = dict(os.environ)
    env.pop("PYTHONHOME", None)
    cwd = None  # relative FOLDER / --out arguments mean what the user typed them relative to
    if command == "test":
        env["QT_QPA_PLATFORM"] = "offscreen"
        cmd = [str(python), "-m", "pytest", *rest]
        cwd = str(ROOT)
    elif command == "run":
        args = rest[1:] if rest[:1] == ["process"] else rest
        cmd = [str(python), "-m", "logdesk", "process", *args]
    else:  # app
        cmd = [str(python), "-m", "logdesk", *rest]
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name != "nt":
        # Hand the process over: exit codes and Ctrl+C behave exactly as the command's own.
        if cwd:
            os.chdir(cwd)
        os.execve(cmd[0], cmd, env)
    proc = subprocess.Popen(cmd, env=env, cwd=cwd)
    while True:
        try:
            return proc.wait()
        except KeyboardInterrupt:
            continue  # the child got Ctrl+C too; report its own exit code


if __name__ == "__main__":
    sys.exit(main())
