"""Where logdesk finds its own files and keeps the user's."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def install_root() -> Path:
    """The folder holding config/ and resources/: the checkout, or the frozen bundle."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root)
    return Path(__file__).resolve().parent.parent


def default_config_file() -> Path:
    return install_root() / "config" / "default.yaml"


def resources_dir() -> Path:
    return install_root() / "resources"


def sample_logs_dir() -> Path:
    return resources_dir() / "sample_logs"


def _base(env_var: str, windows_env: str, mac_sub: str, xdg_default: str) -> Path:
    if os.name == "nt":
        return Path(os.environ.get(windows_env) or Path.home() / "AppData" / "Local")
    if sys.platform == "darwin":
        return Path.home() / "Library" / mac_sub
    return Path(os.environ.get(env_var) or Path.home() / xdg_default)


def user_config_dir() -> Path:
    override = os.environ.get("LOGDESK_CONFIG_DIR")
    if override:
        return Path(override)
    return _base("XDG_CONFIG_HOME", "APPDATA", "Application Support", ".config") / "logdesk"


def user_config_file() -> Path:
    return user_config_dir() / "config.yaml"


def cache_dir() -> Path:
    override = os.environ.get("LOGDESK_CACHE_DIR")
    if override:
        return Path(override)
    return _base("XDG_CACHE_HOME", "LOCALAPPDATA", "Caches", ".cache") / "logdesk"
