"""The README's "What logdesk promises" names, for each promise, the tests that hold it: each
named test must exist, so the section cannot drift from the suite."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## What logdesk promises")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def test_every_promise_names_tests_that_exist():
    section = _section()
    references = re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", section)
    rows = [line for line in section.splitlines() if line.startswith("| ") and "`tests/" in line]
    assert len(rows) >= 20
    assert all("`tests/" in row.split("|")[2] for row in rows)
    missing = [
        f"{path}::{name}" for path, name in references
        if not (ROOT / path).is_file()
        or not re.search(rf"^(?:async )?def {name}\(", (ROOT / path).read_text(encoding="utf-8"), re.M)
    ]
    assert not missing, missing
