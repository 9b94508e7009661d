"""The apps family (logdesk/engine/formats/apps.py) read end to end: a small file per format,
written here, goes through discovery and the readers once; each test checks one file's
detected format and its exact rows, as tests/engine/test_builtin_formats_read.py does for the
core family (whose helpers and example files are reused).

Expectations are worked out by hand from the lines below, not from the code under test.
Timestamps are UTC (the test session's zone)."""

from __future__ import annotations


import pytest
from test_builtin_formats_read import FILES as CORE_FILES
from test_builtin_formats_read import _bad, _dt, _ok

from logdesk.engine.formats import apps, core, registry
from logdesk.engine import text_formats
from logdesk.engine.text_formats import detect_text_format
from format_files import read_folder_rows

E = "\x1b"  # ANSI escape, as coloured terminal output writes it

# format name -> (file name, content)
FILES: dict[str, tuple[str, str]] = {
    "monolog": (
        "laravel.log",
        (
            '[2024-03-05 10:11:12] production.ERROR: Payment failed {"order":17} []\n'
            "[stacktrace]\n"
            "#0 /var/www/app/Http/Controllers/PayController.php(42): App\\Pay->charge()\n"
            "#1 {main}\n"
            "[2024-03-05 10:11:13] production.INFO: User logged in [] []\n"
            '[2024-03-05T10:11:14.250000+01:00] app.WARNING: Slow query {"ms":950} {"uid":"a"}\n'
            "[2024-03-05 10:11:15] production.DEBUG: [] []\n"
            "[2024-13-05 10:11:16] production.INFO: bad month\n"
        ),
    ),
    "rails": (
        "production.log",
        (
            "I, [2024-03-05T10:11:12.123456 #1234]  INFO -- : [f0e1-0001] Started GET "
            '"/orders?page=2" for 203.0.113.7 at 2024-03-05 10:11:12 +0000\n'
            "I, [2024-03-05T10:11:12.130000 #1234]  INFO -- : [f0e1-0001] Processing by "
            "OrdersController#index as HTML\n"
            "F, [2024-03-05T10:11:12.200000 #1234] FATAL -- : [f0e1-0001] "
            "ActiveRecord::RecordNotFound (Couldn't find Order with 'id'=9):\n"
            "  \n"  # blank: not part of the record, the line after it still is
            "[f0e1-0001] app/controllers/orders_controller.rb:12:in `show'\n"
            "W, [2024-03-05T10:11:13.000001 #1235]  WARN -- sidekiq: retrying job 77\n"
            "A, [2024-03-05T10:11:14.000000 #1235]   ANY -- : unleveled\n"
            "D, [2024-03-05T10:11:15.000000 #1235] DEBUG -- : \n"
            "I, [2024-02-30T10:11:16.000000 #1235]  INFO -- : bad day\n"
        ),
    ),
    "django_runserver": (
        "runserver.log",
        (
            "Watching for file changes with StatReloader\n"
            "Performing system checks...\n"
            "\n"
            "System check identified no issues (0 silenced).\n"
            "March 05, 2024 - 10:11:00\n"
            "Django version 5.0.3, using settings 'shop.settings'\n"
            "Starting development server at http://127.0.0.1:8000/\n"
            "Quit the server with CONTROL-C.\n"
            "\n"
            '[05/Mar/2024 10:11:12] "GET /products/?page=2 HTTP/1.1" 200 5120\n'
            "Not Found: /favicon.ico\n"
            '[05/Mar/2024 10:11:13] "GET /favicon.ico HTTP/1.1" 404 2110\n'
            "Internal Server Error: /checkout/\n"
            "Traceback (most recent call last):\n"
            '  File "/app/shop/views.py", line 12, in checkout\n'
            "ZeroDivisionError: division by zero\n"
            '[05/Mar/2024 10:11:14] "POST /checkout/ HTTP/1.1" 500 145\n'
            "[05/Mar/2024 10:11:15] code 400, message Bad request version ('\\x16\\x03')\n"
            '[30/Feb/2024 10:11:16] "GET / HTTP/1.1" 200 10\n'
        ),
    ),
    "django_verbose": (
        "django.log",
        (
            "INFO 2024-03-05 10:11:12,123 views 4242 139872 Order 17 created\n"
            "ERROR 2024-03-05 10:11:13,500 log 4242 139873 Internal Server Error: /pay/\n"
            "Traceback (most recent call last):\n"
            '  File "/app/pay/views.py", line 8, in pay\n'
            "KeyError: 'card'\n"
            'WARNING 2024-03-05 10:11:14,000 basehttp 4242 139874 "GET /missing HTTP/1.1" 404 '
            "179\n"
            "CRITICAL 2024-03-05 25:11:15,000 db 4242 139875 bad hour\n"
            "DEBUG 2024-03-05 10:11:16,000 utils 4242 139876\n"
        ),
    ),
    "zap_console": (
        "zap.log",
        (
            '2024-03-05T10:11:12.123Z\tINFO\tserver/main.go:42\tlistening\t{"addr": ":8080"}\n'
            "2024-03-05T10:11:13.000+0100\terror\tpayments\tpay/charge.go:88\tcharge failed\t"
            '{"order": 17}\n'
            "main.main\n"
            "\t/app/main.go:12\n"
            "2024-03-05T10:11:14.500Z\tDPANIC\tdb/pool.go:7\tpool exhausted\n"
            f"2024-03-05T10:11:15Z\t{E}[35mDEBUG{E}[0m\tcache warm\n"
            "2024-03-05T10:11:16Z\tFATAL\tmain.go:1\t\n"
            "2024-03-05T25:11:17Z\twarn\tbad hour\n"
        ),
    ),
    "rust_env_logger": (
        "env_logger.log",
        (
            "[2024-03-05T10:11:12Z INFO  shop::server] listening on 0.0.0.0:8080\n"
            "[2024-03-05T10:11:13.250Z WARN  shop::db::pool] pool at 90%\n"
            "[2024-03-05T10:11:14Z ERROR shop] request failed:\n"
            "caused by: connection reset\n"
            f"{E}[2m[{E}[0m2024-03-05T10:11:15Z {E}[32mINFO {E}[0m shop::server{E}[2m]{E}[0m "
            "coloured\n"
            "TRACE:shop::cache: the oldest layout, without a time\n"
            "[2024-03-05T10:11:16Z DEBUG shop::cache]\n"
        ),
    ),
    "rust_tracing": (
        "tracing.log",
        (
            "2024-03-05T10:11:12.123456Z  INFO shop::server: listening addr=0.0.0.0:8080\n"
            "2024-03-05T10:11:13.000001Z  WARN request{id=7}:checkout{cart=3}: shop::handlers: "
            "slow response elapsed_ms=950\n"
            "2024-03-05T10:11:14.5Z ERROR shop::db: query failed err=timeout\n"
            f"{E}[2m2024-03-05T10:11:15.000000Z{E}[0m {E}[32m INFO{E}[0m {E}[2mshop::server"
            f"{E}[0m{E}[2m:{E}[0m coloured line\n"
            "   0: shop::main\n"
            "2024-03-05T10:11:16.000000Z DEBUG shop: \n"
            "2024-03-05T10:11:17.000000+01:00 TRACE no target here\n"
        ),
    ),
    # 7 data lines = 4 records + 2 continuation lines (the traceback) + 1 malformed
    "vdsm": (
        "vdsm.log",
        (
            "MainThread::INFO::2024-03-05 10:11:12,101::vdsm::71::vds::(run) I am vdsm 4.9\n"
            "MainThread::ERROR::2024-03-05 10:11:12,300::vdsm::74::vds::(run) Traceback:\n"
            '  File "/usr/share/vdsm/vdsm", line 72, in run\n'
            "libvirtError: Failed to connect socket\n"
            "Thread-15::DEBUG::2024-03-05 10:11:13,737::clientIF::54::vds::(wrapper) "
            "[10.0.0.1]::call getVdsCaps\n"
            "Thread-16::WARNING::2024-03-05 10:11:14,000::task::9::Storage.TaskManager::"
            "slow task\n"
            "Thread-17::INFO::2024-13-05 10:11:15,000::x::1::vds::(f) month 13\n"
        ),
    ),
}

