"""The web formats (logdesk/engine/formats/web.py) read end to end: a small file per case,
written here, goes through discovery and the readers once; each test checks one file's format
and its exact rows (records, levels, timestamps, folded continuation lines, malformed lines).

Expectations are worked out by hand from the lines below, not from the code under test.
Timestamps are UTC (the test session's zone); files whose times have no year have their mtime
set to 2024-06-15 12:00 UTC.

Some files rely on detection's two hooks (see web.py's docstring): HAProxy through syslog and
classic ELB lines tie with the core syslog formats (REFINES), and CloudFront's and Zeek's formats
are defined by the file's own header (header_formats).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from logdesk.engine.discover import FORMAT_TEXT, discover_inputs
from logdesk.engine.formats import web
from logdesk.engine.text_formats import (
    BUILTIN_FORMATS,
    detect_text_format,
)
from format_files import read_folder_rows

MTIME = datetime(2024, 6, 15, 12, 0, tzinfo=UTC).timestamp()
WEB = {f.name: f for f in web.FORMATS}


def _text(*lines: str) -> str:
    return "\n".join(lines) + "\n"


_CF_AGENT = "Mozilla/5.0%20(X11;%20Linux%20x86_64)%20AppleWebKit/537.36%20(KHTML,%20like%20Gecko)"


def _cf(date, time, ip, method, uri, status, result, fields=33):
    """A CloudFront standard log line; its first `fields` columns (older layouts had fewer)."""
    columns = [
        date, time, "FRA56-P1", "1024", ip, method, "d111111abcdef8.cloudfront.net", uri, status,
        "-", _CF_AGENT, "-", "-", result, "tZs2X6sMx5bIk0Rx8ViEDt9Y2HrZ6K1nCkdGS9vwR4JFgyOzrw==",
        "shop.example", "https", "310", "0.012", "-", "TLSv1.3", "TLS_AES_128_GCM_SHA256", result,
        "HTTP/2.0", "-", "-", "50321", "0.011", result, "text/html", "1024", "-", "-",
    ]
    return "\t".join(columns[:fields])


_CF_FIELDS = (
    "#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status "
    "cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id "
    "x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher "
    "x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port "
    "time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len "
    "sc-range-start sc-range-end"
)
_ZEEK_HEAD = ("#separator \\x09", "#set_separator\t,", "#empty_field\t(empty)", "#unset_field\t-")
_CONN_FIELDS = (
    "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\t"
    "orig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\t"
    "orig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents"
)
_CONN_LINES = (
    "1709633472.123456\tCHhAvVGS1DHFjwGM9\t10.0.0.5\t51234\t93.184.216.34\t443\ttcp\tssl\t"
    "0.250000\t517\t3024\tSF\tT\tF\t0\tShADadFf\t10\t1049\t9\t3496\t(empty)",
    "1709633473.000001\tC4J4Th3PJpwUYZZ6gc\t10.0.0.6\t5353\t224.0.0.251\t5353\tudp\tdns\t-\t-"
    "\t-\tS0\tT\tF\t0\tD\t1\t73\t0\t0\t(empty)",
    "1709633480.5\tCUM0KZ3MLUfNB0cl11\tfe80::1\t135\tff02::1\t136\ticmp\t-\t-\t-\t-\tOTH\tT\t"
    "F\t0\t-\t1\t64\t0\t0\t(empty)",
    "170963348",  # cut off
)
_HTTP_FIELDS = (
    "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\ttrans_depth\tmethod\thost\t"
    "uri\treferrer\tversion\tuser_agent\trequest_body_len\tresponse_body_len\tstatus_code\t"
    "status_msg"
)

# case -> (file name, content); a case is its format's name, or that name and a variant
FILES: dict[str, tuple[str, str]] = {
    "apache_error": ("apache_error.log", _text(
        "[Wed Oct 11 14:32:52 2000] [error] [client 127.0.0.1] client denied by server "
        "configuration: /export/home/live/ap/htdocs/test",
        "[Tue Mar 05 10:11:12.123456 2024] [core:error] [pid 123:tid 456] [client "
        "203.0.113.7:5678] AH00126: Invalid URI in request GET /%2e%2e/etc/passwd HTTP/1.1",
        "[Tue Mar 05 10:11:13.000001 2024] [mpm_event:notice] [pid 100:tid 200] AH00489: "
        "Apache/2.4.58 (Unix) configured -- resuming normal operations",
        "[Tue Mar 05 10:11:14.500000 2024] [proxy:trace2] [pid 123:tid 457] proxy_util.c(2345): "
        "AH00942: HTTP: has acquired connection for (127.0.0.1)",
        "[Tue Mar 05 10:11:15.000000 2024] [cgi:error] [pid 123:tid 458] [client 10.0.0.9:40000] "
        "Traceback (most recent call last):",
        '  File "/srv/app/views.py", line 12, in checkout',
        "ZeroDivisionError: division by zero",
        "[Fri Feb 30 10:11:16.000000 2024] [core:warn] [pid 123] AH00045: child process 4567 "
        "still did not exit",
        "[Tue Mar 05 10:11:17.000000 2024] [core:error] [pid 123] ",
    )),
    "nginx_error": ("nginx_error.log", _text(
        '2024/03/05 10:11:12 [error] 1234#1234: *45 open() "/usr/share/nginx/html/favicon.ico" '
        "failed (2: No such file or directory), client: 203.0.113.7, server: shop.example, "
        'request: "GET /favicon.ico HTTP/1.1", host: "shop.example"',
        "2024/03/05 10:11:13 [notice] 1#1: signal process started",
        '2024/03/05 10:11:14 [error] 1234#1234: *46 FastCGI sent in stderr: "PHP message: PHP '
        "Fatal error:  Uncaught Exception: boom in /srv/index.php:3",
        "Stack trace:",
        '#0 {main}" while reading response header from upstream, client: 203.0.113.8, server: '
        'shop.example, request: "POST /checkout?step=2 HTTP/2.0", upstream: '
        '"fastcgi://unix:/run/php-fpm.sock:", host: "shop.example"',
        "2024/03/05 10:11:15 [warn] 1234#1234: *47 an upstream response is buffered to a "
        "temporary file /var/cache/nginx/proxy_temp/1/00/0000000001 while reading upstream, "
        'client: 2001:db8::5, server: , request: "GET /export.csv HTTP/1.1"',
        "2024/03/05 25:11:16 [crit] 1234#1234: *48 bad hour",
    )),
    # haproxy logging to stdout ("log stdout format raw"): no syslog prefix
    "haproxy": ("haproxy.log", _text(
        "10.0.0.1:51234 [05/Mar/2024:10:11:12.123] www~ app/web1 0/0/1/15/16 200 1543 - - ---- "
        '3/3/1/1/0 0/0 "GET /api/items?page=2 HTTP/1.1"',
        "10.0.0.2:51235 [05/Mar/2024:10:11:13.456] www~ app/<NOSRV> -1/-1/-1/-1/0 503 217 - - "
        'SC-- 3/3/0/0/0 0/0 "GET /health HTTP/1.1"',
        "10.0.0.3:51236 [05/Mar/2024:10:11:14.000] www~ app/web2 0/0/0/-1/30001 504 194 - - "
        'sH-- 2/2/1/1/0 0/0 {shop.example|curl/8.0} "POST /api/orders HTTP/1.1"',
        "10.0.0.4:40000 [05/Mar/2024:10:11:15.250] db-in db/pg1 1/0/5007 212 -- 1/1/1/1/0 0/0",
        "[WARNING]  (1) : Server app/web2 is DOWN, reason: Layer4 timeout",
        "10.0.0.5:51237 [05/Mar/2024:10:11:16.000] www~ app/web1 0/0/1/2/3 400 120 - - PR-- "
        '1/1/0/0/0 0/0 "<BADREQ>"',
        "10.0.0.6:51238 [31/Feb/2024:10:11:17.000] www~ app/web1 0/0/1/2/3 200 120 - - ---- "
        '1/1/0/0/0 0/0 "GET / HTTP/1.1"',
    )),
    # through rsyslog to /var/log/haproxy.log; the last line was cut off
    "haproxy_syslog": ("haproxy_syslog.log", _text(
        "Mar  5 10:11:12 lb1 haproxy[2201]: 10.0.0.1:51234 [05/Mar/2024:10:11:11.900] www~ "
        'app/web1 0/0/1/15/16 200 1543 - - ---- 3/3/1/1/0 0/0 "GET /api/items HTTP/1.1"',
        "Mar  5 10:11:20 lb1 haproxy[2201]: Server app/web2 is DOWN, reason: Layer4 timeout, "
        "check duration: 2001ms. 1 active and 0 backup servers left.",
        "Mar  5 10:11:21 lb1 haproxy[2201]: 10.0.0.2:51300 [05/Mar/2024:10:11:21.005] www~ "
        'app/web1 0/0/0/3/3 302 310 - - ---- 2/2/0/0/0 0/0 "GET /login HTTP/1.1"',
        "Mar  5 10:11:23 lb1 haproxy[2201",
    )),
    "uwsgi": ("uwsgi_requests.log", _text(
        "[pid: 24386|app: 0|req: 482950/4125645] 86.221.170.65 () {44 vars in 1322 bytes} [Tue "
        "Mar  5 10:11:12 2024] GET /contest/log_presence/?_=1325592089910 => generated 192 bytes "
        "in 21 msecs (HTTP/1.1 200) 4 headers in 188 bytes (1 switches on core 0)",
        "[pid: 24387|app: 0|req: 12/40] 10.0.0.8 (alice) {46 vars in 900 bytes} [Tue Mar  5 "
        "10:11:13 2024] POST /api/upload => generated 0 bytes in 1503 msecs (HTTP/1.1 500) 2 "
        "headers in 83 bytes (1 switches on core 1)",
        "[pid: 24386|app: 0|req: 482951/4125646] 86.221.170.65 () {44 vars in 1322 bytes} [Tue "
        "Mar  5 10:11:14 2024] GET /static/app.js => generated 5120 bytes in 2 msecs via "
        "sendfile() (HTTP/1.1 200) 8 headers in 290 bytes (0 switches on core 0)",
        "Traceback (most recent call last):",
        "[pid: 24387|app: 0|req: 13/41] 10.0.0.8 () {40 vars in 700 bytes} [Tue Mar 32 10:11:15 "
        "2024] GET /x => generated 10 bytes in 1 msecs (HTTP/1.1 404) 2 headers in 80 bytes (1 "
        "switches on core 0)",
    )),
    "aws_elb": ("alb_access.log", _text(
        "http 2024-03-05T10:11:12.123456Z app/shop-alb/50dc6c495c0c9188 192.168.131.39:2817 "
        '10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "GET http://shop.example:80/api/items?'
        'page=2 HTTP/1.1" "curl/8.0" - - arn:aws:elasticloadbalancing:us-east-2:123456789012:'
        'targetgroup/shop/73e2d6bc24d8a067 "Root=1-58337262-36d228ad5d99923122bbe354" "-" "-" 0 '
        '2024-03-05T10:11:12.122000Z "forward" "-" "-" "10.0.0.1:80" "200" "-" "-"',
        "https 2024-03-05T10:11:13.000001Z app/shop-alb/50dc6c495c0c9188 192.168.131.40:2818 - "
        '-1 -1 -1 502 - 120 0 "POST https://shop.example:443/checkout HTTP/1.1" "Mozilla/5.0" '
        "ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:"
        '123456789012:targetgroup/shop/73e2d6bc24d8a067 "Root=1-58337262-36d228ad5d99923122bb" '
        '"shop.example" "-" 1 2024-03-05T10:11:12.990000Z "forward" "-" "-" "-" "-" "-" "-"',
        "wss 2024-03-05T10:11:14.500000Z app/shop-alb/50dc6c495c0c9188 10.0.0.140:44244 "
        '10.0.0.171:8010 0.000 0.001 0.000 101 101 218 786 "GET https://10.0.0.30:443/socket '
        'HTTP/1.1" "-" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-'
        '2:123456789012:targetgroup/ws/73e2d6bc24d8a067 "Root=1-58337364-23a8c76965a2ef7629b1" '
        "- -",
        "http 2024-03-05T10:11:15.000000Z app/shop-alb/50dc6c495c0c9188 192.168.131.41:2900",
        "http 2024-13-05T10:11:16.000000Z app/shop-alb/50dc6c495c0c9188 192.168.131.42:2901 "
        '10.0.0.1:80 0.000 0.001 0.000 404 404 34 120 "GET http://shop.example:80/x HTTP/1.1" '
        '"curl/8.0" - -',
    )),
    # classic ELB: its lines also read as syslog_iso ("time host tag: ...")
    "aws_elb_classic": ("elb_classic.log", _text(
        "2024-03-05T10:11:12.123456Z shop-elb 192.168.131.39:2817 10.0.0.1:80 0.000073 0.001048 "
        '0.000057 200 200 0 29 "GET http://shop.example:80/ HTTP/1.1" "curl/7.38.0" - -',
        "2024-03-05T10:11:13.000000Z shop-elb 192.168.131.39:2818 - -1 -1 -1 504 0 0 0 "
        '"GET http://shop.example:80/slow HTTP/1.1" "curl/7.38.0" - -',
        "2024-03-05T10:11:14.000000Z shop-elb 192.168.131.39:2819 10.0.0.1:443 0.001069 "
        '0.000028 0.000041 - - 82 305 "- - - " "-" - -',
        "2024-03-05T10:11:15.000000Z shop-elb 192.168.131.39:2820 10.0.0.1:80 0.000073 0.001048 "
        '0.000057 403 403 0 29 "GET https://shop.example:443/admin HTTP/1.1" "Mozilla/5.0" '
        "ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2",
        "2024-03-05T10:11:16.000000Z shop-elb",
    )),
    # CloudFront's #Fields: line also makes a W3C format, which detection tries first
    "cloudfront": ("cloudfront.log", _text(
        "#Version: 1.0",
        _CF_FIELDS,
        _cf("2024-03-05", "10:11:12", "198.51.100.7", "GET", "/index.html", "200", "Hit"),
        _cf("2024-03-05", "10:11:13", "198.51.100.8", "GET", "/api/cart", "502", "Error"),
        _cf("2024-03-05", "10:11:14", "2001:db8::9", "POST", "/api/login", "403", "Error"),
        "2024-03-05\t10:11:15\tFRA56-P1\t1024\t198.51.100.9",
        _cf("2024-03-05", "25:11:16", "198.51.100.7", "GET", "/", "200", "Hit"),
    )),
    # the lines without their header (as a log shipper may pass them on); an older layout too
    "cloudfront_headless": ("cloudfront_lines.log", _text(
        _cf("2024-03-05", "10:11:12", "198.51.100.7", "GET", "/index.html", "200", "Hit"),
        _cf("2024-03-05", "10:11:13", "198.51.100.8", "GET", "/missing", "404", "Error", 24),
    )),
    # conn.log with its header: the format from its #fields line (the static one reads it alike)
    "zeek_conn": ("conn.log", _text(
        *_ZEEK_HEAD,
        "#path\tconn",
        "#open\t2024-03-05-10-00-00",
        _CONN_FIELDS,
        "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\t"
        "string\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]",
        *_CONN_LINES,
        "#close\t2024-03-05-11-00-00",
    )),
    # the same lines as Zeek writes them with LogAscii::include_meta = F: no header at all
    "zeek": ("conn_nometa.log", _text(*_CONN_LINES)),
    # http.log: only the format from its #fields line knows uri and status_code
    "zeek_http": ("http.log", _text(
        *_ZEEK_HEAD,
        "#path\thttp",
        "#open\t2024-03-05-10-00-00",
        _HTTP_FIELDS,
        "#types\ttime\tstring\taddr\tport\taddr\tport\tcount\tstring\tstring\tstring\tstring\t"
        "string\tstring\tcount\tcount\tcount\tstring",
        "1709633472.100000\tCHhAvVGS1DHFjwGM9\t10.0.0.5\t51234\t93.184.216.34\t80\t1\tGET\t"
        "shop.example\t/items?page=2\t-\t1.1\tcurl/8.0\t0\t5120\t200\tOK",
        "1709633473.200000\tC4J4Th3PJpwUYZZ6gc\t10.0.0.6\t51240\t93.184.216.34\t80\t1\tPOST\t"
        "shop.example\t/login\t-\t1.1\tMozilla/5.0\t42\t0\t403\tForbidden",
        "1709633480.000000\tCUM0KZ3MLUfNB0cl11\t10.0.0.7\t51300\t93.184.216.34\t80\t1\tGET\t"
        "shop.example\t/report\t-\t1.1\tMozilla/5.0\t0\t0\t-\t-",
        "1709633481.000000\tCUM0KZ3MLUfNB0cl12\t10.0.0.7\t51301\t93.184.216.34\t80\t1\tGET\t"
        "shop.example",
        "#close\t2024-03-05-11-00-00",
    )),
}
YEARLESS = {"haproxy_syslog"}


def _lines(case: str) -> list[str]:
    return FILES[case][1].splitlines()


# case -> the format its file is read as
FORMAT_OF = {
    **{case: WEB[case] for case in ("apache_error", "nginx_error", "haproxy", "uwsgi", "aws_elb")},
    "haproxy_syslog": WEB["haproxy"],
    "aws_elb_classic": WEB["aws_elb"],
    "cloudfront": web.CLOUDFRONT,
    "cloudfront_headless": web.CLOUDFRONT,
    "zeek": WEB["zeek"],
    "zeek_conn": web.zeek_format(_CONN_FIELDS),
    "zeek_http": web.zeek_format(_HTTP_FIELDS),
}


def _ok(line, ts, level, raw_level, service, ip, endpoint, message, continuation_lines=0):
    return (line, ts, level, raw_level, service, ip, endpoint, message, continuation_lines, None)


def _bad(line, reason, continuation_lines=0):
    return (line, None, None, None, None, None, None, None, continuation_lines, reason)


def _dt(*args) -> datetime:
    return datetime(*args)


_CF_HOST = "d111111abcdef8.cloudfront.net"
_CONN1 = (
    "10.0.0.5\t51234\t93.184.216.34\t443\ttcp\tssl\t0.250000\t517\t3024\tSF\tT\tF\t0\tShADadFf\t"
    "10\t1049\t9\t3496\t(empty)"
)
_CONN2 = (
    "10.0.0.6\t5353\t224.0.0.251\t5353\tudp\tdns\t-\t-\t-\tS0\tT\tF\t0\tD\t1\t73\t0\t0\t(empty)"
)
_CONN3 = "fe80::1\t135\tff02::1\t136\ticmp\t-\t-\t-\t-\tOTH\tT\tF\t0\t-\t1\t64\t0\t0\t(empty)"

# case -> rows, ordered by line:
# (line, ts, level, raw_level, service, ip, endpoint, message, continuation_lines, reason)
EXPECTED: dict[str, list[tuple]] = {
    "apache_error": [
        # 2.2: no module, the client without a port
        _ok(1, _dt(2000, 10, 11, 14, 32, 52), "ERROR", "error", None, "127.0.0.1", None,
            "client denied by server configuration: /export/home/live/ap/htdocs/test"),
        _ok(2, _dt(2024, 3, 5, 10, 11, 12, 123456), "ERROR", "error", "core", "203.0.113.7", None,
            "AH00126: Invalid URI in request GET /%2e%2e/etc/passwd HTTP/1.1"),
        _ok(3, _dt(2024, 3, 5, 10, 11, 13, 1), "INFO", "notice", "mpm_event", None, None,
            "AH00489: Apache/2.4.58 (Unix) configured -- resuming normal operations"),
        # trace2 is read as trace, which the mapping knows
        _ok(4, _dt(2024, 3, 5, 10, 11, 14, 500000), "DEBUG", "trace", "proxy", None, None,
            "proxy_util.c(2345): AH00942: HTTP: has acquired connection for (127.0.0.1)"),
        _ok(5, _dt(2024, 3, 5, 10, 11, 15), "ERROR", "error", "cgi", "10.0.0.9", None,
            'Traceback (most recent call last):\n  File "/srv/app/views.py", line 12, in '
            "checkout\nZeroDivisionError: division by zero", continuation_lines=2),
        _bad(8, "unparseable timestamp: Feb 30 10:11:16.000000 2024"),
        _bad(9, "empty message"),
    ],
    "nginx_error": [
        _ok(1, _dt(2024, 3, 5, 10, 11, 12), "ERROR", "error", "shop.example", "203.0.113.7",
            "/favicon.ico",
            'open() "/usr/share/nginx/html/favicon.ico" failed (2: No such file or directory)'),
        _ok(2, _dt(2024, 3, 5, 10, 11, 13), "INFO", "notice", None, None, None,
            "signal process started"),
        # the client and request are on a continuation line: the first line has no fields
        _ok(3, _dt(2024, 3, 5, 10, 11, 14), "ERROR", "error", None, None, None,
            'FastCGI sent in stderr: "PHP message: PHP Fatal error:  Uncaught Exception: boom '
            'in /srv/index.php:3\nStack trace:\n#0 {main}" while reading response header from '
            'upstream, client: 203.0.113.8, server: shop.example, request: "POST /checkout?step=2'
            ' HTTP/2.0", upstream: "fastcgi://unix:/run/php-fpm.sock:", host: "shop.example"',
            continuation_lines=2),
        # an empty server name is no service
        _ok(6, _dt(2024, 3, 5, 10, 11, 15), "WARN", "warn", None, "2001:db8::5", "/export.csv",
            "an upstream response is buffered to a temporary file "
            "/var/cache/nginx/proxy_temp/1/00/0000000001 while reading upstream"),
        _bad(7, "unparseable timestamp: 2024/03/05 25:11:16"),
    ],
    "haproxy": [
        # service = the backend; the accept date is the time
        _ok(1, _dt(2024, 3, 5, 10, 11, 12, 123000), "INFO", "200", "app", "10.0.0.1",
            "/api/items", "GET /api/items?page=2 HTTP/1.1"),
        _ok(2, _dt(2024, 3, 5, 10, 11, 13, 456000), "ERROR", "503", "app", "10.0.0.2", "/health",
            "GET /health HTTP/1.1"),
        _ok(3, _dt(2024, 3, 5, 10, 11, 14), "ERROR", "504", "app", "10.0.0.3", "/api/orders",
            "POST /api/orders HTTP/1.1"),
        # a TCP log line: no status, no level; the whole line is the message
        _ok(4, _dt(2024, 3, 5, 10, 11, 15, 250000), "UNKNOWN", None, "db", "10.0.0.4", None,
            "10.0.0.4:40000 [05/Mar/2024:10:11:15.250] db-in db/pg1 1/0/5007 212 -- 1/1/1/1/0 "
            "0/0"),
        _bad(5, "does not match the haproxy format"),
        _ok(6, _dt(2024, 3, 5, 10, 11, 16), "WARN", "400", "app", "10.0.0.5", None, "<BADREQ>"),
        _bad(7, "unparseable timestamp: 31/Feb/2024:10:11:17.000"),
    ],
    "haproxy_syslog": [
        _ok(1, _dt(2024, 3, 5, 10, 11, 11, 900000), "INFO", "200", "app", "10.0.0.1",
            "/api/items", "GET /api/items HTTP/1.1"),
        # haproxy's own message: the syslog time (year from the mtime), no level
        _ok(2, _dt(2024, 3, 5, 10, 11, 20), "UNKNOWN", None, None, None, None,
            "Server app/web2 is DOWN, reason: Layer4 timeout, check duration: 2001ms. 1 active "
            "and 0 backup servers left."),
        _ok(3, _dt(2024, 3, 5, 10, 11, 21, 5000), "INFO", "302", "app", "10.0.0.2", "/login",
            "GET /login HTTP/1.1"),
        _bad(4, "does not match the haproxy format"),
    ],
    "uwsgi": [
        _ok(1, _dt(2024, 3, 5, 10, 11, 12), "INFO", "200", None, "86.221.170.65",
            "/contest/log_presence/", "GET /contest/log_presence/?_=1325592089910"),
        _ok(2, _dt(2024, 3, 5, 10, 11, 13), "ERROR", "500", None, "10.0.0.8", "/api/upload",
            "POST /api/upload"),
        _ok(3, _dt(2024, 3, 5, 10, 11, 14), "INFO", "200", None, "86.221.170.65",
            "/static/app.js", "GET /static/app.js"),
        _bad(4, "does not match the uwsgi format"),
        _bad(5, "unparseable timestamp: Tue Mar 32 10:11:15 2024"),
    ],
    "aws_elb": [
        # service = the load balancer; the endpoint loses the absolute URL's scheme and host
        _ok(1, _dt(2024, 3, 5, 10, 11, 12, 123456), "INFO", "200", "app/shop-alb/50dc6c495c0c9188",
            "192.168.131.39", "/api/items",
            "GET http://shop.example:80/api/items?page=2 HTTP/1.1"),
        # no target answered: the load balancer's 502
        _ok(2, _dt(2024, 3, 5, 10, 11, 13, 1), "ERROR", "502", "app/shop-alb/50dc6c495c0c9188",
            "192.168.131.40", "/checkout", "POST https://shop.example:443/checkout HTTP/1.1"),
        _ok(3, _dt(2024, 3, 5, 10, 11, 14, 500000), "INFO", "101",
            "app/shop-alb/50dc6c495c0c9188", "10.0.0.140", "/socket",
            "GET https://10.0.0.30:443/socket HTTP/1.1"),
        _bad(4, "does not match the aws_elb format"),
        _bad(5, "unparseable timestamp: 2024-13-05T10:11:16.000000Z"),
    ],
    "aws_elb_classic": [
        _ok(1, _dt(2024, 3, 5, 10, 11, 12, 123456), "INFO", "200", "shop-elb", "192.168.131.39",
            "/", "GET http://shop.example:80/ HTTP/1.1"),
        _ok(2, _dt(2024, 3, 5, 10, 11, 13), "ERROR", "504", "shop-elb", "192.168.131.39",
            "/slow", "GET http://shop.example:80/slow HTTP/1.1"),
        # a TCP listener's line: no status (level unknown), no request
        _ok(3, _dt(2024, 3, 5, 10, 11, 14), "UNKNOWN", "-", "shop-elb", "192.168.131.39", None,
            "- - -"),
        _ok(4, _dt(2024, 3, 5, 10, 11, 15), "WARN", "403", "shop-elb", "192.168.131.39",
            "/admin", "GET https://shop.example:443/admin HTTP/1.1"),
        _bad(5, "does not match the aws_elb format"),
    ],
    "cloudfront": [
        # message = method, distribution host and uri (three adjacent columns)
        _ok(3, _dt(2024, 3, 5, 10, 11, 12), "INFO", "200", _CF_HOST, "198.51.100.7",
            "/index.html", f"GET\t{_CF_HOST}\t/index.html"),
        _ok(4, _dt(2024, 3, 5, 10, 11, 13), "ERROR", "502", _CF_HOST, "198.51.100.8",
            "/api/cart", f"GET\t{_CF_HOST}\t/api/cart"),
        _ok(5, _dt(2024, 3, 5, 10, 11, 14), "WARN", "403", _CF_HOST, "2001:db8::9",
            "/api/login", f"POST\t{_CF_HOST}\t/api/login"),
        _bad(6, "does not match the cloudfront format"),
        _bad(7, "unparseable timestamp: 2024-03-05 25:11:16"),
    ],
    "cloudfront_headless": [
        _ok(1, _dt(2024, 3, 5, 10, 11, 12), "INFO", "200", _CF_HOST, "198.51.100.7",
            "/index.html", f"GET\t{_CF_HOST}\t/index.html"),
        _ok(2, _dt(2024, 3, 5, 10, 11, 13), "WARN", "404", _CF_HOST, "198.51.100.8",
            "/missing", f"GET\t{_CF_HOST}\t/missing"),
    ],
    "zeek": [
        # epoch seconds; message = the columns after ts and uid; no level
        _ok(1, _dt(2024, 3, 5, 10, 11, 12, 123456), "UNKNOWN", None, None, "10.0.0.5", None,
            _CONN1),
        _ok(2, _dt(2024, 3, 5, 10, 11, 13, 1), "UNKNOWN", None, None, "10.0.0.6", None, _CONN2),
        _ok(3, _dt(2024, 3, 5, 10, 11, 20, 500000), "UNKNOWN", None, None, "fe80::1", None,
            _CONN3),
        _bad(4, "does not match the zeek format"),
    ],
    "zeek_conn": [
        _ok(9, _dt(2024, 3, 5, 10, 11, 12, 123456), "UNKNOWN", None, None, "10.0.0.5", None,
            _CONN1),
        _ok(10, _dt(2024, 3, 5, 10, 11, 13, 1), "UNKNOWN", None, None, "10.0.0.6", None, _CONN2),
        _ok(11, _dt(2024, 3, 5, 10, 11, 20, 500000), "UNKNOWN", None, None, "fe80::1", None,
            _CONN3),
        _bad(12, "does not match the zeek format"),
    ],
    "zeek_http": [
        _ok(9, _dt(2024, 3, 5, 10, 11, 12, 100000), "INFO", "200", None, "10.0.0.5", "/items",
            "GET\tshop.example\t/items?page=2"),
        _ok(10, _dt(2024, 3, 5, 10, 11, 13, 200000), "WARN", "403", None, "10.0.0.6", "/login",
            "POST\tshop.example\t/login"),
        _ok(11, _dt(2024, 3, 5, 10, 11, 20), "UNKNOWN", "-", None, "10.0.0.7", "/report",
            "GET\tshop.example\t/report"),
        _bad(12, "does not match the zeek format"),
    ],
}


@pytest.fixture(scope="module")
def read_back(spark, tmp_path_factory):
    """(file name -> detected format, file name -> its rows ordered by line): one read."""
    found, rows = read_folder_rows(
        spark, tmp_path_factory.mktemp("web_formats"), FILES.values(),
        dated=[FILES[case][0] for case in YEARLESS], mtime=MTIME)
    return {name: f.text_format for name, f in found.items()}, rows


def test_every_web_format_has_a_file():
    assert {fmt.name for fmt in FORMAT_OF.values()} == set(WEB)
    assert set(EXPECTED) == set(FILES) == set(FORMAT_OF)


@pytest.mark.parametrize("case", sorted(FILES))
def test_web_format_rows(read_back, case):
    detected, rows = read_back
    name = FILES[case][0]
    assert detected[name] == FORMAT_OF[case]
    assert rows.get(name, []) == EXPECTED[case]


@pytest.mark.parametrize("case", sorted(FILES))
def test_detected_from_the_head_alone(case):
    assert detect_text_format(_lines(case)) == FORMAT_OF[case]


def test_header_formats():
    assert web.header_formats(_lines("cloudfront")) == [web.CLOUDFRONT]
    assert web.header_formats(_lines("zeek_conn")) == [web.zeek_format(_CONN_FIELDS)]
    assert web.header_formats(_lines("zeek")) == []
    # another W3C layout is the W3C format's business
    assert web.header_formats(["#Fields: date time c-ip cs-uri-stem sc-status"]) == []
    assert web.header_formats(["no header"]) == []
    with pytest.raises(ValueError):
        web.zeek_format("#fields\tuid\tid.orig_h")
    # conn.log reads the same with the static format and the one from its #fields line
    static, derived = WEB["zeek"], web.zeek_format(_CONN_FIELDS)
    for line in _CONN_LINES:
        assert _groups(static, line) == _groups(derived, line), line


def _groups(fmt, line: str) -> dict[str, str] | None:
    """Field -> value as the reader resolves it (first non-empty of field, field2, ...)."""
    from logdesk.engine.formats.model import FIELD_GROUPS

    m = re.match(fmt.pattern, line, re.ASCII)
    if m is None:
        return None
    return {
        field: next(m.group(n) for n in fmt.field_groups(field) if m.group(n))
        for field in FIELD_GROUPS
        if any(m.group(n) for n in fmt.field_groups(field))
    }


def test_first_lines_with_a_comma_are_not_taken_for_csv(tmp_path):
    cases = [c for c in FILES if "," in _lines(c)[0]]
    assert {"nginx_error", "cloudfront_headless"} <= set(cases)
    for case in cases:
        name, content = FILES[case]
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        (found,) = discover_inputs(path)
        assert found.format == FORMAT_TEXT, case
        assert found.text_format == FORMAT_OF[case], case


def _records(fmt, lines: list[str]) -> int:
    skip = re.compile(fmt.skip) if fmt.skip else None
    body = [line for line in lines if line.strip() and not (skip and skip.match(line))]
    return sum(1 for line in body if re.match(fmt.pattern, line, re.ASCII))


def test_core_example_files_keep_their_format():
    from test_builtin_formats_read import FILES as CORE_FILES

    for core_name, (_, content) in CORE_FILES.items():
        lines = content.splitlines()
        found = detect_text_format(lines)
        assert found is not None and found.name == core_name
        # not even a tie that a hook could turn: no web format reads any of their lines
        mine = [*web.FORMATS, *web.header_formats(lines)]
        assert {f.name: _records(f, lines) for f in mine} == {f.name: 0 for f in mine}, core_name


def test_web_formats_are_built_in_and_valid():
    from logdesk.config_loader import datetime_pattern_problem
    from logdesk.engine.formats.model import java_pattern

    java_name = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
    for fmt in (*web.FORMATS, web.zeek_format(_HTTP_FIELDS)):
        assert fmt in BUILTIN_FORMATS or fmt.name == "zeek", fmt.name
        assert all(java_name.match(g) for g in fmt.groups()), fmt.name
        assert "(?P" not in java_pattern(fmt.pattern), fmt.name
        assert fmt.skip is None or fmt.skip.startswith("^"), fmt.name  # rlike finds anywhere
        if fmt.timestamp_pattern:
            assert datetime_pattern_problem(fmt.timestamp_pattern) is None, fmt.name
    assert set(web.REFINES) <= set(WEB)
