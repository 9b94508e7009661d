"""The systems family (logdesk/engine/formats/systems.py) read end to end: a small file per
format, written here, goes through discovery and the readers once; each test checks one file's
detected format and its exact rows, as tests/engine/test_builtin_formats_read.py does for the
core family (whose helpers and example files are reused).

Expectations are worked out by hand from the lines below, not from the code under test.
Timestamps are UTC (the test session's zone). Yearless formats take their year from the file's
mtime, 2024-06-15 12:00 UTC: a December time lies after it and rolls back to 2023. strace -tt
times have no date: they take the mtime's (a time later than 12:00 would be the day before)."""

from __future__ import annotations


import pytest
from test_builtin_formats_read import FILES as CORE_FILES
from test_builtin_formats_read import MTIME, _bad, _dt, _ok

from logdesk.engine import text_formats
from logdesk.engine.formats import core, systems
from logdesk.engine.text_formats import detect_text_format
from format_files import read_folder_rows

E = "\x1b"  # ANSI escape, as coloured terminal output writes it

# format name -> (file name, content)
FILES: dict[str, tuple[str, str]] = {
    "windows_cbs": (
        "CBS.log",
        (
            "2024-03-05 10:11:12, Info                  CBS    Starting TrustedInstaller "
            "initialization.\n"
            "2024-03-05 10:11:12, Info                  CSI    00000001@2024/3/5:10:11:12.345 "
            "WcpInitialize called\n"
            "2024-03-05 10:11:13, Warning               CBS    Failed to get next element "
            "[HRESULT = 0x800f080d - CBS_E_MANIFEST_INVALID_ITEM]\n"
            "2024-03-05 10:11:14, Error                 CBS    Failed to resolve package "
            "[HRESULT = 0x800f081f - CBS_E_SOURCE_MISSING]\n"
            "[l:36 ml:37]'Corrupt payload'\n"
            "2024-03-05 10:11:15, Info                  DISM   DISM Provider Store: PID=1234 "
            "TID=5678 Getting the collection of providers\n"
            "2024-02-30 10:11:16, Info                  CBS    bad day\n"
            "2024-03-05 10:11:17, Info                  CBS\n"
        ),
    ),
    "hdfs": (
        "hdfs.log",
        (
            "240305 101112 148 INFO dfs.DataNode$PacketResponder: PacketResponder 2 for block "
            "blk_-4711 terminating\n"
            "240305 101113 35 INFO dfs.FSNamesystem: BLOCK* NameSystem.addStoredBlock: "
            "blockMap updated\n"
            "240305 101114 222 WARN dfs.DataNode$DataXceiver: Got exception while serving "
            "blk_4711\n"
            "java.io.IOException: Connection reset by peer\n"
            "\tat sun.nio.ch.FileDispatcher.read0(Native Method)\n"
            "240305 101115 13 ERROR dfs.DataNode: \n"
            "241305 101116 13 INFO dfs.DataNode: bad month\n"
        ),
    ),
    "spark": (
        "spark.log",
        (
            "Using Spark's default log4j profile: org/apache/spark/log4j2-defaults.properties\n"
            "24/03/05 10:11:12 INFO SparkContext: Running Spark version 3.5.1\n"
            "24/03/05 10:11:13 WARN NativeCodeLoader: Unable to load native-hadoop library for "
            "your platform\n"
            "24/03/05 10:11:20 ERROR Executor: Exception in task 0.0 in stage 1.0 (TID 1)\n"
            "java.lang.ArithmeticException: / by zero\n"
            "\tat Job$.main(Job.scala:5)\n"
            "24/03/05 10:11:21 INFO DAGScheduler: Job 0 finished: count at Job.scala:9, took "
            "0.5 s\n"
            "24/02/30 10:11:22 INFO SparkContext: bad day\n"
        ),
    ),
    "zookeeper": (
        "zookeeper.log",
        (
            "2024-03-05 10:11:12,123 [myid:1] - INFO  [main:QuorumPeerConfig@174] - Reading "
            "configuration from: /conf/zoo.cfg\n"
            "2024-03-05 10:11:12,456 [myid:1] - WARN  [QuorumPeer[myid=1](plain=0.0.0.0:2181)"
            "(secure=disabled):QuorumCnxManager@400] - Cannot open channel to 2 at election "
            "address zk2/10.0.0.12:3888\n"
            "java.net.ConnectException: Connection refused\n"
            "\tat java.base/sun.nio.ch.Net.connect0(Native Method)\n"
            "2024-03-05 10:11:13,000 - ERROR [CommitProcessor:1:NIOServerCnxn@360] - Unexpected "
            "exception causing shutdown\n"
            "2024-03-05 10:11:14,000 [myid:] - INFO  [NIOWorkerThread-3:NIOServerCnxn@518] - "
            "Processing srvr command from /127.0.0.1:49034\n"
            "2024-03-05 10:11:61,000 [myid:1] - DEBUG [main:Slow@1] - bad second\n"
        ),
    ),
    "hadoop": (
        "hadoop-hdfs-namenode-nn1.log",
        (
            "2024-03-05 10:11:12,001 INFO org.apache.hadoop.hdfs.server.namenode.NameNode: "
            "STARTUP_MSG: \n"
            "/************************************************************\n"
            "STARTUP_MSG: Starting NameNode\n"
            "STARTUP_MSG:   host = nn1.example.com/10.0.0.5\n"
            "************************************************************/\n"
            "2024-03-05 10:11:13,500 WARN org.apache.hadoop.util.NativeCodeLoader: Unable to "
            "load native-hadoop library for your platform\n"
            "2024-03-05 10:11:14,000 ERROR org.apache.hadoop.hdfs.server.namenode.FSNamesystem: "
            "FSNamesystem initialization failed.\n"
            "java.io.IOException: NameNode is not formatted.\n"
            "2024-03-05 10:11:15,000 FATAL org.apache.hadoop.hdfs.server.namenode.NameNode: "
            "Failed to start namenode.\n"
            "2024-03-32 10:11:17,000 INFO org.apache.hadoop.ipc.Server: bad day\n"
        ),
    ),
    "logcat_brief": (
        "logcat_brief.log",
        (
            "--------- beginning of main\n"
            "I/ActivityManager(  612): Start proc com.example for activity\n"
            "E/AndroidRuntime( 1234): FATAL EXCEPTION: main\n"
            "W/Choreographer   ( 1234): Skipped 30 frames!\n"
            "\tat com.example.Main.onCreate(Main.java:10)\n"
        ),
    ),
    "logcat_time": (
        "logcat_time.log",
        (
            "--------- beginning of system\n"
            "03-05 10:11:12.123 I/ActivityManager(  612): Start proc 1234:com.example/u0a12\n"
            "03-05 10:11:13.000 E/AndroidRuntime( 1234): FATAL EXCEPTION: main\n"
            "12-31 23:59:59.999 W/Choreographer( 1234): Skipped 30 frames!\n"
            "\tat com.example.Main.onCreate(Main.java:10)\n"
            "02-30 10:00:00.000 D/Tag( 1): bad day\n"
        ),
    ),
    "logcat_dated": (
        "logcat_year.log",
        (
            "2024-03-05 10:11:12.123  1234  1250 I ActivityManager: Start proc\n"
            "2024-03-05 10:11:13.456  1234  1250 E AndroidRuntime: FATAL EXCEPTION: main\n"
            "1709633474.789  1234  1250 W Tag: epoch seconds\n"
            "2024-03-05 10:11:15.000 D/Tag( 99): time layout with a year\n"
            "2024-03-05 25:11:16.000  1234  1250 I Tag: bad hour\n"
            "not a logcat line\n"
        ),
    ),
    "strace": (
        "strace.log",
        (
            '4242  10:11:12.000100 execve("/usr/bin/cat", ["cat", "/etc/x"], 0x7ffd /* 20 vars '
            "*/) = 0\n"
            '4242  10:11:12.000200 openat(AT_FDCWD, "/etc/x", O_RDONLY) = -1 ENOENT (No such '
            "file or directory) <0.000011>\n"
            "4242  10:11:12.000300 read(3,  <unfinished ...>\n"
            '4243  10:11:12.000400 write(1, "hi\\n", 3) = 3\n'
            '4242  10:11:12.000500 <... read resumed>"", 4096) = -1 EINTR (Interrupted system '
            "call)\n"
            "4242  10:11:12.000600 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, "
            "si_pid=4243} ---\n"
            "4242  10:11:12.000700 +++ exited with 1 +++\n"
            "cat: /etc/x: No such file or directory\n"
        ),
    ),
    "dpkg": (
        "dpkg.log",
        (
            "2024-03-05 10:11:12 startup archives unpack\n"
            "2024-03-05 10:11:12 upgrade libssl3:amd64 3.0.2-0ubuntu1.14 3.0.2-0ubuntu1.15\n"
            "2024-03-05 10:11:12 status half-configured libssl3:amd64 3.0.2-0ubuntu1.14\n"
            "2024-03-05 10:11:14 configure libssl3:amd64 3.0.2-0ubuntu1.15 <none>\n"
            "2024-03-05 10:11:14 status installed libssl3:amd64 3.0.2-0ubuntu1.15\n"
            "2024-03-05 10:11:15 trigproc libc-bin:amd64 2.35-0ubuntu3.6 <none>\n"
            "2024-03-05 10:11:16 conffile /etc/ssl/openssl.cnf keep\n"
            "Log started: 2024-03-05  10:11:17\n"
            "2024-03-05 25:00:00 remove foo:all 1.0 <none>\n"
        ),
    ),
    "docker_compose": (
        "compose.log",
        (
            "Attaching to api-1, db_1, redis-1, web-1\n"
            "web-1    | 2024-03-05T10:11:12.123456789Z  * Serving Flask app 'app'\n"
            "web-1    | 2024-03-05T10:11:12.223456789Z WARNING: This is a development server.\n"
            f"{E}[36mredis-1  |{E}[0m 2024-03-05T10:11:13.000000000Z 1:M 05 Mar 2024 "
            "10:11:13.000 * Ready to accept connections\n"
            "db_1     | 2024-03-05T10:11:14Z 2024-03-05 10:11:14,000 ERROR [main] boom\n"
            "web-1    | no timestamp here\n"
            "api-1    | 2024-03-05T10:11:16Z E0305 10:11:16.000000       1 main.go:42] klog "
            "style failure\n"
            "web-1 exited with code 0\n"
            "web-1    | 2024-03-05T25:00:00Z bad hour\n"
        ),
    ),
    "lanl_hpc": (
        "hpc.log",
        (
            '134681 node-246 unix.hw state_change.unavailable 1709633472 1 Component State '
            'Change: Component "alt0" is in the unavailable state\n'
            "2286759 full partition status 1709633473 -1 running\n"
            "460 node-12 boot_cmd new 1709633474 0\n"
            "this is not an HPC line\n"
            "12 node-1 unix.hw x 170963347 1 nine-digit epoch\n"
        ),
    ),
    "sandia_hpc": (
        "thunderbird.log",
        (
            "- 1709633472 2024.03.05 dn228 Mar 5 10:11:12 dn228/dn228 crond(pam_unix)[2915]: "
            "session closed for user root\n"
            "VAPI 1709633473 2024.03.05 tbird-sm1 Mar 5 10:11:13 src@tbird-sm1 ib_sm.x[24904]: "
            "[ib_sm_sweep.c:1455]: No topology change\n"
            "- 1709633474 2024.03.05 tbird-admin1 Mar 5 10:11:14 local@tbird-admin1 scsi0 : LSI "
            "Logic MegaRAID driver\n"
            "- 1709633475 2024.03.05 R02-M1-N0-C:J12-U11 2024-03-05-10.11.15.675872 "
            "R02-M1-N0-C:J12-U11 RAS KERNEL INFO instruction cache parity error corrected\n"
            "APPREAD 1709633476 2024.03.05 R33-M0-NC-I:J18-U01 2024-03-05-10.11.16.000000 "
            "R33-M0-NC-I:J18-U01 RAS APP FATAL ciod: failed to read message prefix\n"
            "garbage line\n"
        ),
    ),
    "cri": (
        "shop_default_web-0123abcd.log",
        (
            "2024-03-05T10:11:12.123456789Z stdout F Starting server on :8080\n"
            "2024-03-05T10:11:13.000000000Z stderr F ERROR could not reach db\n"
            '2024-03-05T10:11:14.000000000Z stdout P {"level":"info","msg":"a very long li\n'
            '2024-03-05T10:11:14.000000001Z stdout F ne, finished"}\n'
            "2024-03-05T10:11:15.5+01:00 stderr F I0305 09:11:15.500000       1 leader.go:1] "
            "became leader\n"
            "2024-03-05T10:11:16.000000000Z stdout F \n"
            "this line was not written by the runtime\n"
            "2024-03-05T10:11:17.000000000Z stdout F [WARN] disk 91% full\n"
        ),
    ),
}

