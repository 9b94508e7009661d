"""error_type: variable parts of a message masked into an exact template."""

from __future__ import annotations

from pyspark.sql import functions as F

from logdesk.engine.error_types import MAX_ERROR_TYPE_LENGTH, error_type

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


def _templates(spark, messages):
    df = spark.createDataFrame([(i, m) for i, m in enumerate(messages)], "i int, msg string")
    rows = df.select("i", error_type(F.col("msg")).alias("t")).collect()
    return [r.t for r in sorted(rows, key=lambda r: r.i)]


def test_templates_are_exact(spark):
    messages = [m for m, _ in CASES]
    pairs = [
        "Payment 8812 for order 550e8400-e29b-41d4-a716-446655440000 failed at 10.1.1.1:80",
        "Payment 17 for order 123e4567-e89b-12d3-a456-426614174000 failed at 172.16.0.9:8443",
        "Lock held by thread 0x1a2b for 2500 ms on /tmp/locks/a.lock",
        "Lock held by thread 0xff for 17 ms on /var/run/other/b.lock",
    ]
    long_message = "Stack overflow " + "frame " * 300
    got = _templates(spark, messages + pairs + [long_message, None])
    assert list(zip(messages, got[: len(CASES)])) == CASES
    first, second, third, fourth, long_template, null_template = got[len(CASES) :]
    assert first == second == "Payment <num> for order <uuid> failed at <ip>"
    assert third == fourth == "Lock held by thread <hex> for <time> on <path>"
    assert len(long_template) == MAX_ERROR_TYPE_LENGTH
    assert long_template.startswith("Stack overflow frame frame")
    assert null_template is None
