"""The desk opens without loading what searching does not need (bench/startup.py, "ready to search")."""

from __future__ import annotations

import json
import subprocess
import sys

LATER = ("phonenumbers", "jinja2", "yaml", "argon2", "babel.dates", "alembic")


def _modules_after(code: str) -> set[str]:
    script = f"import json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120)
    return set(json.loads(out.stdout.splitlines()[-1]))


def test_the_desk_module_loads_no_templates_phones_or_passwords() -> None:
    loaded = _modules_after("import deskapp.core.services.desk")
    assert "sqlalchemy.orm" in loaded  # it is the database layer after all
    assert not [name for name in LATER if name in loaded]


def test_phonenumbers_loads_with_the_first_phone_and_not_before() -> None:
    loaded = _modules_after(
        "from deskapp.core.search.query import parse_query\n"
        "parse_query('makinen jukka', ('FI',))\n"
        "parse_query('4567', ('FI',))\n"
    )
    assert "phonenumbers" not in loaded
    loaded = _modules_after("from deskapp.core.search.query import parse_query\nparse_query('040 123 4567', ('FI',))")
    assert "phonenumbers" in loaded
