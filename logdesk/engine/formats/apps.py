"""Built-in formats: application frameworks' own text logs (PHP Monolog/Laravel, Ruby on
Rails, Django, Go zap, Rust env_logger and tracing, oVirt VDSM).

Patterns are in the common subset of Python re and Java regex (see formats/model.py). Where a
logger colours its output when writing to a terminal (zap, env_logger, tracing), the pattern
lets ANSI escape sequences stand around the fields it reads; the text reader and detection
remove them from every line before matching anyway (file_head.text_lines).
"""

from __future__ import annotations

from logdesk.engine.formats.model import TextFormat

# zero or more ANSI CSI sequences: colours (ESC[32m) and line clearing (ESC[2K)
ANSI = r"(?:\x1b\[[0-9;]*[A-Za-z])*"
# the space between two fields, where colour codes may stand on either side of the spaces; one
# space or one whole code per step, so a failing match never tries the ways to split a run
_GAP = r"(?: |\x1b\[[0-9;]*[A-Za-z])+"
# an RFC 3339 time as Go and Rust loggers write it: always a "T", fraction and zone optional
_RFC3339 = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?"
_PY_LEVEL = r"DEBUG|INFO|WARNING|ERROR|CRITICAL"
_RUST_LEVEL = r"TRACE|DEBUG|INFO|WARN|ERROR"
_RUST_PATH = r"[A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z0-9_]+)*"  # a Rust module path: a::b::c
# an access request as text: message = the request line, endpoint = its path before any "?"
_REQUEST = r'"(?P<message>(?:[A-Z]+ (?P<endpoint>[^\s?"\\]+))?(?:[^"\\]|\\.)*)"'


def _optional(lookahead: str) -> str:
    """A lookahead that only fills groups when it fits (a quantifier on a lookahead is not in
    the common subset of the two regex dialects)."""
    return "(?:(?=" + lookahead + ")|)"


# Monolog's LineFormatter, Laravel's default: "[%datetime%] %channel%.%level_name%: %message%
# %context% %extra%". The datetime is "Y-m-d H:i:s" (Laravel) or "Y-m-d\TH:i:s.uP" (Monolog 2+):
# the generic parser reads both. Empty context/extra print as " []", left out of the message
# (lazily: a message of only "[] []" is empty); a non-empty context (often the exception)
# stays in it.
_MONOLOG = (
    r"\[(?P<ts>\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}:?\d{2})?)\] "
    r"(?P<service>[^\s\]]+?)\.(?P<level>DEBUG|INFO|NOTICE|WARNING|ERROR|CRITICAL|ALERT"
    r"|EMERGENCY):(?: (?P<message>.*?))??(?: \[\])*$"
)

# Ruby's Logger::Formatter, Rails' production default: "%s, [%s #%d] %5s -- %s: %s" = severity
# letter, [time #pid], severity, progname (usually empty), message. Rails' request tags
# ("[0a1b-...]") lead the message and stay in it; a "Started GET "/p" for 1.2.3.4" message also
# gives endpoint and ip. ANY (letter A) is not in the level mapping: UNKNOWN, never guessed.
_RUBY_LOGGER = (
    r"[DIWEFA], \[(?P<ts>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?) +#(?P<pid>\d+)\] +"
    r"(?P<level>DEBUG|INFO|WARN|ERROR|FATAL|ANY) -- (?P<service>[^:]*):"
    + _optional(r' (?:\[[^\]]*\] )*Started [A-Z]+ "(?P<endpoint>[^"?\s]*)[^"]*" for (?P<ip>\S+)')
    + r"(?: (?P<message>.*))?$"
)

