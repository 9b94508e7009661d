"""Which Spark master URLs logdesk accepts: plain Python, so config validation needs no Spark."""

from __future__ import annotations

import functools
import ipaddress
import re
import socket
import urllib.parse

LOCAL_MASTER = re.compile(r"^local(\[(\*|\d+)(,\s*\d+)?\])?$")
STANDALONE_MASTER = re.compile(r"^spark://[^\s:/]+:\d+(,[^\s:/]+:\d+)*$")
CONNECT_MASTER = re.compile(r"^sc://[^\s/]+(:\d+)?(/.*)?$")
YARN_MASTER = re.compile(r"^yarn$")  # the cluster from HADOOP_CONF_DIR / YARN_CONF_DIR
KUBERNETES_MASTER = re.compile(r"^k8s://https?://[^\s/]+(/\S*)?$")

MASTER_FORMS = ("local, local[N], local[*], spark://host:port, yarn, k8s://https://host:port "
                "or sc://host:port")


def validate_master(master: str) -> str | None:
    """None when `master` is a URL logdesk accepts, else why not."""
    if any(form.match(master) for form in (LOCAL_MASTER, STANDALONE_MASTER, CONNECT_MASTER,
                                           YARN_MASTER, KUBERNETES_MASTER)):
        return None
    return f"expected {MASTER_FORMS}"


def master_hosts(master: str) -> list[tuple[str, int]]:
    """(host, port) of each master in a spark:// URL (several for a standby master)."""
    if not master.startswith("spark://"):
        return []
    out = []
    for part in master.removeprefix("spark://").split(","):
        host, _, port = part.rpartition(":")
        out.append((host.strip("[]"), int(port) if port.isdigit() else 7077))
    return out


@functools.lru_cache(maxsize=64)  # a name lookup, asked by several checks of one run
def is_loopback_host(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        return all(ipaddress.ip_address(info[4][0]).is_loopback
                   for info in socket.getaddrinfo(host, None, socket.AF_INET))
    except (OSError, ValueError):
        return False


def runs_on_this_machine(master: str) -> bool:
    """Whether the Spark behind `master` is only this machine's (local, or a cluster or a
    Spark Connect server on its loopback)."""
    if LOCAL_MASTER.match(master):
        return True
    if CONNECT_MASTER.match(master):
        return is_loopback_host(urllib.parse.urlsplit(master).hostname or "")
    hosts = master_hosts(master)
    return bool(hosts) and all(is_loopback_host(host) for host, _port in hosts)


_URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://")


def is_hadoop_url(path: str) -> bool:
    """A folder or file on a Hadoop file system (hdfs://, s3a://, viewfs://, ...): a URL of
    any scheme but file:, which names a path on this machine (or a mount of it)."""
    m = _URL_SCHEME.match(str(path))
    return m is not None and m.group(1).lower() != "file"


__all__ = ["CONNECT_MASTER", "KUBERNETES_MASTER", "LOCAL_MASTER", "MASTER_FORMS",
           "STANDALONE_MASTER", "YARN_MASTER", "is_hadoop_url", "is_loopback_host", "master_hosts",
           "runs_on_this_machine", "validate_master"]
