"""Fixtures shared by the test modules."""
import shutil
import tempfile
from pathlib import Path

import pytest


@pytest.fixture
def shared_folder():
    """A folder anyone may enter and write, as /tmp (pytest's tmp_path is under a 0700 folder), where
    files of other users are."""
    folder = Path(tempfile.mkdtemp())
    folder.chmod(0o777)
    yield folder
    shutil.rmtree(folder)
