"""error_type: variable parts of a message masked into an exact template."""

from __future__ import annotations

from pyspark.sql import functions as F

import pytest

from logdesk.engine.error_types import MARKS, MASKS, MAX_ERROR_TYPE_LENGTH, error_type, with_masked

CASES = [
    (
        "User 12345 failed to login from 192.168.1.10",
        "User <num> failed to login from <ip>",
    ),
    (
        "Connection to 10.0.0.5:5432 refused after 3 retries",
        "Connection to <ip> refused after <num> retries",
    ),
    (
        "Request 550e8400-e29b-41d4-a716-446655440000 timed out after 30.5s",
        "Request <uuid> timed out after <time>",
    ),
    (
        "GET /api/v1/users/42/orders returned 500",
        "GET <path> returned <num>",
    ),
    (
        "Upstream https://payments.example.com/v2/charge?id=991 failed: HTTP 502",
        "Upstream https://payments.example.com<path> failed: HTTP <num>",
    ),
    (
        "Cannot open file C:\\Users\\bob\\app\\config.ini: access denied",
        "Cannot open file <path>: access denied",
    ),
    (
        "Segfault at address 0x7ffd5e8a in worker pid=4242",
        "Segfault at address <hex> in worker pid=<num>",
    ),
    (
        "Cache miss for key 9f86d081884c7d65 (object deadbeef)",
        "Cache miss for key <hex> (object deadbeef)",
    ),
    (
        "Invalid value 'abc-123' for field \"email\"; can't continue",
        "Invalid value <str> for field <str>; can't continue",
    ),
    (
        "Mail to alice.smith+test@example.co.uk bounced",
        "Mail to <email> bounced",
    ),
    (
        "Job  finished   with\n\texit code -1 and balance -12.75",
        "Job finished with exit code <num> and balance <num>",
    ),
    # key=value values are masked like any other token: a word value (user=root) is left to
    # the mining, which tells constants from variables
    (
        "Timeout user_id=77 session=ab12 retry=2, giving up user=root",
        "Timeout user_id=<num> session=ab12 retry=<num>, giving up user=root",
    ),
    # dates and times, whole
    (
        "connection from 84.102.20.2 () at Sun Jul 24 02:38:22 2005",
        "connection from <ip> () at <time>",
    ),
    (
        "Started 2024-03-01T10:00:00.250Z, last seen Mar 3, 2024 at 10:30",
        "Started <time>, last seen <time> at <time>",
    ),
    # durations, with their unit; clock-style durations too
    (
        "Took 1.5 hours, then 350ms, lifetime <1 sec, lifetime 00:39, retry in 5 s",
        "Took <time>, then <time>, lifetime <time>, lifetime <time>, retry in <time>",
    ),
    # sizes keep their unit; a restatement in other units goes, so both forms have one template
    (
        "proxy.example.com:5070 close, 2034 bytes (1.98 KB) sent, 785 bytes received, 4 MB left",
        "proxy.example.com:<num> close, <num> bytes sent, <num> bytes received, <num> MB left",
    ),
    # month and day names alone are words
    ("The May release is out on Monday", "The May release is out on Monday"),
    (
        "Disk /var/lib/data is 97% full (v2.3.1)",
        "Disk <path> is <num>% full (v2.3.1)",
    ),
    (
        "NullPointerException at com.acme.Foo.bar(Foo.java:123)",
        "NullPointerException at com.acme.Foo.bar(Foo.java:<num>)",
    ),
    ("", ""),
]


def _templates(spark, messages, how="expression"):
    df = spark.createDataFrame([(i, m) for i, m in enumerate(messages)], "i int, msg string")
    if how == "expression":
        rows = df.select("i", error_type(F.col("msg")).alias("t")).collect()
    else:  # the guarded passes the readers use
        rows = with_masked(df, F.col("msg"), "t").select("i", "t").collect()
    return [r.t for r in sorted(rows, key=lambda r: r.i)]


@pytest.mark.parametrize("how", ["expression", "guarded"])
def test_templates_are_exact(spark, how):
    messages = [m for m, _ in CASES]
    pairs = [
        "Payment 8812 for order 550e8400-e29b-41d4-a716-446655440000 failed at 10.1.1.1:80",
        "Payment 17 for order 123e4567-e89b-12d3-a456-426614174000 failed at 172.16.0.9:8443",
        "Lock held by thread 0x1a2b for 2500 ms on /tmp/locks/a.lock",
        "Lock held by thread 0xff for 17 ms on /var/run/other/b.lock",
    ]
    long_message = "Stack overflow " + "frame " * 300
    got = _templates(spark, messages + pairs + [long_message, None], how)
    assert list(zip(messages, got[: len(CASES)])) == CASES
    first, second, third, fourth, long_template, null_template = got[len(CASES) :]
    assert first == second == "Payment <num> for order <uuid> failed at <ip>"
    assert third == fourth == "Lock held by thread <hex> for <time> on <path>"
    assert len(long_template) == MAX_ERROR_TYPE_LENGTH
    assert long_template.startswith("Stack overflow frame frame")
    assert null_template is None


# Each pass's marks, present and absent, around the cases a skipped pass must not change:
# whitespace runs of every kind, and texts that hold a mark but no match.
GUARD_CASES = [
    "tab\there  two spaces   three\r\nCRLF \x0b vt \x0c ff end ",
    " leading and trailing  ",
    "single spaces only 12 here",
    'say "hi" and \'bye\' or can\'t',
    "no quotes but a dash - and 550e8400-e29b-41d4-a716-446655440000",
    "scheme-less host:port/path and ftp://h.example.org/a/b?c=1",
    "mail bob@example.com or a lone @ sign",
    "C:\\Temp\\x.log and \\\\srv\\share\\f and /var/log/a and and/or",
    "dots. 10.0.0.1:8080 and 1.2.3 and v1.2.3.4.5",
    "plain words without any marks at all",
]


def test_guarded_passes_give_the_expression_s_text(spark):
    assert len(MARKS) == len(MASKS)
    assert _templates(spark, GUARD_CASES, "guarded") == _templates(spark, GUARD_CASES)
    # by hand: whitespace runs of any kind are one space, single spaces stay, ends trimmed
    assert _templates(spark, GUARD_CASES[:3], "guarded") == [
        "tab here two spaces three CRLF vt ff end",
        "leading and trailing",
        "single spaces only <num> here",
    ]


def test_with_masked_is_null_where_the_row_is_not_parsed(spark):
    df = spark.createDataFrame([(1, "id 7", True), (2, "id 8", False)], "i int, msg string, ok boolean")
    rows = with_masked(df, F.col("msg"), "t", when=F.col("ok")).orderBy("i").collect()
    assert [(r.i, r.t) for r in rows] == [(1, "id <num>"), (2, None)]
