"""Where the driver listens and what it tells a cluster; which folders a master can read."""

from __future__ import annotations

import socket

import pytest

from logdesk.config_loader import ConfigError, load_settings
from logdesk.engine import driver_address as addressing
from logdesk.engine.driver_address import DriverAddress, driver_address, route_address
from logdesk.input_location import InputNotReachable, folder_of
from logdesk.settings import SparkSettings
from logdesk.spark_urls import master_hosts, runs_on_this_machine, validate_master


def test_local_mode_stays_on_loopback_with_any_free_port():
    for master in ("local", "local[2]", "local[*]"):
        address = driver_address(SparkSettings(master=master))
        assert address == DriverAddress("127.0.0.1", "127.0.0.1", None, None)
        assert address.spark_options() == {"spark.driver.host": "127.0.0.1",
                                           "spark.driver.bindAddress": "127.0.0.1"}


def test_a_cluster_on_loopback_keeps_loopback_with_the_fixed_ports():
    address = driver_address(SparkSettings(master="spark://127.0.0.1:7077"))
    assert address == DriverAddress("127.0.0.1", "127.0.0.1", 40401, 40402)
    assert address.spark_options()["spark.driver.port"] == "40401"
    assert address.spark_options()["spark.driver.blockManager.port"] == "40402"
    assert "spark.blockManager.port" not in address.spark_options()  # executors keep theirs


def test_a_remote_master_gets_the_address_on_the_route_to_it(monkeypatch):
    asked: list[tuple[str, int]] = []

    def route(host, port):
        asked.append((host, port))
        return "10.20.30.40"

    monkeypatch.setattr(addressing, "route_address", route)
    settings = SparkSettings(master="spark://10.9.8.7:7077,10.9.8.6:7078", driver_port=45000,
                             block_manager_port=45001)
    assert driver_address(settings) == DriverAddress("10.20.30.40", "0.0.0.0", 45000, 45001)
    assert asked == [("10.9.8.7", 7077)]  # the first master that has a route
    assert driver_address(SparkSettings(master="yarn")).host == "10.20.30.40"  # default route


def test_a_named_driver_host_wins(monkeypatch):
    monkeypatch.setattr(addressing, "route_address", lambda h, p: pytest.fail("no route lookup"))
    settings = SparkSettings(master="spark://10.9.8.7:7077", driver_host="gateway.example.org")
    assert driver_address(settings) == DriverAddress("gateway.example.org", "0.0.0.0", 40401, 40402)


def test_spark_connect_has_no_driver_here():
    assert driver_address(SparkSettings(master="sc://10.0.0.1:15002")) is None


def test_route_address_is_a_local_interface():
    # the route to loopback goes out of loopback; a UDP connect sends nothing
    assert route_address("127.0.0.1", 9) == "127.0.0.1"
    here = route_address("192.0.2.1", 9)
    if here is not None:  # a machine with a default route
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind((here, 0))  # it is one of this machine's own addresses


def test_master_urls():
    assert master_hosts("spark://a:7077,b:7078") == [("a", 7077), ("b", 7078)]
    assert master_hosts("local[*]") == []
    assert runs_on_this_machine("spark://localhost:7077")
    assert runs_on_this_machine("sc://127.0.0.1:15002")
    assert not runs_on_this_machine("spark://10.1.2.3:7077")
    assert not runs_on_this_machine("yarn")
    for master in ("yarn", "k8s://https://k8s.example.org:6443", "spark://h:7077", "sc://h"):
        assert validate_master(master) is None, master
    for master in ("yarn-client", "k8s://k8s.example.org", "mesos://h:5050"):
        assert validate_master(master) is not None, master


def test_folders_a_master_can_read(tmp_path):
    assert folder_of(tmp_path, "local[*]") == (tmp_path, False)
    assert folder_of(tmp_path, "spark://127.0.0.1:7077") == (tmp_path, False)
    shared = f"file://{tmp_path}/logs%20here"
    assert folder_of(shared, "spark://10.1.2.3:7077") == (tmp_path / "logs here", True)
    # argparse's Path collapses file:///x to file:/x
    from pathlib import Path
    assert folder_of(Path(f"file://{tmp_path}"), "spark://10.1.2.3:7077") == (tmp_path, True)
    with pytest.raises(InputNotReachable, match=r"cannot see .* on this computer.*file://"):
        folder_of(tmp_path, "spark://10.1.2.3:7077")
    # a Hadoop file system is shared storage: kept as a URL (tests/engine/test_hadoop_inputs.py)
    assert folder_of("hdfs://namenode/logs", "yarn") == ("hdfs://namenode/logs", True)
    with pytest.raises(InputNotReachable, match="not a URL.*lost"):
        folder_of(Path("hdfs://namenode/logs"), "yarn")  # folded by Path: hdfs:/namenode/logs
    with pytest.raises(InputNotReachable, match="not a host"):
        folder_of("file://otherhost/logs", "local[*]")


def test_the_driver_settings_are_validated(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text("spark:\n  driver_host: 10.0.0.5\n  driver_port: 45000\n"
                    "  block_manager_port: 45001\n", encoding="utf-8")
    spark = load_settings(good).spark
    assert (spark.driver_host, spark.driver_port, spark.block_manager_port) == ("10.0.0.5", 45000, 45001)
    for bad, fragment in (("driver_port: 80", "spark.driver_port"),
                          ("block_manager_port: 70000", "spark.block_manager_port"),
                          ("driver_host: 'not a host!'", "spark.driver_host")):
        path = tmp_path / "bad.yaml"
        path.write_text(f"spark:\n  {bad}\n", encoding="utf-8")
        with pytest.raises(ConfigError, match=fragment):
            load_settings(path)


def test_folders_inside_the_shared_folders_are_read_as_they_are(tmp_path):
    mount = tmp_path / "mnt"
    (mount / "app" / "logs").mkdir(parents=True)
    shared = (str(mount),)
    assert folder_of(mount / "app" / "logs", "spark://10.1.2.3:7077", shared) == (
        mount / "app" / "logs", True)
    assert folder_of(mount, "spark://10.1.2.3:7077", shared) == (mount, True)
    with pytest.raises(InputNotReachable, match="spark.shared_folders"):
        folder_of(tmp_path / "elsewhere", "spark://10.1.2.3:7077", shared)
    with pytest.raises(InputNotReachable):
        folder_of(tmp_path / "mnt-other", "spark://10.1.2.3:7077", shared)  # a prefix only


def test_shared_folders_are_validated(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("spark:\n  shared_folders: [/mnt/logs, ~/nfs]\n", encoding="utf-8")
    from pathlib import Path
    assert load_settings(path).spark.shared_folders == ("/mnt/logs", str(Path.home() / "nfs"))
    for bad in ("relative/path", "[relative]", "[1]"):
        path.write_text(f"spark:\n  shared_folders: {bad}\n", encoding="utf-8")
        with pytest.raises(ConfigError, match="spark.shared_folders"):
            load_settings(path)
