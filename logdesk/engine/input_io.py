"""The driver's few reads of input files, on this machine's disk or on a Hadoop file system.

Spark reads the files; the driver only looks at them: discovery reads each file's head, the
cache hashes it, and a few readers copy small or odd files (packs of tiny files, UTF-16 and
broken-CSV copies). A plain path or a file: URL is read with Python's own I/O. A URL of any
other scheme (hdfs://, s3a://, viewfs://, abfs://, gs://, ...) goes through Hadoop's
FileSystem API in the JVM of this process's Spark session (py4j), the same client and
configuration (spark.hadoop.*) the executors read with, so whatever file systems Spark can read
logdesk can discover. Errors come out as OSError either way, so callers handle one kind.
"""

from __future__ import annotations

import io
import os
import stat
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO, Iterator

from logdesk.spark_urls import is_hadoop_url

_STREAM_BUFFER = 1 << 20  # bytes per py4j call when a Hadoop file is read through


def absolute_input(path: str) -> str:
    """The absolute spelling of an input: a Hadoop URL as it is, a path made absolute."""
    return path if is_hadoop_url(path) else os.path.abspath(path)


def base_name(path: str) -> str:
    """The last part of a path or URL (os.path.basename would use "\\" on Windows)."""
    return path.rstrip("/").rsplit("/", 1)[-1] if is_hadoop_url(path) else os.path.basename(path)


@dataclass(frozen=True)
class InputStat:
    size: int
    mtime: float  # epoch seconds
    mtime_ns: int
    inode: int  # 0 on a Hadoop file system (no such thing there)
    regular: bool  # a plain file (not a folder, FIFO, device)


def stat_input(path: str) -> InputStat:
    if not is_hadoop_url(path):
        st = os.stat(path)
        return InputStat(st.st_size, st.st_mtime, st.st_mtime_ns, st.st_ino,
                         stat.S_ISREG(st.st_mode))
    with java_errors(path):
        fs, jpath = hadoop_file_system(path)
        return status_of(fs.getFileStatus(jpath))


def status_of(status) -> InputStat:
    """An InputStat from a Hadoop FileStatus."""
    millis = int(status.getModificationTime())
    return InputStat(int(status.getLen()), millis / 1000.0, millis * 1_000_000, 0,
                     bool(status.isFile()))


def open_input(path: str) -> BinaryIO:
    """The file's bytes, buffered and seekable (a Hadoop stream seeks as well)."""
    if not is_hadoop_url(path):
        return open(path, "rb")
    with java_errors(path):
        fs, jpath = hadoop_file_system(path)
        stream = fs.open(jpath)
    return io.BufferedReader(_JavaStream(stream, path), buffer_size=_STREAM_BUFFER)


def hadoop_file_system(url: str):
    """(the Hadoop FileSystem of `url`, its Path) in the running Spark session's JVM."""
    from pyspark import SparkContext  # classic Spark only: a Connect client has no JVM

    sc = SparkContext._active_spark_context
    if sc is None:
        raise OSError(f"{url}: reading a Hadoop file system needs Spark running in this "
                      "process (classic Spark, not Spark Connect)")
    jpath = sc._jvm.org.apache.hadoop.fs.Path(url)
    return jpath.getFileSystem(sc._jsc.hadoopConfiguration()), jpath


@contextmanager
def java_errors(url: str) -> Iterator[None]:
    """A Java exception from the Hadoop client, as the OSError Python I/O would raise."""
    from py4j.protocol import Py4JError, Py4JJavaError

    try:
        yield
    except Py4JJavaError as exc:
        java = exc.java_exception
        name = java.getClass().getName()
        text = str(java.getMessage() or name)
        if name.endswith("FileNotFoundException"):
            raise FileNotFoundError(2, f"no such file ({text})", url) from None
        if name.endswith("AccessControlException"):
            raise PermissionError(13, f"permission denied ({text})", url) from None
        if name.endswith("UnsupportedFileSystemException"):
            raise OSError(f"{url}: {text}: Spark has no client for this file system "
                          "(add its jars, e.g. hadoop-aws for s3a://, with spark.jars)") from None
        raise OSError(f"{url}: {name.rsplit('.', 1)[-1]}: {text}") from None
    except Py4JError as exc:
        raise OSError(f"{url}: the JVM could not be asked ({exc})") from None


class _JavaStream(io.RawIOBase):
    """A Hadoop FSDataInputStream as a Python raw stream (readNBytes returns bytes)."""

    def __init__(self, stream, url: str) -> None:
        super().__init__()
        self._stream, self._url = stream, url

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        with java_errors(self._url):
            data = self._stream.readNBytes(len(buffer))
        n = len(data)
        buffer[:n] = data
        return n

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_CUR:
            offset += self.tell()
        elif whence != io.SEEK_SET:
            raise io.UnsupportedOperation("seek from the end of a Hadoop file")
        with java_errors(self._url):
            self._stream.seek(offset)
        return offset

    def tell(self) -> int:
        with java_errors(self._url):
            return int(self._stream.getPos())

    def close(self) -> None:
        if not self.closed:
            try:
                with java_errors(self._url):
                    self._stream.close()
            finally:
                super().close()


__all__ = ["InputStat", "absolute_input", "base_name", "hadoop_file_system", "is_hadoop_url",
           "java_errors", "open_input", "stat_input", "status_of"]
