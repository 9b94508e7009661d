"""Which Spark master URLs logdesk accepts: plain Python, so config validation needs no Spark."""

from __future__ import annotations

import re

LOCAL_MASTER = re.compile(r"^local(\[(\*|\d+)(,\s*\d+)?\])?$")
STANDALONE_MASTER = re.compile(r"^spark://[^\s:/]+:\d+(,[^\s:/]+:\d+)*$")
CONNECT_MASTER = re.compile(r"^sc://[^\s/]+(:\d+)?(/.*)?$")

MASTER_FORMS = "local, local[N], local[*], spark://host:port or sc://host:port"


def validate_master(master: str) -> str | None:
    """None when `master` is a URL logdesk accepts, else why not."""
    if any(form.match(master) for form in (LOCAL_MASTER, STANDALONE_MASTER, CONNECT_MASTER)):
        return None
    return f"expected {MASTER_FORMS}"


__all__ = ["CONNECT_MASTER", "LOCAL_MASTER", "MASTER_FORMS", "STANDALONE_MASTER", "validate_master"]
