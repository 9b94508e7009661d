"""digit_shape: which regexes may be remembered by a text's digit shape, and the memos in
discovery answering exactly what running every regex answers."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from logdesk.engine.digit_shape import DigitShapes, digit_prefix, shape
from logdesk.engine.formats.registry import BUILTIN_FORMATS, REFINES
from logdesk.engine.text_formats import DETECT_LINES, detect_text_format
from logdesk.engine.timestamps import infer
from logdesk.engine.timestamps.infer import find_timestamp, infer_layout

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("pattern, prefix", [
    (r"\d{4}-\d\d", 0),            # \d never tells digits apart
    (r"[0-9A-F]+ \w+\S*", 0),      # classes holding all ten digits
    (r"[^\d]x\D", 0),              # ... or none of them
    (r"ab1", 3),                   # the '1' is the third character
    (r"\d{4}-(?:0[1-9]|1[0-2])", 7),  # month digits at offsets 5 and 6
    (r"<\d{1,3}>(?:1 )?x", 6),     # the syslog version: at offset 5 at the latest
    (r"(?:ab){2}1", 5),
    (r"[^5]", 1),
    (r"[\s1]", 1),
    (r"(?=\d*7)", None),           # after a repetition: at no bounded offset
    (r"a+1", None),
    (r"(\d)\1", None),             # a back-reference compares the digits themselves
])
def test_digit_prefix(pattern, prefix):
    assert digit_prefix(re.compile(pattern, re.ASCII)) == prefix


def test_shape_keeps_the_prefix_and_makes_the_rest_alike():
    assert shape("<14>1 2024-05-06 x9", 7) == "<14>1 2000-00-00 x0"
    assert shape("12345", 0) == "00000"
    assert shape("٣ 7", 0) == "٣ 0"  # only ASCII digits (the regexes are re.ASCII)


def test_a_remembered_answer_is_never_given_to_a_text_it_does_not_fit():
    shapes = DigitShapes([re.compile(r"x1\d"), re.compile(r"\d+ ms"), re.compile(r"a+1")])
    assert shapes.always_run == (2,)
    assert shapes.matching("x12 ms") == (0,)
    assert shapes.matching("x22 ms") == ()          # same shape after "x1"? no: kept apart
    assert shapes.matching("x19 ms") == (0,)
    assert shapes.matching("7 ms") == (1,)
    assert shapes.matching("8 ms") == (1,)          # remembered: the same shape
    assert shapes.matching("aaa1") == (2,)
    assert shapes.matching("aaa2") == ()
    key = shapes.key("x13")
    assert shapes.matches(0, "x13", key) and not shapes.matches(1, "x13", key)


def _corpus() -> list[str]:
    """Lines of the test data and the bundled sample, each with digit variants (0, 1, 4 and
    others swapped in at random), so that shapes seen once come back with other digits."""
    lines: list[str] = []
    for folder in (ROOT / "tests" / "engine" / "data", ROOT / "resources" / "sample_logs"):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix not in (".gz", ".bz2", ".md"):
                text = path.read_text("utf-8", errors="replace")
                lines.extend(text.splitlines()[:40])
    lines += [
        "<13>1 2024-05-06T07:08:09Z host app - - - hi", "<13>2 2024-05-06T07:08:09Z host app",
        "1700000000 started", "0700000000 started", "1700000000.123 x",
        "@4000000065a1b2c30000000a msg", "@5000000065a1b2c30000000a msg",
        "web_1  | 2024-05-06 07:08:09 INFO up", "I0305 10:11:12.123456 123 main.go:1] x",
        "13/31/2024 10:00:00 bad month", "12/31/2024 10:00:00 fine",
    ]
    rng = random.Random(11)
    out = []
    for line in lines:
        out.append(line)
        for _ in range(3):
            out.append(re.sub(r"\d", lambda _m: rng.choice("0149"), line))
    return out


CORPUS = _corpus()


def _find_timestamp_every_layout(line: str):
    """find_timestamp's rule, every layout's regex run on the line (no memo, no shortcut)."""
    best = None
    for rank, (layout, line_re, fields, _longest) in enumerate(infer._LINE_CATALOGUE):
        m = line_re.match(line)
        if m is None:
            continue
        found = fields.fullmatch(infer._bare(m.group(1)))
        if found is None or infer._from_match(layout, found, None, None) is None:
            continue
        key = (m.start(1), -m.end(1), rank)
        if best is None or key < best[0]:
            best = (key, layout)
    return None if best is None else (best[0][0], -best[0][1], best[1])


def test_the_memos_answer_what_running_every_regex_answers():
    assert len(CORPUS) > 1000
    line_res = [line_re for _, line_re, _, _ in infer._LINE_CATALOGUE]
    fields_res = [fields for _, fields in infer._CATALOGUE]
    formats = [re.compile(f.pattern, re.ASCII) for f in BUILTIN_FORMATS]
    for _ in range(2):  # the second time every shape is remembered
        for line in CORPUS:
            assert infer._LINE_SHAPES.matching(line) == tuple(
                i for i, r in enumerate(line_res) if r.match(line)), line
            assert find_timestamp(line) == _find_timestamp_every_layout(line), line
            from logdesk.engine import text_formats
            assert text_formats._builtins().patterns.matching(line) == tuple(
                i for i, r in enumerate(formats) if r.match(line)), line
            for text in (line[:19], line[:23], line.split(" ")[0]):
                assert infer._FIELDS_SHAPES.matching(text) == tuple(
                    i for i, r in enumerate(fields_res) if r.fullmatch(text)), text


def _detect_every_format(lines):
    """detect_text_format's rule for the built-in formats, every regex run on every line."""
    sample = [line.rstrip("\r\n") for line in lines if line.strip()][:DETECT_LINES]
    best, best_score = None, 0
    scores = {}
    for fmt in BUILTIN_FORMATS:
        pattern = re.compile(fmt.pattern, re.ASCII)
        skip = re.compile(fmt.skip, re.ASCII) if fmt.skip else None
        body = [line for line in sample if not (skip and skip.match(line))]
        score = 0
        if body and pattern.match(body[0]):
            score = sum(1 for line in body if pattern.match(line))
            if not fmt.multiline and score * 2 < len(body):
                score = 0
        scores[fmt.name] = score
        if score > best_score:
            best, best_score = fmt, score
    if best is None:
        return None
    for fmt in BUILTIN_FORMATS:
        if best.name in REFINES.get(fmt.name, ()) and scores[fmt.name] == best_score:
            return fmt
    return best


def test_detection_answers_what_scoring_every_format_on_every_line_answers():
    heads = [CORPUS[i:i + n] for n in (1, 3, 12) for i in range(0, len(CORPUS), n)]
    checked = 0
    for head in heads:
        if any(line.startswith("#") for line in head):
            continue  # a header's own format (Zeek, W3C) is decided before the scoring
        assert detect_text_format(head) == _detect_every_format(head), head
        checked += 1
    assert checked > 500


def test_layout_inference_is_unchanged_by_remembered_shapes():
    # the same shapes, digits that make one order valid and the other not
    assert infer_layout(["05/06/2024 10:00:00", "05/07/2024 10:00:00"]).order == "mdy"
    assert infer_layout(["13/06/2024 10:00:00", "14/06/2024 10:00:00"]).order == "dmy"
    assert infer_layout(["05/13/2024 10:00:00", "05/14/2024 10:00:00"]).order == "mdy"
    assert infer_layout(["1700000000", "1700000001"]).name == "epoch seconds"
    assert infer_layout(["0700000000", "0700000001"]) is None  # no epoch starts with 0
