"""Where the Spark driver listens and which address it gives the cluster (plain Python).

On `local[...]` everything stays on 127.0.0.1: nothing else needs to reach the driver, and a
laptop on a café network must not open ports to it. With a cluster master on another host,
the executors connect back to the driver (its RPC endpoint, then its block manager), so the
driver must advertise an address they can route to and listen on it. That address is, unless
the user names one (`spark.driver_host`), the one this machine's routing table uses to reach
the master (what a UDP socket's connect() picks; no packet is sent). The two ports are fixed
(`spark.driver_port`, `spark.block_manager_port`) so that a firewall can be opened for them;
Spark tries the next ports up when one is taken (spark.port.maxRetries, 16 by default).
"""

from __future__ import annotations

import socket
from dataclasses import dataclass

from logdesk.settings import SparkSettings
from logdesk.spark_urls import CONNECT_MASTER, LOCAL_MASTER, master_hosts, runs_on_this_machine

LOOPBACK = "127.0.0.1"
ANY = "0.0.0.0"
# a TEST-NET-1 address (RFC 5737): the route to it is the default route, for masters that
# name no host (yarn); connect() on a UDP socket sends nothing
_DEFAULT_ROUTE_PROBE = "192.0.2.1"


@dataclass(frozen=True)
class DriverAddress:
    host: str  # what executors are told to connect to (spark.driver.host)
    bind: str  # where the driver listens (spark.driver.bindAddress)
    driver_port: int | None  # None: any free port (local mode)
    block_manager_port: int | None

    @property
    def is_loopback(self) -> bool:
        return self.host == LOOPBACK

    def spark_options(self) -> dict[str, str]:
        options = {"spark.driver.host": self.host, "spark.driver.bindAddress": self.bind}
        if self.driver_port is not None:
            options["spark.driver.port"] = str(self.driver_port)
        if self.block_manager_port is not None:
            # the driver's own; executors keep theirs (spark.blockManager.port would fix both)
            options["spark.driver.blockManager.port"] = str(self.block_manager_port)
        return options


def route_address(host: str, port: int) -> str | None:
    """This machine's address on the route to host:port (None when there is no route)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect((host, port))
            address = probe.getsockname()[0]
    except OSError:
        return None
    return None if address in (ANY, "") else address


def driver_address(settings: SparkSettings) -> DriverAddress | None:
    """The driver's addressing for `settings.master`; None for Spark Connect (the server
    is the driver)."""
    master = settings.master
    if CONNECT_MASTER.match(master):
        return None
    if LOCAL_MASTER.match(master):
        return DriverAddress(LOOPBACK, LOOPBACK, None, None)
    ports = (settings.driver_port, settings.block_manager_port)
    if runs_on_this_machine(master) and not settings.driver_host:
        return DriverAddress(LOOPBACK, LOOPBACK, *ports)
    host = settings.driver_host
    if not host:
        targets = master_hosts(master) or [(_DEFAULT_ROUTE_PROBE, 9)]
        host = next((a for a in (route_address(h, p) for h, p in targets) if a), "")
    if not host:
        host = socket.gethostbyname(socket.gethostname())
    # listen on every interface: the advertised address may be a NAT's or a VPN's
    return DriverAddress(host, ANY, *ports)


__all__ = ["DriverAddress", "driver_address", "route_address"]
