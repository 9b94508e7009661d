"""Writes resources/eval/templates_labelled.csv: error messages in several real-world styles,
each labelled with the event it is an instance of (group), for build_scripts/eval_templates.py.

Deterministic (fixed seed). Variable parts are filled from pools of ids, numbers, addresses,
paths, user, host and table names; some events differ from each other by one constant word only
("Connection refused" / "Connection reset"), which is where template miners over-merge.
"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "resources" / "eval" / "templates_labelled.csv"

USERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
         "mallory", "oscar", "peggy", "trent", "victor", "walter"]
TABLES = ["orders", "customers", "invoices", "payments", "sessions", "audit_log", "products"]
SERVICES = ["billing", "checkout", "inventory", "search", "auth", "gateway", "notifier"]
NAMESPACES = ["default", "prod", "staging", "kube-system", "monitoring"]
BUCKETS = ["logs-archive", "user-uploads", "backups", "static-assets", "ml-models"]
QUEUES = ["emails", "payments", "thumbnails", "exports"]
REGIONS = ["us-east-1", "eu-west-1", "ap-south-1"]


def ip(r: random.Random) -> str:
    return ".".join(str(r.randint(1, 254)) for _ in range(4))


def hexid(r: random.Random, n: int = 12) -> str:
    return "".join(r.choice("0123456789abcdef") for _ in range(n - 1)) + r.choice("abcdef")


def uuid(r: random.Random) -> str:
    h = hexid(r, 32)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def path(r: random.Random) -> str:
    return "/" + "/".join(r.choice(["var", "data", "srv", "opt", "tmp", "home", "app", "cache"])
                          for _ in range(r.randint(2, 4))) + f"/{r.choice(['a', 'b', 'c'])}{r.randint(1, 99)}.dat"


def pod(r: random.Random) -> str:
    return f"{r.choice(SERVICES)}-{hexid(r, 10)}-{hexid(r, 5)}"


# (group, style, generator); a generator returns one message
EVENTS = [
    # Java / log4j exceptions
    ("java_npe", lambda r: f"java.lang.NullPointerException: Cannot invoke \"String.length()\" because \"{r.choice(['name', 'value', 'key'])}\" is null"),
    ("java_sql_timeout", lambda r: f"java.sql.SQLTimeoutException: Query timed out after {r.randint(5, 60)} seconds on table {r.choice(TABLES)}"),
    ("java_conn_refused", lambda r: f"java.net.ConnectException: Connection refused (Connection refused) to {ip(r)}:{r.randint(1000, 9999)}"),
    ("java_socket_timeout", lambda r: f"java.net.SocketTimeoutException: Read timed out after {r.randint(100, 30000)} ms"),
    ("java_oom", lambda r: "java.lang.OutOfMemoryError: Java heap space"),
    ("java_file_not_found", lambda r: f"java.io.FileNotFoundException: {path(r)} (No such file or directory)"),
    ("java_illegal_state", lambda r: f"java.lang.IllegalStateException: Order {r.randint(10000, 99999)} is already {r.choice(['closed'])}"),
    ("java_task_failed", lambda r: f"Task {r.randint(1, 500)} in stage {r.randint(1, 40)}.0 failed {r.randint(1, 4)} times; aborting job"),
    # HTTP / nginx
    ("nginx_upstream_timeout", lambda r: f"upstream timed out (110: Connection timed out) while reading response header from upstream, client: {ip(r)}, server: api.example.com, request: \"GET /api/v1/orders/{r.randint(1, 9999)} HTTP/1.1\""),
    ("nginx_connect_refused", lambda r: f"connect() failed (111: Connection refused) while connecting to upstream, client: {ip(r)}, server: api.example.com"),
    ("nginx_no_file", lambda r: f"open() \"{path(r)}\" failed (2: No such file or directory), client: {ip(r)}"),
    ("http_500", lambda r: f"HTTP 500 Internal Server Error for {r.choice(['GET', 'POST', 'PUT'])} /api/v{r.randint(1, 3)}/{r.choice(SERVICES)}/{r.randint(1, 999)} in {r.randint(3, 900)} ms"),
    ("http_503", lambda r: f"Upstream service {r.choice(SERVICES)} returned 503 Service Unavailable after {r.randint(1, 5)} retries"),
    ("http_bad_gateway", lambda r: f"Bad gateway: no healthy upstream for host {r.choice(SERVICES)}.internal"),
    # databases
    ("pg_deadlock", lambda r: f"ERROR: deadlock detected; Process {r.randint(1000, 40000)} waits for ShareLock on transaction {r.randint(100000, 999999)}"),
    ("pg_dup_key", lambda r: f"duplicate key value violates unique constraint \"{r.choice(TABLES)}_pkey\""),
    ("pg_auth_failed", lambda r: f"FATAL: password authentication failed for user {r.choice(USERS)}"),
    ("pg_too_many", lambda r: "FATAL: sorry, too many clients already"),
    ("mysql_lock_wait", lambda r: f"Lock wait timeout exceeded; try restarting transaction on table {r.choice(TABLES)}"),
    ("mysql_gone_away", lambda r: f"MySQL server has gone away (errno {r.randint(2000, 2013)})"),
    ("db_pool_exhausted", lambda r: f"Connection pool exhausted: {r.randint(10, 50)} of {r.randint(50, 100)} connections in use, waited {r.randint(1, 30)} s"),
    # Kubernetes / containers
    ("k8s_backoff", lambda r: f"Back-off restarting failed container {r.choice(SERVICES)} in pod {pod(r)}_{r.choice(NAMESPACES)}({uuid(r)})"),
    ("k8s_pull", lambda r: f"Failed to pull image \"registry.example.com/{r.choice(SERVICES)}:{r.randint(1, 9)}.{r.randint(0, 20)}\": rpc error: code = NotFound desc = manifest unknown"),
    ("k8s_oomkilled", lambda r: f"Container {r.choice(SERVICES)} in pod {pod(r)} was OOMKilled (exit code 137)"),
    ("k8s_probe", lambda r: f"Liveness probe failed: Get \"http://{ip(r)}:{r.randint(8000, 9000)}/healthz\": context deadline exceeded"),
    ("k8s_evicted", lambda r: f"Pod {pod(r)} evicted: The node was low on resource: memory"),
    ("k8s_mount", lambda r: f"MountVolume.SetUp failed for volume \"{r.choice(['config', 'secrets', 'data'])}\" : secret \"{r.choice(SERVICES)}-tls\" not found"),
    # Python tracebacks, last lines
    ("py_keyerror", lambda r: f"KeyError: '{r.choice(['user_id', 'amount', 'currency', 'email'])}'"),
    ("py_valueerror", lambda r: f"ValueError: invalid literal for int() with base 10: '{r.choice(USERS)}'"),
    ("py_conn_error", lambda r: f"ConnectionError: HTTPSConnectionPool(host='{r.choice(SERVICES)}.example.com', port=443): Max retries exceeded with url: /v1/items/{r.randint(1, 999)}"),
    ("py_attr", lambda r: "AttributeError: 'NoneType' object has no attribute 'get'"),
    ("py_zero", lambda r: "ZeroDivisionError: division by zero"),
    ("py_timeout", lambda r: f"TimeoutError: operation on queue {r.choice(QUEUES)} timed out after {r.randint(1, 120)}s"),
    # syslog / sshd / kernel
    ("sshd_failed_pw", lambda r: f"Failed password for {r.choice(USERS)} from {ip(r)} port {r.randint(1024, 65535)} ssh2"),
    ("sshd_invalid_user", lambda r: f"Failed password for invalid user {r.choice(USERS)} from {ip(r)} port {r.randint(1024, 65535)} ssh2"),
    ("sshd_auth_failure", lambda r: f"pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={ip(r)} user={r.choice(USERS)}"),
    ("sshd_disconnect", lambda r: f"Received disconnect from {ip(r)} port {r.randint(1024, 65535)}:11: Bye Bye [preauth]"),
    ("sshd_max_auth", lambda r: f"error: maximum authentication attempts exceeded for {r.choice(USERS)} from {ip(r)} port {r.randint(1024, 65535)} ssh2 [preauth]"),
    ("kernel_oom", lambda r: f"Out of memory: Killed process {r.randint(100, 60000)} ({r.choice(['java', 'python3', 'postgres', 'node'])}) total-vm:{r.randint(100000, 9000000)}kB, anon-rss:{r.randint(10000, 900000)}kB"),
    ("kernel_io", lambda r: f"blk_update_request: I/O error, dev sd{r.choice('abc')}, sector {r.randint(1000, 99999999)} op 0x0:(READ) flags 0x0 phys_seg 1 prio class 0"),
    ("kernel_segfault", lambda r: f"{r.choice(['nginx', 'php-fpm', 'worker'])}[{r.randint(100, 60000)}]: segfault at {hexid(r, 12)} ip {hexid(r, 16)} sp {hexid(r, 16)} error 4 in libc.so.6[{hexid(r, 12)}+{hexid(r, 6)}]"),
    ("cron_failed", lambda r: f"CRON[{r.randint(100, 60000)}]: (root) FAILED to open PAM security session: Resource temporarily unavailable"),
    # cloud SDK errors
    ("aws_access_denied", lambda r: f"An error occurred (AccessDenied) when calling the PutObject operation: Access Denied for bucket {r.choice(BUCKETS)}"),
    ("aws_throttle", lambda r: f"An error occurred (ThrottlingException) when calling the DescribeInstances operation (reached max retries: {r.randint(2, 9)}): Rate exceeded"),
    ("aws_no_such_key", lambda r: f"An error occurred (NoSuchKey) when calling the GetObject operation: The specified key does not exist. key={r.choice(BUCKETS)}/{hexid(r)}.json"),
    ("gcp_quota", lambda r: f"google.api_core.exceptions.ResourceExhausted: 429 Quota exceeded for quota metric 'Write requests' in region {r.choice(REGIONS)}"),
    ("azure_auth", lambda r: f"azure.core.exceptions.ClientAuthenticationError: Authentication failed for tenant {uuid(r)}"),
    # application messages differing by one constant word (the hard case)
    ("app_conn_refused", lambda r: f"Connection refused by {r.choice(SERVICES)} at {ip(r)}:{r.randint(1000, 9999)} for user {r.choice(USERS)}"),
    ("app_conn_reset", lambda r: f"Connection reset by {r.choice(SERVICES)} at {ip(r)}:{r.randint(1000, 9999)} for user {r.choice(USERS)}"),
    ("app_login_failed", lambda r: f"Login failed for user {r.choice(USERS)}: invalid credentials"),
    ("app_login_locked", lambda r: f"Login failed for user {r.choice(USERS)}: account locked"),
    ("app_payment_declined", lambda r: f"Payment {uuid(r)} declined by provider {r.choice(['stripe', 'adyen', 'paypal'])}: insufficient funds"),
    ("app_queue_full", lambda r: f"Queue {r.choice(QUEUES)} is full ({r.randint(1000, 5000)} messages), dropping message {uuid(r)}"),
    ("app_cache_miss", lambda r: f"Cache backend unreachable at {ip(r)}:6379 after {r.randint(1, 5)} attempts"),
]


def main() -> int:
    r = random.Random(20261129)
    rows = []
    for group, make in EVENTS:
        for _ in range(r.randint(6, 12)):
            rows.append((make(r), group))
    r.shuffle(rows)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["message", "group"])
        w.writerows(rows)
    print(f"{len(rows)} messages in {len(EVENTS)} groups -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
