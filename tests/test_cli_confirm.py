"""The one confirmation flow of the console's commands that cannot simply be taken back (merge, erase)."""

from __future__ import annotations

import pytest

from deskapp.cli.common import confirmed, said_yes


def test_yes_goes_ahead_without_asking(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    assert confirmed(True, "refused", lambda: pytest.fail("asked"), unasked=lambda: pytest.fail("unasked"))


def test_a_script_is_never_asked(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    shown: list[str] = []
    assert not confirmed(False, "add --yes", lambda: pytest.fail("asked"), unasked=lambda: shown.append("preview"))
    assert shown == ["preview"]
    assert capsys.readouterr().err == "deskapp: add --yes\n"


@pytest.mark.parametrize("answer", [True, False])
def test_at_a_terminal_the_answer_decides(monkeypatch: pytest.MonkeyPatch, answer: bool) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    assert confirmed(False, "refused", lambda: answer, unasked=lambda: pytest.fail("unasked")) is answer


@pytest.mark.parametrize(("typed", "yes"), [("y", True), (" YES \n", True), ("n", False), ("", False), ("yess", False)])
def test_said_yes(typed: str, yes: bool) -> None:
    assert said_yes(typed) is yes
