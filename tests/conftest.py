"""Shared fixtures: one SparkSession for the whole run, and a private cache/config folder."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session", autouse=True)
def _private_user_dirs(tmp_path_factory):
    """Keep tests away from the real user's config and cache folders."""
    base = tmp_path_factory.mktemp("userdirs")
    os.environ["LOGDESK_CONFIG_DIR"] = str(base / "config")
    os.environ["LOGDESK_CACHE_DIR"] = str(base / "cache")
    # JVMs that dump a class archive run slower; tests/engine/test_class_archive.py turns it on
    os.environ["LOGDESK_CLASS_ARCHIVE"] = "off"
    yield


@pytest.fixture(scope="session")
def spark(_private_user_dirs):
    from logdesk.engine.session import create_session, stop_session
    from logdesk.settings import SparkSettings

    session = create_session(
        SparkSettings(master="local[2]", shuffle_partitions=4, driver_memory="1g"), "UTC"
    )
    yield session
    stop_session(session)
