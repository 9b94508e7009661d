"""The Java check of a user format's regexes (used by logdesk.config_patterns).

A user format's `pattern` and `skip` are Python regexes: discovery matches them with Python's
`re` on the driver, and the text reader hands them to Spark, whose rlike/regexp_extract use
java.util.regex (after `(?P<name>` -> `(?<name>` and `(?P=name)` -> `\\k<name>`, see
engine/formats/model.java_pattern). Config load runs before any JVM exists, so this is a
pure-Python scan that rejects every construct of a Python-valid pattern that Java's engine
lacks or reads differently (checked against the real engine by tests/test_config_java_regex.py):

  (?(1)yes|no) conditionals, (?#...) comments, the inline flags a and u (Java: no `a`; `u` is
  Unicode case folding there), \\v (Java: any vertical whitespace), \\Z (Java's allows a final
  line terminator), \\U........ and \\N{...} (Java has no \\U and fewer character names),
  octal escapes Java reads otherwise (\\0, \\0dd before another octal digit, \\ddd, any in a
  class but \\0...), a group reference Java would read more digits into, a '{' that is no
  repeat count (Java refuses it) and {,n} (Java needs the minimum), counts over 2^31-1,
  in a character class: '[' (Java: a nested class), '&&' (Java: an intersection) and \\b
  (Python: backspace, Java: an error); in verbose mode, whitespace or '#' in a class (Java
  ignores them there too), a '#' comment holding \\r, \\x85, \\u2028 or \\u2029 (Java ends it
  there) or ending the pattern (the reader wraps the pattern in a group, whose ')' it would
  swallow); and text like `(?P<x>` that is no group but that the rewrite would still change.

The pattern must already compile in Python (the caller checks that first).
"""

from __future__ import annotations

import re
import warnings

_OCT = "01234567"
_DIGITS = "0123456789"
_VERBOSE_SPACE = " \t\n\r\x0b\x0c"
_JAVA_COMMENT_ENDS = "\r\x85\u2028\u2029"  # besides \n, where Java ends a verbose # comment
_JAVA_MAX_COUNT = 2**31 - 1
_REPEAT = re.compile(r"\{(\d*)(?:(,)(\d*))?\}")  # what Python reads as a repeat count
_FLAGS = re.compile(r"\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])")
# the rewrite java_pattern applies to the raw text (kept in step with engine/formats/model.py)
_REWRITTEN = re.compile(r"\(\?P(?:<[A-Za-z][A-Za-z0-9]*>|=[A-Za-z][A-Za-z0-9]*\))")
_JAVA = "Java's regex engine (which Spark reads the files with)"
_OCTAL = ("an octal escape that Java reads differently (Java takes \\0 and 1-3 octal digits; "
          "outside a character class \\1.. are group references, inside one errors): write \\xhh")

WHY = {
    "conditional": f"a conditional group (?(id)yes|no); {_JAVA} has none",
    "comment": f"a (?#...) comment; {_JAVA} has none: remove it",
    "flag-a": f"the inline flag 'a', which {_JAVA} lacks (logdesk matches \\d, \\w and \\s as "
              "ASCII anyway): remove it",
    "flag-u": f"the inline flag 'u', which {_JAVA} reads as Unicode case folding, Python as "
              "Unicode classes: remove it",
    "v": "\\v, the vertical tab in Python but any vertical whitespace (\\n, \\r, ...) in Java: "
         "write \\x0b",
    "Z": "\\Z, the very end of the text in Python but in Java also the place before a final "
         "line terminator (\\r, \\u0085, \\u2028): end the pattern with $",
    "class-b": "\\b in a character class, a backspace in Python but an error in Java: write \\x08",
    "U": f"a \\U escape, which {_JAVA} lacks: write the character itself",
    "N": f"a \\N{{...}} character name; {_JAVA} knows fewer names (no aliases): write the "
         "character itself or \\uXXXX",
    "octal": _OCTAL,
    "reference": "a group reference followed by a digit, which Java reads as part of the group "
                 "number: put the digit in a class, e.g. \\1[0]",
    "brace": f"a '{{' that is no repeat count: a plain '{{' in Python, refused by {_JAVA}: "
             "escape it as \\{",
    "no-minimum": f"a repeat count without its minimum, which {_JAVA} refuses: write {{0,n}}",
    "count": f"a repeat count over {_JAVA_MAX_COUNT:,}, which {_JAVA} refuses",
    "nested": "'[' inside a character class: a plain '[' in Python, a nested class (a union) in "
              "Java: escape it as \\[",
    "and": "'&&' inside a character class: two plain '&' in Python, an intersection in Java: "
           "escape them as \\&\\&",
    "verbose-class": "whitespace or '#' inside a character class in verbose mode (?x), kept by "
                     "Python but ignored by Java: escape it with \\",
    "comment-end": "a verbose-mode comment holding \\r, \\u0085, \\u2028 or \\u2029, where Java "
                   "ends it (Python only at \\n): break the line with \\n",
    "comment-last": "a verbose-mode comment without a line break after it: logdesk wraps the "
                    "pattern in a group for Java, and the comment would swallow its ')': end "
                    "the comment with \\n",
    "rewrite": "text that is no group (it is escaped, or in a character class), but that logdesk's "
               "rewrite for Java ((?P<name> -> (?<name>) would change all the same: escape the "
               "? as \\?",
}