# more files of a format, for its variants: file name -> (format name, content)
VARIANTS: dict[str, tuple[str, str]] = {
    # CRI partial lines: pieces joined up to the F line of the same stream, across the other
    # stream's lines
    "kube_partial.log": (
        "cri",
        "2024-03-05T10:11:12.000000000Z stdout P ERROR first part, \n"
        "2024-03-05T10:11:12.000000001Z stdout P second part, \n"
        "2024-03-05T10:11:12.000000002Z stdout F last part\n"
        "2024-03-05T10:11:13.000000000Z stdout P WARN cut off by \n"
        "2024-03-05T10:11:13.500000000Z stderr F E0305 10:11:13.500000 1 x.go:1] other stream\n"
        "2024-03-05T10:11:14.000000000Z stdout F the rest\n"
        "2024-03-05T10:11:15.000000000Z stdout P dangling piece\n"
        "not a runtime line\n"
        "2024-03-05T10:11:16.000000000Z stderr P [ERROR] a stderr piece \n"
        "2024-03-05T10:11:16.000000001Z stderr F and its end\n",
    ),
    # strace -ttt without -f: epoch times, no pid
    "strace_ttt.log": (
        "strace",
        (
            '1709633472.000100 openat(AT_FDCWD, "/etc/hosts", O_RDONLY|O_CLOEXEC) = 3\n'
            "1709633472.000200 connect(3, {sa_family=AF_INET, sin_port=htons(80)}, 16) = -1 "
            "ECONNREFUSED (Connection refused)\n"
            "1709633472.000300 exit_group(1)                   = ?\n"
            "1709633472.000400 +++ exited with 1 +++\n"
        ),
    ),
}

