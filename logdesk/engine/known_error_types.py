"""The error-type templates of a folder's last run, kept beside its run folders, so the next run
can tell which types are new.

A small JSON file ({"templates": [...]}) in RunFiles.folder_dir, replaced atomically. A missing
or unreadable file means "no previous run": nothing to compare with.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

KNOWN_ERROR_TYPES_NAME = "error_types.json"


def read_known_error_types(folder_dir: Path) -> frozenset[str] | None:
    path = Path(folder_dir) / KNOWN_ERROR_TYPES_NAME
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    templates = document.get("templates") if isinstance(document, dict) else None
    if not isinstance(templates, list) or not all(isinstance(t, str) for t in templates):
        return None
    return frozenset(templates)


def write_known_error_types(folder_dir: Path, templates: Iterable[str]) -> Path:
    path = Path(folder_dir) / KNOWN_ERROR_TYPES_NAME
    tmp = path.with_name(f".{KNOWN_ERROR_TYPES_NAME}.{os.getpid()}.tmp")
    text = json.dumps({"templates": sorted(set(templates))}, ensure_ascii=False, indent=1) + "\n"
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path


__all__ = ["KNOWN_ERROR_TYPES_NAME", "read_known_error_types", "write_known_error_types"]
