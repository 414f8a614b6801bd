"""Throw-away folders for a test run, removed when the run ends."""

import atexit
import shutil
import tempfile
from pathlib import Path


def scratch_folder(prefix: str = "duban-test-") -> Path:
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder
