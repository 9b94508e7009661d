"""Plain-text log formats: detection from a file's head, the W3C directive, the user's formats.

The format definition itself (TextFormat, group names, regex dialect) is in formats/model.py;
the built-in formats, one module per family, in formats/ (formats/registry.py orders them).
Pure Python (no Spark): discovery runs this on the driver from the head of each file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from logdesk.engine.digit_shape import DigitShapes
from logdesk.engine.formats.model import FIELD_GROUPS, TextFormat, java_pattern
from logdesk.engine.formats.registry import BUILTIN_FORMATS, REFINES, header_formats
from logdesk.settings import TextFormatSettings

# --------------------------------------------------------------------------- W3C extended

W3C_FORMAT_NAME = "w3c"
_W3C_FIELDS = re.compile(r"^#Fields:\s*(.*)$", re.IGNORECASE)
# W3C field name -> reader group name
_W3C_GROUPS = {
    "date": "date",
    "time": "time",
    # IIS Advanced Logging's local time (its date and time fields are UTC; either is a time)
    "date-local": "date",
    "time-local": "time",
    "c-ip": "ip",
    "cs-uri-stem": "endpoint",
    "sc-status": "status",
    "s-sitename": "service",
}


def w3c_format(fields_directive: str) -> TextFormat:
    """The format of a W3C extended / IIS log from its `#Fields:` line (given with or without
    the `#Fields:` prefix). `cs-method cs-uri-stem`, when adjacent, make the message."""
    m = _W3C_FIELDS.match(fields_directive.strip())
    names = (m.group(1) if m else fields_directive).split()
    if not names:
        raise ValueError(f"no fields in W3C directive: {fields_directive!r}")
    parts: list[str] = []
    i = 0
    while i < len(names):
        name = names[i].lower()
        if name == "cs-method" and i + 1 < len(names) and names[i + 1].lower() == "cs-uri-stem":
            parts.append(r"(?P<message>\S+[ \t]+(?P<endpoint>\S+))")
            i += 2
            continue
        group = _W3C_GROUPS.get(name)
        if group is not None and not any("(?P<" + group + ">" in p for p in parts):
            parts.append('"?(?P<' + group + r'>[^\s"]+)"?')  # IIS quotes some (c-ip)
        else:
            parts.append(r'(?:"(?:[^"]|"")*"|\S+)')  # a quote inside doubled, as IIS writes
        i += 1
    return TextFormat(
        name=W3C_FORMAT_NAME,
        pattern=r"[ \t]+".join(parts) + r"[ \t]*$",
        multiline=False,
        skip="#",
        description="W3C extended / IIS log; fields from its #Fields: directive",
    )


# --------------------------------------------------------------------------- detection

DETECT_LINES = 50  # non-blank head lines looked at


def detect_text_format(
    lines: Sequence[str], user_formats: Sequence[TextFormat] = ()
) -> TextFormat | None:
    """The format of a file from its decoded head lines, or None when none fits.

    Rule: looking at the first DETECT_LINES non-blank lines, after the format's skip lines, the
    first line must be a record; a format whose other lines cannot continue a record
    (multiline False) must match at least half of them. A format the file's own header
    defines (Zeek `#fields`, CloudFront's `#Fields:`; registry.header_formats) is taken when
    it fits, unless a user format does: it knows the columns. Otherwise the format matching
    the most lines wins; ties go to the earlier one: user formats, the file's W3C directive,
    then the built-ins in BUILTIN_FORMATS order — except that a format refining the winner
    (registry.REFINES: HAProxy's lines are syslog lines too) takes a tie from it.
    """
    sample = [line.rstrip("\r\n") for line in lines if line.strip()][:DETECT_LINES]
    if not sample:
        return None
    # a user format that fits beats a header's (the user may not know it); it then wins or
    # ties the scoring below, where user formats come first
    if not any(_matching_lines(f, sample) for f in user_formats):
        own = next((f for f in header_formats(sample) if _matching_lines(f, sample)), None)
        if own is not None:
            return own
    candidates: list[TextFormat] = list(user_formats)
    fields = next((line for line in sample if _W3C_FIELDS.match(line.strip())), None)
    if fields is not None:
        try:
            candidates.append(w3c_format(fields))
        except ValueError:
            pass
    scores = _BuiltinScores(sample)
    best, best_score = None, 0  # the candidate reading the most lines, the earlier on a tie
    for fmt in candidates:
        score = _matching_lines(fmt, sample)
        if score > best_score:
            best, best_score = fmt, score
    for i in scores.candidates():
        score = scores.score(i)
        if score > best_score:
            best, best_score = scores.formats[i], score
    if best is None or best.user:
        return best
    for i in scores.candidates():
        fmt = scores.formats[i]
        if best.name in REFINES.get(fmt.name, ()) and scores.score(i) == best_score:
            return fmt
    return best


def _matching_lines(fmt: TextFormat, sample: Sequence[str]) -> int:
    """How many sample lines `fmt` reads as records; 0 when it does not fit the file."""
    compiled = _compiled(fmt.pattern, fmt.skip)
    if compiled is None:
        return 0
    pattern, skip = compiled
    body = [line for line in sample if not (skip and skip.match(line))]
    if not body or not pattern.match(body[0]):
        return 0
    return _fitting_score(fmt, len(body), sum(1 for line in body if pattern.match(line)))


def _fitting_score(fmt: TextFormat, body: int, matched: int) -> int:
    if not fmt.multiline and matched * 2 < body:
        return 0
    return matched


class _Builtins:
    """The built-in formats' patterns and skip regexes, asked per line through DigitShapes
    (digit_shape.py: lines that differ only in their digits are matched once, not once per
    file)."""

    def __init__(self, formats: tuple[TextFormat, ...]) -> None:
        self.formats = formats
        self.patterns = DigitShapes([re.compile(f.pattern, re.ASCII) for f in formats])
        skipping = [i for i, f in enumerate(formats) if f.skip]
        self.skip_of = {i: k for k, i in enumerate(skipping)}  # format -> its skip's position
        self.skips = DigitShapes([re.compile(formats[i].skip, re.ASCII) for i in skipping])


_BUILTINS: _Builtins | None = None


def _builtins() -> _Builtins:
    """_Builtins of BUILTIN_FORMATS (made again when a test narrows BUILTIN_FORMATS)."""
    global _BUILTINS
    if _BUILTINS is None or _BUILTINS.formats is not BUILTIN_FORMATS:
        _BUILTINS = _Builtins(BUILTIN_FORMATS)
    return _BUILTINS


class _BuiltinScores:
    """_matching_lines of each built-in format on one sample (the same rule, its regexes asked
    through _Builtins): the first line against all formats at once, the other lines only for
    the formats their first body line fits."""

    def __init__(self, sample: Sequence[str]) -> None:
        self._b = _builtins()
        self.formats = self._b.formats
        self._sample = sample
        self._first = frozenset(self._b.patterns.matching(sample[0])) if sample else frozenset()
        self._pattern_keys: dict[int, tuple[str, ...]] = {}
        self._skip_keys: dict[int, tuple[str, ...]] = {}
        self._scores: dict[int, int] = {}

    def candidates(self) -> list[int]:
        """The formats (positions, ascending) that may score above 0: those whose first body
        line is the sample's first line and fits, and those that skip the first line."""
        skipping_first = {i for i, k in self._b.skip_of.items() if self._skipped(k, 0)}
        return sorted(self._first | skipping_first)

    def score(self, i: int) -> int:
        if i not in self._scores:
            self._scores[i] = self._score(i)
        return self._scores[i]

    def _score(self, i: int) -> int:
        lines: Sequence[int] = range(len(self._sample))
        if i in self._b.skip_of:
            lines = [j for j in lines if not self._skipped(self._b.skip_of[i], j)]
        if not lines or not self._match(i, lines[0]):
            return 0
        return _fitting_score(self.formats[i], len(lines),
                              sum(1 for j in lines if self._match(i, j)))

    def _match(self, i: int, j: int) -> bool:
        if j == 0:
            return i in self._first
        if j not in self._pattern_keys:
            self._pattern_keys[j] = self._b.patterns.key(self._sample[j])
        return self._b.patterns.matches(i, self._sample[j], self._pattern_keys[j])

    def _skipped(self, k: int, j: int) -> bool:
        if j not in self._skip_keys:
            self._skip_keys[j] = self._b.skips.key(self._sample[j])
        return self._b.skips.matches(k, self._sample[j], self._skip_keys[j])


_COMPILED: dict[tuple[str, str | None], tuple[re.Pattern[str], re.Pattern[str] | None] | None] = {}


def _compiled(pattern: str, skip: str | None) -> tuple[re.Pattern[str], re.Pattern[str] | None] | None:
    """A format's pattern and skip regex, compiled once (None: not a valid regex). Detection
    tries every format on every file: re.compile's own cache lookup cost more than the match."""
    key = (pattern, skip)
    if key not in _COMPILED:
        if len(_COMPILED) > 4096:  # W3C and user formats are made per file or run
            _COMPILED.clear()
        try:
            # re.ASCII: \d, \s, \w mean what they mean in Java
            _COMPILED[key] = (re.compile(pattern, re.ASCII),
                              re.compile(skip, re.ASCII) if skip else None)
        except re.error:
            _COMPILED[key] = None
    return _COMPILED[key]


def user_text_formats(specs: Iterable[TextFormatSettings]) -> tuple[TextFormat, ...]:
    """The user's configured formats (Settings.text_formats) as TextFormats."""
    return tuple(
        TextFormat(
            name=spec.name,
            pattern=spec.pattern,
            timestamp_pattern=spec.timestamp_pattern,
            yearless=spec.yearless,
            multiline=spec.multiline,
            skip=spec.skip,
            description=f"user format {spec.name}",
            user=True,
        )
        for spec in specs
    )


__all__ = [
    "BUILTIN_FORMATS",
    "DETECT_LINES",
    "FIELD_GROUPS",
    "TextFormat",
    "W3C_FORMAT_NAME",
    "detect_text_format",
    "java_pattern",
    "user_text_formats",
    "w3c_format",
]
