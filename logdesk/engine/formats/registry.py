"""The built-in text formats in the order detection tries them.

Detection scores each format by the head lines it reads and keeps the best; a tie goes to the
earlier format. The first family (core) comes first so that adding a family never changes what
an existing file is read as unless the new format reads more of its lines.
"""

from __future__ import annotations

from collections.abc import Sequence

from logdesk.engine.formats import apps, core, databases, systems, web
from logdesk.engine.formats.model import TextFormat

FAMILIES = (core, web, databases, apps, systems)

BUILTIN_FORMATS: tuple[TextFormat, ...] = tuple(f for family in FAMILIES for f in family.FORMATS)

# format name -> the formats it refines: it takes a tie from them (HAProxy's lines are syslog
# lines with more structure; a classic ELB line reads as time, host and tag)
REFINES: dict[str, tuple[str, ...]] = {**web.REFINES, **apps.REFINES}


def header_formats(lines: Sequence[str]) -> list[TextFormat]:
    """Formats a file's own head defines (its directives name the columns), in family order."""
    return web.header_formats(lines)


_names = [f.name for f in BUILTIN_FORMATS]
if len(set(_names)) != len(_names):  # a name keys the ingest report and the tests
    raise RuntimeError(f"duplicate built-in format names: {sorted(_names)}")

__all__ = ["BUILTIN_FORMATS", "FAMILIES", "REFINES", "header_formats"]