_STRACE_DAY = (2024, 6, 15)  # strace -tt has no date: the mtime's (see the module docstring)

# file or format name -> rows, ordered by line:
# (line, ts, level, raw_level, service, ip, endpoint, message, continuation_lines, reason)
EXPECTED: dict[str, list[tuple]] = {
    "windows_cbs": [
        _ok(1, _dt(2024, 3, 5, 10, 11, 12), "INFO", "Info", "CBS", None, None,
            "Starting TrustedInstaller initialization."),
        _ok(2, _dt(2024, 3, 5, 10, 11, 12), "INFO", "Info", "CSI", None, None,
            "00000001@2024/3/5:10:11:12.345 WcpInitialize called"),
        _ok(3, _dt(2024, 3, 5, 10, 11, 13), "WARN", "Warning", "CBS", None, None,
            "Failed to get next element [HRESULT = 0x800f080d - CBS_E_MANIFEST_INVALID_ITEM]"),
        _ok(4, _dt(2024, 3, 5, 10, 11, 14), "ERROR", "Error", "CBS", None, None,
            "Failed to resolve package [HRESULT = 0x800f081f - CBS_E_SOURCE_MISSING]\n"
            "[l:36 ml:37]'Corrupt payload'", continuation_lines=1),
        _ok(6, _dt(2024, 3, 5, 10, 11, 15), "INFO", "Info", "DISM", None, None,
            "DISM Provider Store: PID=1234 TID=5678 Getting the collection of providers"),
        _bad(7, "unparseable timestamp: 2024-02-30 10:11:16"),
        _bad(8, "empty message"),
    ],
    "hdfs": [
        _ok(1, _dt(2024, 3, 5, 10, 11, 12), "INFO", "INFO", "dfs.DataNode$PacketResponder",
            None, None, "PacketResponder 2 for block blk_-4711 terminating"),
        _ok(2, _dt(2024, 3, 5, 10, 11, 13), "INFO", "INFO", "dfs.FSNamesystem", None, None,
            "BLOCK* NameSystem.addStoredBlock: blockMap updated"),
        _ok(3, _dt(2024, 3, 5, 10, 11, 14), "WARN", "WARN", "dfs.DataNode$DataXceiver", None,
            None, "Got exception while serving blk_4711\njava.io.IOException: Connection reset "
            "by peer\n\tat sun.nio.ch.FileDispatcher.read0(Native Method)",
            continuation_lines=2),
        _bad(6, "empty message"),
        _bad(7, "unparseable timestamp: 241305 101116"),
    ],
    "spark": [
        # line 1 is spark-submit's banner: neither a record nor malformed
        _ok(2, _dt(2024, 3, 5, 10, 11, 12), "INFO", "INFO", "SparkContext", None, None,
            "Running Spark version 3.5.1"),
        _ok(3, _dt(2024, 3, 5, 10, 11, 13), "WARN", "WARN", "NativeCodeLoader", None, None,
            "Unable to load native-hadoop library for your platform"),
        _ok(4, _dt(2024, 3, 5, 10, 11, 20), "ERROR", "ERROR", "Executor", None, None,
            "Exception in task 0.0 in stage 1.0 (TID 1)\njava.lang.ArithmeticException: / by "
            "zero\n\tat Job$.main(Job.scala:5)", continuation_lines=2),
        _ok(7, _dt(2024, 3, 5, 10, 11, 21), "INFO", "INFO", "DAGScheduler", None, None,
            "Job 0 finished: count at Job.scala:9, took 0.5 s"),
        _bad(8, "unparseable timestamp: 24/02/30 10:11:22"),
    ],
    "zookeeper": [
        _ok(1, _dt(2024, 3, 5, 10, 11, 12, 123000), "INFO", "INFO", "QuorumPeerConfig", None,
            None, "Reading configuration from: /conf/zoo.cfg"),
        # the thread name holds brackets and colons: the class is the one before "@line]"
        _ok(2, _dt(2024, 3, 5, 10, 11, 12, 456000), "WARN", "WARN", "QuorumCnxManager", None,
            None, "Cannot open channel to 2 at election address zk2/10.0.0.12:3888\n"
            "java.net.ConnectException: Connection refused\n"
            "\tat java.base/sun.nio.ch.Net.connect0(Native Method)", continuation_lines=2),
        # 3.4's layout has no [myid:]
        _ok(5, _dt(2024, 3, 5, 10, 11, 13), "ERROR", "ERROR", "NIOServerCnxn", None, None,
            "Unexpected exception causing shutdown"),
        _ok(6, _dt(2024, 3, 5, 10, 11, 14), "INFO", "INFO", "NIOServerCnxn", None, None,
            "Processing srvr command from /127.0.0.1:49034"),
        _bad(7, "unparseable timestamp: 2024-03-05 10:11:61,000"),
    ],
    "hadoop": [
        _ok(1, _dt(2024, 3, 5, 10, 11, 12, 1000), "INFO", "INFO",
            "org.apache.hadoop.hdfs.server.namenode.NameNode", None, None,
            "STARTUP_MSG:\n/************************************************************\n"
            "STARTUP_MSG: Starting NameNode\nSTARTUP_MSG:   host = nn1.example.com/10.0.0.5\n"
            "************************************************************/",
            continuation_lines=4),
        _ok(6, _dt(2024, 3, 5, 10, 11, 13, 500000), "WARN", "WARN",
            "org.apache.hadoop.util.NativeCodeLoader", None, None,
            "Unable to load native-hadoop library for your platform"),
        _ok(7, _dt(2024, 3, 5, 10, 11, 14), "ERROR", "ERROR",
            "org.apache.hadoop.hdfs.server.namenode.FSNamesystem", None, None,
            "FSNamesystem initialization failed.\njava.io.IOException: NameNode is not "
            "formatted.", continuation_lines=1),
        _ok(9, _dt(2024, 3, 5, 10, 11, 15), "CRITICAL", "FATAL",
            "org.apache.hadoop.hdfs.server.namenode.NameNode", None, None,
            "Failed to start namenode."),
        _bad(10, "unparseable timestamp: 2024-03-32 10:11:17,000"),
    ],
    # no time in the brief layout: every record is malformed, none is lost
    "logcat_brief": [
        _bad(2, "missing timestamp"),
        _bad(3, "missing timestamp"),
        _bad(4, "missing timestamp"),
        _bad(5, "does not match the logcat_brief format"),
    ],
    "logcat_time": [
        _ok(2, _dt(2024, 3, 5, 10, 11, 12, 123000), "INFO", "I", "ActivityManager", None, None,
            "Start proc 1234:com.example/u0a12"),
        _ok(3, _dt(2024, 3, 5, 10, 11, 13), "ERROR", "E", "AndroidRuntime", None, None,
            "FATAL EXCEPTION: main"),
        _ok(4, _dt(2023, 12, 31, 23, 59, 59, 999000), "WARN", "W", "Choreographer", None, None,
            "Skipped 30 frames!"),
        _bad(5, "does not match the logcat_time format"),
        _bad(6, "unparseable timestamp: 02-30 10:00:00.000"),
    ],
    "logcat_dated": [
        _ok(1, _dt(2024, 3, 5, 10, 11, 12, 123000), "INFO", "I", "ActivityManager", None, None,
            "Start proc"),
        _ok(2, _dt(2024, 3, 5, 10, 11, 13, 456000), "ERROR", "E", "AndroidRuntime", None,
            None, "FATAL EXCEPTION: main"),
        # 1709633472 is 2024-03-05 10:11:12 UTC
        _ok(3, _dt(2024, 3, 5, 10, 11, 14, 789000), "WARN", "W", "Tag", None, None,
            "epoch seconds"),
        _ok(4, _dt(2024, 3, 5, 10, 11, 15), "DEBUG", "D", "Tag", None, None,
            "time layout with a year"),
        _bad(5, "unparseable timestamp: 2024-03-05 25:11:16.000"),
        _bad(6, "does not match the logcat_dated format"),
    ],
    # service = the syscall; a -1 errno result is ERROR (raw level: the errno's E)
    "strace": [
        _ok(1, _dt(*_STRACE_DAY, 10, 11, 12, 100), "UNKNOWN", None, "execve", None, None,
            'execve("/usr/bin/cat", ["cat", "/etc/x"], 0x7ffd /* 20 vars */) = 0'),
        _ok(2, _dt(*_STRACE_DAY, 10, 11, 12, 200), "ERROR", "E", "openat", None, None,
            'openat(AT_FDCWD, "/etc/x", O_RDONLY) = -1 ENOENT (No such file or directory) '
            "<0.000011>"),
        _ok(3, _dt(*_STRACE_DAY, 10, 11, 12, 300), "UNKNOWN", None, "read", None, None,
            "read(3,  <unfinished ...>"),
        _ok(4, _dt(*_STRACE_DAY, 10, 11, 12, 400), "UNKNOWN", None, "write", None, None,
            'write(1, "hi\\n", 3) = 3'),
        _ok(5, _dt(*_STRACE_DAY, 10, 11, 12, 500), "ERROR", "E", "read", None, None,
            '<... read resumed>"", 4096) = -1 EINTR (Interrupted system call)'),
        _ok(6, _dt(*_STRACE_DAY, 10, 11, 12, 600), "UNKNOWN", None, None, None, None,
            "--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=4243} ---"),
        _ok(7, _dt(*_STRACE_DAY, 10, 11, 12, 700), "UNKNOWN", None, None, None, None,
            "+++ exited with 1 +++"),
        _bad(8, "does not match the strace format"),
    ],
    "strace_ttt.log": [
        _ok(1, _dt(2024, 3, 5, 10, 11, 12, 100), "UNKNOWN", None, "openat", None, None,
            'openat(AT_FDCWD, "/etc/hosts", O_RDONLY|O_CLOEXEC) = 3'),
        _ok(2, _dt(2024, 3, 5, 10, 11, 12, 200), "ERROR", "E", "connect", None, None,
            "connect(3, {sa_family=AF_INET, sin_port=htons(80)}, 16) = -1 ECONNREFUSED "
            "(Connection refused)"),
        _ok(3, _dt(2024, 3, 5, 10, 11, 12, 300), "UNKNOWN", None, "exit_group", None, None,
            "exit_group(1)                   = ?"),
        _ok(4, _dt(2024, 3, 5, 10, 11, 12, 400), "UNKNOWN", None, None, None, None,
            "+++ exited with 1 +++"),
    ],
    # service = the package (without its architecture); dpkg writes no levels
    "dpkg": [
        _ok(1, _dt(2024, 3, 5, 10, 11, 12), "UNKNOWN", None, None, None, None,
            "startup archives unpack"),
        _ok(2, _dt(2024, 3, 5, 10, 11, 12), "UNKNOWN", None, "libssl3", None, None,
            "upgrade libssl3:amd64 3.0.2-0ubuntu1.14 3.0.2-0ubuntu1.15"),
        _ok(3, _dt(2024, 3, 5, 10, 11, 12), "UNKNOWN", None, "libssl3", None, None,
            "status half-configured libssl3:amd64 3.0.2-0ubuntu1.14"),
        _ok(4, _dt(2024, 3, 5, 10, 11, 14), "UNKNOWN", None, "libssl3", None, None,
            "configure libssl3:amd64 3.0.2-0ubuntu1.15 <none>"),
        _ok(5, _dt(2024, 3, 5, 10, 11, 14), "UNKNOWN", None, "libssl3", None, None,
            "status installed libssl3:amd64 3.0.2-0ubuntu1.15"),
        _ok(6, _dt(2024, 3, 5, 10, 11, 15), "UNKNOWN", None, "libc-bin", None, None,
            "trigproc libc-bin:amd64 2.35-0ubuntu3.6 <none>"),
        _ok(7, _dt(2024, 3, 5, 10, 11, 16), "UNKNOWN", None, None, None, None,
            "conffile /etc/ssl/openssl.cnf keep"),
        _bad(8, "does not match the dpkg format"),
        _bad(9, "unparseable timestamp: 2024-03-05 25:00:00"),
    ],
    # service = the container; the time `logs -t` puts first; a level only from the line's
    # own start; nanoseconds are cut to microseconds
    "docker_compose": [
        _ok(2, _dt(2024, 3, 5, 10, 11, 12, 123456), "UNKNOWN", None, "web-1", None, None,
            "* Serving Flask app 'app'"),
        _ok(3, _dt(2024, 3, 5, 10, 11, 12, 223456), "WARN", "WARNING", "web-1", None, None,
            "WARNING: This is a development server."),
        _ok(4, _dt(2024, 3, 5, 10, 11, 13), "UNKNOWN", None, "redis-1", None, None,
            "1:M 05 Mar 2024 10:11:13.000 * Ready to accept connections"),
        # the application's own time before its level
        _ok(5, _dt(2024, 3, 5, 10, 11, 14), "ERROR", "ERROR", "db_1", None, None,
            "2024-03-05 10:11:14,000 ERROR [main] boom"),
        _bad(6, "missing timestamp"),
        # klog's letter (Kubernetes components)
        _ok(7, _dt(2024, 3, 5, 10, 11, 16), "ERROR", "E", "api-1", None, None,
            "E0305 10:11:16.000000       1 main.go:42] klog style failure"),
        _bad(8, "does not match the docker_compose format"),
        _bad(9, "unparseable timestamp: 2024-03-05T25:00:00Z"),
    ],
    # epoch seconds; service = the component; 5 data lines = 2 records + 3 malformed
    "lanl_hpc": [
        _ok(1, _dt(2024, 3, 5, 10, 11, 12), "UNKNOWN", None, "unix.hw", None, None,
            'Component State Change: Component "alt0" is in the unavailable state'),
        _ok(2, _dt(2024, 3, 5, 10, 11, 13), "UNKNOWN", None, "partition", None, None,
            "running"),
        _bad(3, "empty message"),
        _bad(4, "does not match the lanl_hpc format"),
        _bad(5, "does not match the lanl_hpc format"),
    ],
    # the alert tag (VAPI, APPREAD) is no level; Blue Gene's RAS lines have one
    "sandia_hpc": [
        _ok(1, _dt(2024, 3, 5, 10, 11, 12), "UNKNOWN", None, "crond(pam_unix)", None, None,
            "session closed for user root"),
        _ok(2, _dt(2024, 3, 5, 10, 11, 13), "UNKNOWN", None, "ib_sm.x", None, None,
            "[ib_sm_sweep.c:1455]: No topology change"),
        _ok(3, _dt(2024, 3, 5, 10, 11, 14), "UNKNOWN", None, None, None, None,
            "scsi0 : LSI Logic MegaRAID driver"),
        _ok(4, _dt(2024, 3, 5, 10, 11, 15), "INFO", "INFO", "KERNEL", None, None,
            "instruction cache parity error corrected"),
        _ok(5, _dt(2024, 3, 5, 10, 11, 16), "CRITICAL", "FATAL", "APP", None, None,
            "ciod: failed to read message prefix"),
        _bad(6, "does not match the sandia_hpc format"),
    ],
    # a P(artial) piece and the F line after it are one record, one line (see systems.py)
    "cri": [
        _ok(1, _dt(2024, 3, 5, 10, 11, 12, 123456), "UNKNOWN", None, None, None, None,
            "Starting server on :8080"),
        _ok(2, _dt(2024, 3, 5, 10, 11, 13), "ERROR", "ERROR", None, None, None,
            "ERROR could not reach db"),
        _ok(3, _dt(2024, 3, 5, 10, 11, 14), "UNKNOWN", None, None, None, None,
            '{"level":"info","msg":"a very long line, finished"}', 1),
        _ok(5, _dt(2024, 3, 5, 9, 11, 15, 500000), "INFO", "I", None, None, None,
            "I0305 09:11:15.500000       1 leader.go:1] became leader"),
        _bad(6, "empty message"),
        _bad(7, "does not match the cri format"),
        _ok(8, _dt(2024, 3, 5, 10, 11, 17), "WARN", "WARN", None, None, None,
            "[WARN] disk 91% full"),
    ],
}

