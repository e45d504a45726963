"""Every model change has its migration, and model definitions are stable across runs
(a constraint built from a set would otherwise produce a new migration each time)."""

import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize("seed", ["1", "2", "3"])
def test_no_missing_migrations(seed):
    env = {**os.environ, "PYTHONHASHSEED": seed, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
