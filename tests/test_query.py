"""The records search language: parsing, quoting for click-through, the plain-Python matcher."""

from __future__ import annotations

import pytest

from logdesk.query import QueryError, Term, field_term, matches, parse


def test_parse_terms():
    assert parse('level:error service:"auth api" "timed out" /conn(ect)? refused/ slow') == (
        Term("field", "ERROR", "level"), Term("field", "auth api", "service"),
        Term("phrase", "timed out"), Term("regex", "conn(ect)? refused"), Term("word", "slow"))
    assert parse("   ") == ()
    assert parse("10.0.0.1") == (Term("word", "10.0.0.1"),)


@pytest.mark.parametrize("value", ["auth", "a b", 'say "hi"', "back\\slash", "x:y", "(none)", "", "/path/"])
def test_a_quoted_value_reads_back_exactly(value):
    (term,) = parse(field_term("service", value))
    assert term == Term("field", value, "service")


@pytest.mark.parametrize("bad, says", [
    ("colour:red", "unknown field 'colour'"),
    ("level:LOUD", "unknown level 'LOUD'"),
    ('"open', "not closed"),
    ("/a(b/", "bad regular expression"),
    ("/(a)(?(1)b|c)/", "conditional"),
])
def test_searches_a_user_must_fix_say_why(bad, says):
    with pytest.raises(QueryError, match=says):
        parse(bad)


def test_matches_in_plain_python():
    rec = {"message": "DB timeout after 30s", "service": "api", "ip": "10.0.0.2", "endpoint": "/login",
           "level": "ERROR", "template": "DB timeout after <*>", "error_type": "DB timeout after <*>",
           "source_file": "/logs/a.log"}
    assert matches(parse("level:error ip:10.0.0.2"), rec)
    assert not matches(parse("ip:10.0.0"), rec)
    assert matches(parse('type:"DB timeout after <*>"'), rec)
    assert matches(parse("TIMEOUT login"), rec)
    assert not matches(parse("timeout logout"), rec)
    assert matches(parse(r"/after \d+s/"), rec)
    assert matches(parse('endpoint:"(none)"'), {**rec, "endpoint": None})