# `manage.py runserver`: "[05/Mar/2024 10:11:12] "GET /p HTTP/1.1" 200 123"; its other
# messages ("code 400, message Bad request ...") keep the whole text, without a level.
_DJANGO_RUNSERVER = (
    r"\[(?P<ts>\d{2}/[A-Z][a-z]{2}/\d{4} \d{2}:\d{2}:\d{2})\] "
    r"(?:" + _REQUEST + r" (?P<status>\d{3}) (?:\d+|-)$|(?P<message2>.*))"
)
# runserver's start-up banner, printed again on every autoreload: not records
_DJANGO_BANNER = (
    r"^(?:Watching for file changes with |Performing system checks\.\.\.|System check "
    r"identified |Django version \d|Starting (?:development|ASGI/\w+ version \S+ development) "
    r"server at |Quit the server with |[A-Z][a-z]+ \d{2}, \d{4} - \d{2}:\d{2}:\d{2}$)"
)

# Django's documented "verbose" formatter: "{levelname} {asctime} {module} {process:d}
# {thread:d} {message}"
_DJANGO_VERBOSE = (
    r"(?P<level>" + _PY_LEVEL + r") (?P<ts>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3}) "
    r"(?P<service>\S+) (?P<pid>\d+) (?P<tid>\d+)(?: (?P<message>.*))?$"
)

# zap's console encoder: time, level, [logger name], [caller file.go:line], message, then the
# fields as JSON, tab-separated. Levels are upper or lower case (CapitalLevelEncoder or
# LowercaseLevelEncoder), coloured by the Color encoders. DPANIC (an error bad enough to panic
# in development) is not in the level mapping: its "PANIC" part is read as the level, CRITICAL.
_ZAP_LEVEL = (
    r"(?:(?P<level>DEBUG|INFO|WARN|ERROR|PANIC|FATAL|debug|info|warn|error|panic|fatal)"
    r"|[Dd](?P<level2>PANIC|panic))"
)
_ZAP = (
    ANSI + r"(?P<ts>" + _RFC3339 + r")" + ANSI + r"\t" + ANSI + _ZAP_LEVEL + ANSI
    # the logger name is only told apart from the message by the caller after it
    + r"(?:\t(?P<service>[^\t]+)(?=\t[^\t\s]+\.go:\d+\t))?"
    + r"(?:\t(?P<caller>[^\t\s]+\.go:\d+))?\t(?P<message>.*)"
)

# env_logger: "[2024-03-05T10:11:12Z INFO  my_crate::module] msg" (0.7 and later; time and
# module may be switched off), "INFO 2024-03-05T10:11:12Z: my_crate: msg" (0.5, 0.6), and the
# oldest "INFO:my_crate: msg", which has no time: such records are malformed (missing
# timestamp), like Python's LEVEL:name:message (python_bare reads the same lines and wins the
# tie when only INFO, ERROR and DEBUG lines are in a file's head).
_ENV_LOGGER = (
    r"(?:" + ANSI + r"\[" + ANSI + r"(?:(?P<ts>" + _RFC3339 + r")" + _GAP + r")?"
    + r"(?P<level>" + _RUST_LEVEL + r")(?:" + _GAP + r"(?P<service>[^\s\]\x1b]+))?" + ANSI
    + r" *\]" + ANSI + r"(?: (?P<message>.*))?$"
    + r"|(?P<level2>" + _RUST_LEVEL + r") (?P<ts2>" + _RFC3339 + r"): (?P<service2>"
    + _RUST_PATH + r"): ?(?P<message2>.*)"
    + r"|(?P<level3>" + _RUST_LEVEL + r"):(?P<service3>" + _RUST_PATH + r"): ?(?P<message3>.*))"
)

# tracing-subscriber's fmt layer: "2024-03-05T10:11:12.123456Z  INFO span{a=1}:inner: my_crate::
# module: msg key=value" (level right-aligned in 5; spans before the target, one token ending
# in ":"). The target is read when a Rust path followed by ": " comes first, else after the
# spans, so "a_span: target: msg" (a span without fields) gives target a_span; without a
# target (with_target(false)) the rest is the message. Coloured output dims the target and its
# colon: ANSI is allowed around both.
def _tracing_target(suffix: str) -> str:
    return ANSI + r"(?P<service" + suffix + ">" + _RUST_PATH + r")" + ANSI + r":" + ANSI + r" "


