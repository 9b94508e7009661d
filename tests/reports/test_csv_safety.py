"""The formula-safety rule itself (logdesk.reports.csv_safety), cell by cell, expected by hand."""

from __future__ import annotations

import pytest

from logdesk.reports.csv_safety import needs_neutralizing, neutralize

# Each dangerous start: the cell, and the cell as written (a leading ' and the raw text as is).
DANGEROUS = [
    "  =2+2",        # spaces first: spreadsheets drop them
    "\x0b=1+1",      # vertical tab (a C0 control)
    " \t=5+5",       # space, then tab
    "\n=4+4",        # line feed
    "\t=1",          # the cell starts with a tab
    "\r=1",          # the cell starts with a carriage return
    "@SUM(A1)",
    "+1+2",
    "-1+2",
    "=1",
    "\x00=1",        # NUL first (ASVS lists it)
    "\x0c\x1f=1",    # form feed, unit separator
    "\x7f=1",        # DEL
    "\x85=1",        # NEL (a C1 control)
    "\u00a0=1",      # no-break space
    "\u3000+1+1",    # ideographic space
    "\u2003@x",      # em space
    "\u200b=1",      # zero-width space
    "\u202e=1",      # right-to-left override
    "\ufeff=1",      # byte order mark
    "\t42",          # a tab first is neutralized whatever follows
    "\r-42",
    "\t",
    "=",
    "+",
    "@",
    "-1e",           # not a number: no exponent digits
    "--1",
    "+-1",
    "-0x1F",
    "-.",
    "- ",            # not a lone minus
    "-\n",
    "-42 ",          # a number with something after it is text
    "-42\n",         # $ would match before the final newline; the rule does not
    "-\u0663",       # Arabic-Indic digit: not a plain (ASCII) number
    "-1,5",
    '=HYPERLINK("http://x")',
    "=cmd|' /C calc'!A0",
]

# Cells written exactly as they are.
SAFE = [
    "-42",
    "-3.5",
    "+7",
    "1e5",
    "-1e5",
    "+1E-3",
    "+.5",
    "-5.",
    "  -42",         # a number after ignored spaces is still a number
    "\u3000+1",
    "\n-3.5",
    "-",             # a lone minus: no formula (logs write it for "no value")
    " -",
    "",
    "GET /a=1",
    "a=1",
    "x-1",
    "  x  ",
    "'=already",
    "\u0663",
    "(none)",
]


@pytest.mark.parametrize("cell", DANGEROUS, ids=repr)
def test_a_dangerous_start_gets_one_quote_and_keeps_its_text(cell):
    assert needs_neutralizing(cell)
    assert neutralize(cell) == "'" + cell


@pytest.mark.parametrize("cell", SAFE, ids=repr)
def test_plain_numbers_a_lone_minus_and_text_stay_as_they_are(cell):
    assert not needs_neutralizing(cell)
    assert neutralize(cell) == cell


def test_the_issue_cells_exactly():
    assert neutralize("  =2+2") == "'  =2+2"
    assert neutralize("\x0b=1+1") == "'\x0b=1+1"
    assert neutralize(" \t=5+5") == "' \t=5+5"
    assert neutralize("\n=4+4") == "'\n=4+4"
    assert neutralize("-42") == "-42"
    assert neutralize("-3.5") == "-3.5"
    assert neutralize("-") == "-"


def test_numbers_and_none():
    assert neutralize(None) == ""
    assert neutralize(-42) == "-42"
    assert neutralize(-3.5) == "-3.5"
    assert neutralize(0) == "0"
    assert neutralize(True) == "True"  # a bool is text here, and harmless


def test_lf_writer_quotes_a_lone_carriage_return_and_ends_lines_with_lf():
    import csv
    import io

    from logdesk.reports.csv_safety import LfCsvWriter

    buffer = io.StringIO()
    writer = LfCsvWriter(buffer)
    writer.writerow(["'\r=1", "a\nb", "plain", 3])
    writer.writerows([["x,y", '"q"'], [""]])
    assert buffer.getvalue() == '"\'\r=1","a\nb",plain,3\n"x,y","""q"""\n""\n'
    assert list(csv.reader(io.StringIO(buffer.getvalue(), newline=""))) == [
        ["'\r=1", "a\nb", "plain", "3"], ["x,y", '"q"'], [""],
    ]
