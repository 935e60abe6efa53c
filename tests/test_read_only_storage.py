"""A desk on a read-only file system (a mounted share, a backup disk) opens for lookup and export."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = r"""
set -e
mount -t tmpfs -o size=64m tmpfs "$1"
"$2" -m deskapp --db "$1/d.db" demo --customers 50 >/dev/null
mount -o remount,ro "$1"
echo "== lookup"; "$2" -m deskapp --db "$1/d.db" lookup --json maki
echo "== export"; "$2" -m deskapp --db "$1/d.db" export customers "$3/out.csv"
echo "== write"; "$2" -m deskapp --db "$1/d.db" users add bob --role rep --password-stdin <<< "a-long-password" \
  && echo "WRITE SUCCEEDED" || echo "write refused: $?"
"""


def _can_mount(tmp_path: Path) -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", f"mount -t tmpfs tmpfs {tmp_path}"],
                           capture_output=True, check=False)
    return probe.returncode == 0


def test_read_only_file_system_opens_for_lookup_and_export_and_refuses_writes(tmp_path: Path) -> None:
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    if not _can_mount(mnt):
        pytest.skip("needs unshare and mount (root in a sandbox)")
    result = subprocess.run(["unshare", "-m", "bash", "-c", SCRIPT, "bash", str(mnt), sys.executable,
                             str(tmp_path)], capture_output=True, text=True, check=False,
                            env={"LANG": "C.UTF-8", "PATH": "/usr/bin:/bin:/usr/sbin:/sbin"})
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert '"account_number": "FI-000001"' in out
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").count("\n") > 50
    assert "WRITE SUCCEEDED" not in out
    assert "write refused: 1" in out
    assert "read-only" in result.stderr
    assert "Traceback" not in result.stderr
