"""Fixtures shared by the test modules."""
import shutil
import tempfile
from pathlib import Path

import pytest

import standin


@pytest.fixture
def shared_folder():
    """A folder anyone may enter and write, as /tmp (pytest's tmp_path is under a 0700 folder), where
    files of other users are."""
    folder = Path(tempfile.mkdtemp())
    folder.chmod(0o777)
    yield folder
    shutil.rmtree(folder)


@pytest.fixture(autouse=True)
def no_cache(monkeypatch):
    """Every run of a test reads and writes nothing of the check's cache, unless the test asks for
    it (tests/test_cache.py): a cache left by one test must not answer for another, nor land in fixtures/."""
    monkeypatch.setenv("QWEN_MIGRATE_NO_CACHE", "1")


@pytest.fixture(scope="module")
def server():
    """The DashScope stand-in on loopback, one per test module; tests clear what it saw."""
    state, httpd = standin.start()
    yield state
    httpd.shutdown()
    httpd.server_close()
