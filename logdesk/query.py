"""The records search language, shared by the engine (which turns it into Spark conditions)
and the window (which writes it for click-through): no Qt, no Spark here.

    level:ERROR service:auth "timed out" /conn(ect)? refused/ timeout

- `field:value` or `field:"a value"` — an exact match on one field (level: any case). Fields:
  level, service, ip, endpoint, type (the error type), pattern (the mined template), file (the
  source file), and message (a substring, any case). `(none)` matches a missing value.
- `"several words"` — that phrase, any case, in the message, service, ip or endpoint.
- `/regex/` — a Java regular expression (any case) over the same text.
- any other word — that word, any case, in the same text.
All terms must hold (AND). A search without any of these is empty and matches everything."""

from __future__ import annotations

import re
from dataclasses import dataclass

from logdesk.results import LEVELS, MISSING_KEY

# field name in a query -> record column
FIELDS: dict[str, str] = {
    "level": "level", "service": "service", "ip": "ip", "endpoint": "endpoint",
    "type": "error_type", "pattern": "template", "file": "source_file", "message": "message",
}
TEXT_COLUMNS: tuple[str, ...] = ("message", "service", "ip", "endpoint")

_TOKEN = re.compile(
    r'\s*(?:'
    r'(?P<field>[A-Za-z_]+):(?:"(?P<fquoted>(?:[^"\\]|\\.)*)"|(?P<fbare>[^\s"]+))'
    r'|"(?P<phrase>(?:[^"\\]|\\.)*)"'
    r'|/(?P<regex>(?:[^/\\]|\\.)+)/(?=\s|$)'
    r'|(?P<word>\S+)'
    r')'
)


class QueryError(ValueError):
    """A search the user must fix (an unknown field, an unclosed quote, a bad regex)."""


@dataclass(frozen=True)
class Term:
    kind: str  # "field", "phrase", "regex" or "word"
    value: str
    column: str = ""  # for "field": the record column


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def parse(search: str) -> tuple[Term, ...]:
    text = search.strip()
    if text.count('"') % 2:
        raise QueryError('a quote (") is not closed')
    terms: list[Term] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            break
        pos = m.end()
        if m.group("field") is not None:
            name = m.group("field").lower()
            if name not in FIELDS:
                raise QueryError(f"unknown field {name!r}: use one of {', '.join(FIELDS)}")
            value = (_unescape(m.group("fquoted")) if m.group("fquoted") is not None
                     else m.group("fbare"))
            if name == "level":
                value = value.upper()
                if value not in LEVELS:
                    raise QueryError(f"unknown level {value!r}: use one of {', '.join(LEVELS)}")
            terms.append(Term("field", value, FIELDS[name]))
        elif m.group("phrase") is not None:
            if m.group("phrase"):
                terms.append(Term("phrase", _unescape(m.group("phrase"))))
        elif m.group("regex") is not None:
            pattern = m.group("regex").replace(r"\/", "/")
            _check_regex(pattern)
            terms.append(Term("regex", pattern))
        else:
            terms.append(Term("word", m.group("word")))
    return tuple(terms)


def _check_regex(pattern: str) -> None:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise QueryError(f"bad regular expression /{pattern}/: {exc}") from None
    from logdesk.config_java_regex import java_regex_problems

    problems = java_regex_problems(pattern, f"/{pattern}/")
    if problems:
        raise QueryError(problems[0])


def quote(value: str) -> str:
    """`value` as a field value a query reads back exactly."""
    if value and re.fullmatch(r'[^\s"\\]+', value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def field_term(name: str, value: str) -> str:
    """`service:auth`, `type:"Db timeout"`: one field term for click-through."""
    if name not in FIELDS:
        raise ValueError(f"unknown field {name!r}")
    return f"{name}:{quote(value)}"


def matches(terms: tuple[Term, ...], record: dict) -> bool:
    """Whether a record (column -> value) matches, in plain Python (the UI's test double and
    the tests' independent count use it; the engine builds Spark conditions instead)."""
    text = [str(record.get(c) or "") for c in TEXT_COLUMNS]
    lowered = [t.lower() for t in text]
    for term in terms:
        if term.kind == "field":
            value = record.get(term.column)
            if term.value == MISSING_KEY:
                ok = value is None or str(value).strip() == ""
            elif term.column == "message":
                ok = term.value.lower() in str(value or "").lower()
            elif term.column == "level":
                ok = str(value or "").upper() == term.value
            else:
                ok = value is not None and str(value) == term.value
        elif term.kind == "regex":
            pattern = re.compile(term.value, re.IGNORECASE)
            ok = any(pattern.search(t) for t in text)
        else:
            needle = term.value.lower()
            ok = any(needle in t for t in lowered)
        if not ok:
            return False
    return True


__all__ = ["FIELDS", "QueryError", "TEXT_COLUMNS", "Term", "field_term", "matches", "parse", "quote"]