# CRI pieces: 10 data lines = 5 records + 4 continuation lines (pieces) + 1 malformed
EXPECTED["kube_partial.log"] = [
    # three pieces of one stdout line: the first piece's time and level
    _ok(1, _dt(2024, 3, 5, 10, 11, 12), "ERROR", "ERROR", None, None, None,
        "ERROR first part, second part, last part", 2),
    # pieces are joined within their stream: a stderr line between them does not cut them
    _ok(4, _dt(2024, 3, 5, 10, 11, 13), "WARN", "WARN", None, None, None,
        "WARN cut off by the rest", 1),
    _ok(5, _dt(2024, 3, 5, 10, 11, 13, 500000), "ERROR", "E", None, None, None,
        "E0305 10:11:13.500000 1 x.go:1] other stream"),
    # a piece with no later piece of its stream ends there
    _ok(7, _dt(2024, 3, 5, 10, 11, 15), "UNKNOWN", None, None, None, None, "dangling piece"),
    _bad(8, "does not match the cri format"),
    _ok(9, _dt(2024, 3, 5, 10, 11, 16), "ERROR", "ERROR", None, None, None,
        "[ERROR] a stderr piece and its end", 1),
]

# files whose times lack a year or a date: they get MTIME, which supplies it
YEARLESS = {"logcat_time", "strace"}