_TRACING = (
    ANSI + r"(?P<ts>" + _RFC3339 + r")" + _GAP + r"(?P<level>" + _RUST_LEVEL + r")" + _GAP
    + r"(?:" + _tracing_target("") + r"|\S*:" + ANSI + r" " + _tracing_target("2") + r"|)"
    + r"(?P<message>.*)"
)

# oVirt VDSM (and its Python logging config): "thread::LEVEL::time::module::line::logger::
# (function) message"; tracebacks continue the record
_VDSM = (
    r"(?P<thread>[^:\s]+)::(?P<level>[A-Z]+)::(?P<ts>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3})"
    r"::(?P<module>[^:\s]*)::\d+::(?P<service>[^:\s]*)::(?:\((?P<function>[^)\s]*)\) ?)?"
    r"(?P<message>.*)"
)

FORMATS: tuple[TextFormat, ...] = (
    TextFormat(
        name="monolog",
        pattern=_MONOLOG,
        description="PHP Monolog / Laravel: [time] channel.LEVEL: message {context} [extra]; "
        "stack traces ([stacktrace], #0 ...) continue the record",
    ),
    TextFormat(
        name="rails",
        pattern=_RUBY_LOGGER,
        timestamp_pattern="yyyy-MM-dd'T'HH:mm:ss.SSSSSS",
        description="Ruby Logger / Rails: L, [time #pid] LEVEL -- progname: [tags] message",
    ),
    TextFormat(
        name="django_runserver",
        pattern=_DJANGO_RUNSERVER,
        timestamp_pattern="dd/MMM/yyyy HH:mm:ss",
        skip=_DJANGO_BANNER,
        description='Django runserver: [dd/Mon/yyyy hh:mm:ss] "request" status size (level '
        "from the status); tracebacks continue the record",
    ),
    TextFormat(
        name="django_verbose",
        pattern=_DJANGO_VERBOSE,
        timestamp_pattern="yyyy-MM-dd HH:mm:ss,SSS",
        description="Django verbose logging: LEVEL yyyy-mm-dd hh:mm:ss,ms module pid thread "
        "message",
    ),
    TextFormat(
        name="zap_console",
        pattern=_ZAP,
        description="Go zap console encoder: time<TAB>LEVEL<TAB>[logger]<TAB>[caller]<TAB>"
        "message<TAB>{fields}; stack traces continue the record",
    ),
    TextFormat(
        name="rust_env_logger",
        pattern=_ENV_LOGGER,
        description="Rust env_logger: [time LEVEL module] message (and the older LEVEL time: "
        "module: message, LEVEL:module: message without a time)",
    ),
    TextFormat(
        name="rust_tracing",
        pattern=_TRACING,
        description="Rust tracing-subscriber fmt: time LEVEL spans: target: message fields "
        "(ANSI colours allowed)",
    ),
    TextFormat(
        name="vdsm",
        pattern=_VDSM,
        timestamp_pattern="yyyy-MM-dd HH:mm:ss,SSS",
        description="oVirt VDSM: thread::LEVEL::time::module::line::logger::(function) message; "
        "tracebacks continue the record",
    ),
)

# format name -> the core formats whose lines it also matches and refines: it should win a tie
# against them (formats/registry.py REFINES). A tracing line at DEBUG, TRACE or ERROR has one
# space after its time, so "time DEBUG my_crate::m: msg" also reads as syslog_iso's "time host
# tag: msg" (host DEBUG, tag my_crate); a file of only such lines ties. No syslog host is a
# level word, so the tie is always tracing's.
REFINES: dict[str, tuple[str, ...]] = {
    "rust_tracing": ("syslog_iso",),
}

__all__ = ["ANSI", "FORMATS", "REFINES"]
