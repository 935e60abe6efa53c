"""Console operations (customer import and export, backup) are audited as the console, with counts only."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.conftest import FIXTURES


def test_import_export_and_backup_are_audited_as_the_console_without_customer_data(
        cli, db_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("--db", str(db_path), "import", "customers", str(FIXTURES / "customers_formats.csv"),
               "--region", "fi")[0] == 0
    assert cli("--db", str(db_path), "export", "customers", str(tmp_path / "out.csv"))[0] == 0
    assert cli("--db", str(db_path), "backup", str(tmp_path / "copy.sqlite3"))[0] == 0
    exported = (tmp_path / "out.csv").read_text(encoding="utf-8")
    with sqlite3.connect(db_path) as db:
        rows = db.execute("SELECT a.username, e.action, e.detail FROM audit_event e JOIN agent a ON a.id = e.agent_id "
                          "WHERE e.action IN ('customer.import', 'customer.export', 'backup.run') ORDER BY e.id"
                          ).fetchall()
    assert [(who, action) for who, action, _ in rows] == [
        ("console", "customer.import"), ("console", "customer.export"), ("console", "backup.run")]
    details = [json.loads(detail) for _, _, detail in rows]
    assert details[0]["created"] > 0 and details[1]["count"] == details[0]["created"]
    # Counts and codes only: no name, e-mail or phone of the exported customers reaches the log.
    values = {str(v) for d in details for v in d.values()}
    for line in exported.splitlines()[1:]:
        for cell in line.split(","):
            if len(cell) > 3:
                assert cell not in values
