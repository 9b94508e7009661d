"""Built-in formats: systems (being written)."""

from __future__ import annotations

from logdesk.engine.formats.model import TextFormat

FORMATS: tuple[TextFormat, ...] = ()

__all__ = ["FORMATS"]
