"""The repository keeps no third-party files and documents every setting (issue 2)."""

import re
import subprocess
from pathlib import Path

import pytest
from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parents[1]


def tracked_files() -> list[str]:
    result = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip("not a git checkout")
    return result.stdout.splitlines()


class RepositoryTests(SimpleTestCase):
    def test_no_third_party_assets_are_committed(self):
        vendored = [
            path
            for path in tracked_files()
            if path.startswith(("node_modules/", "src/duban/static/vendor/"))
            or re.search(r"\.min\.(js|css)$", path)
        ]
        self.assertEqual(vendored, [])

    def test_readme_documents_every_environment_variable(self):
        used = set()
        for path in (ROOT / "src").rglob("*.py"):
            used.update(re.findall(r'"(DUBAN_[A-Z_]+)"', path.read_text(encoding="utf-8")))
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        self.assertEqual(sorted(name for name in used if name not in readme), [])
