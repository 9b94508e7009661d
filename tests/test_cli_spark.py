"""When `logdesk process` begins Spark beside discovery, and how a start begun early is handed
over (its session, or what starting it raised)."""

from __future__ import annotations

import dataclasses
import threading

import pytest

from logdesk import cli_spark
from logdesk.cli_args import UserError
from logdesk.cli_spark import SparkStarter, spark_surely_needed
from logdesk.engine.run_setup import cache_store
from logdesk.settings import Settings


@pytest.fixture
def settings(tmp_path) -> Settings:
    base = Settings()
    return dataclasses.replace(base, cache=dataclasses.replace(base.cache, dir=str(tmp_path / "cache")))


def test_spark_is_begun_early_only_when_the_cache_cannot_answer(tmp_path, settings):
    folder = tmp_path / "logs"
    folder.mkdir()
    assert spark_surely_needed(settings, folder, records_export=False)  # never read before
    cache_store(settings).set_folder_paths(str(folder.resolve()), [str(folder / "a.log")])
    assert not spark_surely_needed(settings, folder, records_export=False)  # a re-run
    assert spark_surely_needed(settings, folder, records_export=True)  # the export reads
    off = dataclasses.replace(settings, cache=dataclasses.replace(settings.cache, enabled=False))
    assert spark_surely_needed(off, folder, records_export=False)
    cluster = dataclasses.replace(settings, spark=dataclasses.replace(settings.spark,
                                                                     master="spark://h:7077"),
                                  cache=dataclasses.replace(settings.cache, dir=""))
    assert spark_surely_needed(cluster, folder, records_export=False)  # its cache is off


def test_a_start_begun_early_hands_over_its_session_once_done(monkeypatch, settings):
    release = threading.Event()
    calls: list[threading.Thread] = []

    def start(_settings):
        calls.append(threading.current_thread())
        assert release.wait(30)
        return "the session"

    monkeypatch.setattr(cli_spark, "start_spark", start)
    starter = SparkStarter(settings)
    starter.begin()
    threading.Timer(0.2, release.set).start()
    assert starter.get() == "the session"
    assert starter.early and starter.waited > 0.1
    assert calls and calls[0] is not threading.main_thread()  # it ran on the helper thread
    assert starter.get() == "the session" and len(calls) == 1  # started once
    assert starter.settle() == "the session"


def test_a_failed_early_start_raises_where_spark_is_needed_and_not_before(monkeypatch, settings):
    def start(_settings):
        raise UserError("Java was not found")

    monkeypatch.setattr(cli_spark, "start_spark", start)
    starter = SparkStarter(settings)
    starter.begin()
    assert starter.settle() is None  # nothing to stop; the error waits for whoever needs Spark
    with pytest.raises(UserError, match="Java was not found"):
        starter.get()


def test_without_begin_the_session_starts_on_first_use(monkeypatch, settings):
    calls: list[threading.Thread] = []
    monkeypatch.setattr(cli_spark, "start_spark",
                        lambda _s: calls.append(threading.current_thread()) or "session")
    starter = SparkStarter(settings)
    assert starter.settle() is None and not calls  # never needed: never started
    assert starter.get() == "session" and calls == [threading.main_thread()]
    assert not starter.early