def java_regex_problems(pattern: str, key: str) -> list[str]:
    """One line per kind of construct in `pattern` (a valid Python regex) that Java lacks or
    reads differently, naming the construct as written at its first occurrence:
    "pattern uses '(?(1)': a conditional group ...". `key`: the config key (pattern, skip)."""
    with warnings.catch_warnings():  # Python's "possible nested set" and the like
        warnings.simplefilter("ignore", FutureWarning)
        verbose = bool(re.compile(pattern).flags & re.VERBOSE)
    scan = _Scan(pattern, verbose)
    scan.run()
    for m in _REWRITTEN.finditer(pattern):
        if m.start() not in scan.real_groups and not scan.in_comment(m.start()):
            scan.add("rewrite", m.start(), m.end())
    return [f"{key} uses '{_shown(snippet)}': {WHY[kind]}" for kind, snippet in scan.found.items()]


def _shown(snippet: str) -> str:
    """The construct as written, on one line (control characters escaped), at most 40 long."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in snippet)
    return text if len(text) <= 40 else text[:37] + "..."


class _Scan:
    """Python's own reading of the pattern, token by token (as re._parser reads it), noting
    where Java would read it otherwise; the first occurrence of each kind (WHY)."""

    def __init__(self, pattern: str, verbose: bool) -> None:
        self.p = pattern
        self.i = 0
        self.verbose = [verbose]  # per open group: scoped (?x:...) / (?-x:...)
        self.groups = 0  # capturing groups opened so far (Java numbers them the same way)
        self.real_groups: set[int] = set()  # where a (?P<name> or (?P=name) really is
        self.comments: list[tuple[int, int]] = []  # verbose-mode # comments
        self.found: dict[str, str] = {}

    def add(self, kind: str, start: int, end: int) -> None:
        self.found.setdefault(kind, self.p[start:end])

    def in_comment(self, pos: int) -> bool:
        return any(a <= pos < b for a, b in self.comments)

    def run(self) -> None:
        p = self.p
        while self.i < len(p):
            c = p[self.i]
            if self.verbose[-1] and c in _VERBOSE_SPACE:
                self.i += 1
            elif self.verbose[-1] and c == "#":
                self._comment()
            elif c == "\\":
                self._escape(in_class=False)
            elif c == "[":
                self._char_class()
            elif c == "(":
                self._group()
            elif c == ")":
                if len(self.verbose) > 1:
                    self.verbose.pop()
                self.i += 1
            elif c == "{":
                self._brace()
            else:
                self.i += 1

    def _comment(self) -> None:
        start = self.i
        end = self.p.find("\n", start)
        end = len(self.p) if end < 0 else end
        self.comments.append((start, end))
        if any(c in _JAVA_COMMENT_ENDS for c in self.p[start:end]):
            self.add("comment-end", start, end)
        elif end == len(self.p):
            self.add("comment-last", start, end)
        self.i = end

    def _brace(self) -> None:
        m = _REPEAT.match(self.p, self.i)
        if m is None or m.group(0) == "{}":  # Python then reads a plain {
            self.add("brace", self.i, self.i + 1)
            self.i += 1
            return
        low, comma, high = m.groups()
        if not low and comma:
            self.add("no-minimum", m.start(), m.end())
        elif any(n and int(n) > _JAVA_MAX_COUNT for n in (low, high)):
            self.add("count", m.start(), m.end())
        self.i = m.end()

    def _group(self) -> None:
        p, i = self.p, self.i
        if not p.startswith("(?", i):
            self.groups += 1
            self._open(i + 1)
        elif p.startswith("(?P=", i):  # a named reference, rewritten to \k<name>
            self.real_groups.add(i)
            self.i = p.index(")", i) + 1
        elif p.startswith("(?P<", i) or (p.startswith("(?<", i) and p[i + 3] not in "=!"):
            self.real_groups.add(i)
            self.groups += 1
            self._open(p.index(">", i) + 1)
        elif p.startswith("(?#", i):
            j = i + 3
            while p[j] != ")":  # as Python reads it: an escaped ) does not end it
                j += 2 if p[j] == "\\" else 1
            self.add("comment", i, j + 1)
            self.i = j + 1
        elif p.startswith("(?(", i):
            end = p.index(")", i + 3) + 1
            self.add("conditional", i, end)
            self._open(end)  # its yes|no part ends with the group's )
        elif p.startswith(("(?:", "(?=", "(?!", "(?>"), i):
            self._open(i + 3)
        elif p.startswith(("(?<=", "(?<!"), i):
            self._open(i + 4)
        else:
            self._flags()

    def _flags(self) -> None:
        m = _FLAGS.match(self.p, self.i)
        if m is None:  # not Python syntax either; the caller compiled it, so never here
            self.i += 1
            return
        on, off, end = m.group(1), m.group(2) or "", m.group(3)
        for flag in "au":
            if flag in on + off:
                self.add("flag-" + flag, m.start(), m.end())
        if end == ":":
            self.verbose.append("x" in on or (self.verbose[-1] and "x" not in off))
        # a global flag group: a (?x) is in the flags the scan started with
        self.i = m.end()

    def _open(self, after: int) -> None:
        self.verbose.append(self.verbose[-1])
        self.i = after

    def _escape(self, in_class: bool) -> None:
        p, i = self.p, self.i
        c = p[i + 1] if i + 1 < len(p) else ""
        if c == "0" or (c and c in "123456789" and in_class):
            self._octal(i)
        elif c and c in "123456789":
            self._reference(i)
        elif c == "N":
            end = p.find("}", i) + 1 or len(p)
            self.add("N", i, end)
            self.i = end
        else:
            kind = {"v": "v", "Z": "Z", "U": "U", "b": "class-b" if in_class else ""}.get(c, "")
            width = {"x": 4, "u": 6, "U": 10}.get(c, 2)
            if kind:
                self.add(kind, i, i + width)
            self.i = i + width

    def _octal(self, i: int) -> None:
        """An octal escape as Python reads it: \\0 or (in a class) \\1-\\7, then up to two more
        octal digits. Java reads \\0 and 1-3 octal digits (3 when the first is 0-3) and refuses
        \\1.. in a class."""
        p = self.p
        j = i + 2
        while j < len(p) and j < i + 4 and p[j] in _OCT:
            j += 1
        same = False
        if p[i + 1] == "0" and j > i + 2:
            rest = p[i + 2:i + 5]
            java = 0
            while java < len(rest) and rest[java] in _OCT:
                java += 1
            if java == 3 and rest[0] not in "0123":
                java = 2
            same = java == j - (i + 2)
        if not same:
            self.add("octal", i, j)
        self.i = j

    def _reference(self, i: int) -> None:
        """Outside a class: a group reference of 1-2 digits, or an octal escape of 3."""
        p = self.p
        end = i + 2
        if end < len(p) and p[end] in _DIGITS:
            if p[i + 1] in _OCT and p[end] in _OCT and end + 1 < len(p) and p[end + 1] in _OCT:
                self.add("octal", i, end + 2)
                self.i = end + 2
                return
            end += 1
        number = int(p[i + 1:end])
        # Java keeps reading digits while the number names a group opened so far
        if end < len(p) and p[end] in _DIGITS and number * 10 + int(p[end]) <= self.groups:
            self.add("reference", i, end + 1)
        self.i = end

    def _char_class(self) -> None:
        p = self.p
        start = j = self.i + 1
        if j < len(p) and p[j] == "^":
            j += 1
        if j < len(p) and p[j] == "]":  # a ] first is a plain ], in Java too
            j += 1
        while j < len(p) and p[j] != "]":
            c = p[j]
            if c == "\\":
                self.i = j
                self._escape(in_class=True)
                j = self.i
                continue
            if c == "[":
                self.add("nested", start - 1, j + 1)
            elif c == "&" and p[j + 1 : j + 2] == "&":
                self.add("and", start - 1, j + 2)
                j += 1
            elif self.verbose[-1] and (c in _VERBOSE_SPACE or c == "#"):
                self.add("verbose-class", start - 1, j + 1)
            j += 1
        self.i = j + 1


__all__ = ["WHY", "java_regex_problems"]