@pytest.fixture(scope="module")
def read_back(spark, tmp_path_factory):
    """(file name -> detected format name, file name -> its rows ordered by line): one read."""
    written = [(fmt, name, content) for fmt, (name, content) in FILES.items()]
    written += [(fmt, name, content) for name, (fmt, content) in VARIANTS.items()]
    found, rows = read_folder_rows(
        spark, tmp_path_factory.mktemp("system_formats"),
        [(name, content) for _, name, content in written],
        dated=[name for fmt, name, _ in written if fmt in YEARLESS], mtime=MTIME)
    return {name: f.format_name for name, f in found.items()}, rows


def test_every_system_format_has_a_file():
    assert set(FILES) == {f.name for f in systems.FORMATS}
    assert set(EXPECTED) == set(FILES) | set(VARIANTS)


@pytest.mark.parametrize("fmt", sorted(FILES))
def test_system_format_rows(read_back, fmt):
    detected, rows = read_back
    name = FILES[fmt][0]
    assert detected[name] == fmt
    assert rows.get(name, []) == EXPECTED[fmt]


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_system_format_variant_rows(read_back, name):
    detected, rows = read_back
    assert detected[name] == VARIANTS[name][0]
    assert rows.get(name, []) == EXPECTED[name]


def test_system_formats_claim_no_core_example_file(monkeypatch):
    """The core family's example files are detected as before with this family added (and
    with every family: the registry's own order)."""
    with_systems = core.FORMATS + systems.FORMATS
    for fmt, (_, content) in CORE_FILES.items():
        lines = content.splitlines()
        assert detect_text_format(lines).name == fmt
        monkeypatch.setattr(text_formats, "BUILTIN_FORMATS", with_systems)
        assert detect_text_format(lines).name == fmt
        monkeypatch.undo()