# format name -> rows, ordered by line:
# (line, ts, level, raw_level, service, ip, endpoint, message, continuation_lines, reason)
EXPECTED: dict[str, list[tuple]] = {
    "monolog": [
        _ok(1, _dt(2024, 3, 5, 10, 11, 12), "ERROR", "ERROR", "production", None, None,
            'Payment failed {"order":17}\n[stacktrace]\n'
            "#0 /var/www/app/Http/Controllers/PayController.php(42): App\\Pay->charge()\n"
            "#1 {main}", continuation_lines=3),
        _ok(5, _dt(2024, 3, 5, 10, 11, 13), "INFO", "INFO", "production", None, None,
            "User logged in"),
        # a non-empty extra stays; +01:00 is an hour ahead of UTC
        _ok(6, _dt(2024, 3, 5, 9, 11, 14, 250000), "WARN", "WARNING", "app", None, None,
            'Slow query {"ms":950} {"uid":"a"}'),
        _bad(7, "empty message"),  # only the empty context and extra
        _bad(8, "unparseable timestamp: 2024-13-05 10:11:16"),
    ],
    "rails": [
        _ok(1, _dt(2024, 3, 5, 10, 11, 12, 123456), "INFO", "INFO", None, "203.0.113.7",
            "/orders", '[f0e1-0001] Started GET "/orders?page=2" for 203.0.113.7 at '
            "2024-03-05 10:11:12 +0000"),
        _ok(2, _dt(2024, 3, 5, 10, 11, 12, 130000), "INFO", "INFO", None, None, None,
            "[f0e1-0001] Processing by OrdersController#index as HTML"),
        _ok(3, _dt(2024, 3, 5, 10, 11, 12, 200000), "CRITICAL", "FATAL", None, None, None,
            "[f0e1-0001] ActiveRecord::RecordNotFound (Couldn't find Order with 'id'=9):\n"
            "[f0e1-0001] app/controllers/orders_controller.rb:12:in `show'",
            continuation_lines=1),
        _ok(6, _dt(2024, 3, 5, 10, 11, 13, 1), "WARN", "WARN", "sidekiq", None, None,
            "retrying job 77"),
        # Logger's ANY is no level the mapping knows
        _ok(7, _dt(2024, 3, 5, 10, 11, 14), "UNKNOWN", "ANY", None, None, None, "unleveled"),
        _bad(8, "empty message"),
        _bad(9, "unparseable timestamp: 2024-02-30T10:11:16.000000"),
    ],
    "django_runserver": [
        # runserver logs a request's warning and traceback BEFORE its request line: they
        # continue the record before them (one record per request line, nothing lost)
        _ok(10, _dt(2024, 3, 5, 10, 11, 12), "INFO", "200", None, None, "/products/",
            "GET /products/?page=2 HTTP/1.1\nNot Found: /favicon.ico", continuation_lines=1),
        _ok(12, _dt(2024, 3, 5, 10, 11, 13), "WARN", "404", None, None, "/favicon.ico",
            "GET /favicon.ico HTTP/1.1\nInternal Server Error: /checkout/\n"
            'Traceback (most recent call last):\n  File "/app/shop/views.py", line 12, in '
            "checkout\nZeroDivisionError: division by zero", continuation_lines=4),
        _ok(17, _dt(2024, 3, 5, 10, 11, 14), "ERROR", "500", None, None, "/checkout/",
            "POST /checkout/ HTTP/1.1"),
        # not a request: the whole text, no status, no level
        _ok(18, _dt(2024, 3, 5, 10, 11, 15), "UNKNOWN", None, None, None, None,
            "code 400, message Bad request version ('\\x16\\x03')"),
        _bad(19, "unparseable timestamp: 30/Feb/2024 10:11:16"),
    ],
    "django_verbose": [
        _ok(1, _dt(2024, 3, 5, 10, 11, 12, 123000), "INFO", "INFO", "views", None, None,
            "Order 17 created"),
        _ok(2, _dt(2024, 3, 5, 10, 11, 13, 500000), "ERROR", "ERROR", "log", None, None,
            "Internal Server Error: /pay/\nTraceback (most recent call last):\n"
            '  File "/app/pay/views.py", line 8, in pay\nKeyError: \'card\'',
            continuation_lines=3),
        _ok(6, _dt(2024, 3, 5, 10, 11, 14), "WARN", "WARNING", "basehttp", None, None,
            '"GET /missing HTTP/1.1" 404 179'),
        _bad(7, "unparseable timestamp: 2024-03-05 25:11:15,000"),
        _bad(8, "empty message"),
    ],
    "zap_console": [
        # no logger name: the caller is not a service; the fields stay in the message
        _ok(1, _dt(2024, 3, 5, 10, 11, 12, 123000), "INFO", "INFO", None, None, None,
            'listening\t{"addr": ":8080"}'),
        # logger name before the caller; +0100 is an hour ahead; the stack trace continues
        _ok(2, _dt(2024, 3, 5, 9, 11, 13), "ERROR", "error", "payments", None, None,
            'charge failed\t{"order": 17}\nmain.main\n\t/app/main.go:12', continuation_lines=2),
        # DPANIC: its PANIC part is the level
        _ok(5, _dt(2024, 3, 5, 10, 11, 14, 500000), "CRITICAL", "PANIC", None, None, None,
            "pool exhausted"),
        # coloured level, no caller
        _ok(6, _dt(2024, 3, 5, 10, 11, 15), "DEBUG", "DEBUG", None, None, None, "cache warm"),
        _bad(7, "empty message"),
        _bad(8, "unparseable timestamp: 2024-03-05T25:11:17Z"),
    ],
    "rust_env_logger": [
        _ok(1, _dt(2024, 3, 5, 10, 11, 12), "INFO", "INFO", "shop::server", None, None,
            "listening on 0.0.0.0:8080"),
        _ok(2, _dt(2024, 3, 5, 10, 11, 13, 250000), "WARN", "WARN", "shop::db::pool", None,
            None, "pool at 90%"),
        _ok(3, _dt(2024, 3, 5, 10, 11, 14), "ERROR", "ERROR", "shop", None, None,
            "request failed:\ncaused by: connection reset", continuation_lines=1),
        _ok(5, _dt(2024, 3, 5, 10, 11, 15), "INFO", "INFO", "shop::server", None, None,
            "coloured"),
        _bad(6, "missing timestamp"),
        _bad(7, "empty message"),
    ],
    "rust_tracing": [
        _ok(1, _dt(2024, 3, 5, 10, 11, 12, 123456), "INFO", "INFO", "shop::server", None,
            None, "listening addr=0.0.0.0:8080"),
        # the spans before the target are left out
        _ok(2, _dt(2024, 3, 5, 10, 11, 13, 1), "WARN", "WARN", "shop::handlers", None, None,
            "slow response elapsed_ms=950"),
        _ok(3, _dt(2024, 3, 5, 10, 11, 14, 500000), "ERROR", "ERROR", "shop::db", None, None,
            "query failed err=timeout"),
        _ok(4, _dt(2024, 3, 5, 10, 11, 15), "INFO", "INFO", "shop::server", None, None,
            "coloured line\n   0: shop::main", continuation_lines=1),
        _bad(6, "empty message"),
        _ok(7, _dt(2024, 3, 5, 9, 11, 17), "DEBUG", "TRACE", None, None, None,
            "no target here"),
    ],
    "vdsm": [
        _ok(1, _dt(2024, 3, 5, 10, 11, 12, 101000), "INFO", "INFO", "vds", None, None,
            "I am vdsm 4.9"),
        _ok(2, _dt(2024, 3, 5, 10, 11, 12, 300000), "ERROR", "ERROR", "vds", None, None,
            'Traceback:\n  File "/usr/share/vdsm/vdsm", line 72, in run\n'
            "libvirtError: Failed to connect socket", 2),
        _ok(5, _dt(2024, 3, 5, 10, 11, 13, 737000), "DEBUG", "DEBUG", "vds", None, None,
            "[10.0.0.1]::call getVdsCaps"),
        # no (function) before the message
        _ok(6, _dt(2024, 3, 5, 10, 11, 14), "WARN", "WARNING", "Storage.TaskManager", None, None,
            "slow task"),
        _bad(7, "unparseable timestamp: 2024-13-05 10:11:15,000"),
    ],
}


@pytest.fixture(scope="module")
def read_back(spark, tmp_path_factory):
    """(file name -> detected format name, file name -> its rows ordered by line): one read."""
    found, rows = read_folder_rows(spark, tmp_path_factory.mktemp("app_formats"), FILES.values())
    return {name: f.format_name for name, f in found.items()}, rows


def test_every_app_format_has_a_file():
    assert set(FILES) == {f.name for f in apps.FORMATS}
    assert set(EXPECTED) == set(FILES)


@pytest.mark.parametrize("fmt", sorted(FILES))
def test_app_format_rows(read_back, fmt):
    detected, rows = read_back
    name = FILES[fmt][0]
    assert detected[name] == fmt
    assert rows.get(name, []) == EXPECTED[fmt]


def test_app_formats_claim_no_core_example_file(monkeypatch):
    """The core family's example files are detected as before with this family added (and
    with every family: the registry's own order)."""
    with_apps = core.FORMATS + apps.FORMATS
    for fmt, (_, content) in CORE_FILES.items():
        lines = content.splitlines()
        assert detect_text_format(lines).name == fmt
        monkeypatch.setattr(text_formats, "BUILTIN_FORMATS", with_apps)
        assert detect_text_format(lines).name == fmt
        monkeypatch.undo()


def test_tracing_takes_a_tie_from_syslog_iso():
    """At DEBUG, TRACE and ERROR a tracing line also reads as syslog_iso (host "DEBUG"): with
    apps.REFINES in the registry's REFINES, such a file is tracing's, and syslog files stay
    syslog_iso."""
    assert set(apps.REFINES) <= {f.name for f in apps.FORMATS}
    assert {n for names in apps.REFINES.values() for n in names} <= {f.name for f in core.FORMATS}
    assert apps.REFINES.items() <= registry.REFINES.items()
    debug_only = [
        "2024-03-05T10:11:12.123456Z DEBUG shop::db: query took 5ms",
        "2024-03-05T10:11:13.000000Z ERROR shop::db: query failed",
    ]
    assert detect_text_format(debug_only).name == "rust_tracing"
    syslog_iso = CORE_FILES["syslog_iso"][1].splitlines()
    assert detect_text_format(syslog_iso).name == "syslog_iso"
