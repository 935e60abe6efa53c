"""argon2id password hashing."""

from __future__ import annotations

import re

import pytest
from argon2 import PasswordHasher

from deskapp.core.security.passwords import hash_password, needs_rehash, verify_password

PARAMS = re.compile(r"^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$")


def test_hash_is_argon2id_with_at_least_owasp_parameters() -> None:
    encoded = hash_password("correct horse")
    match = PARAMS.match(encoded)
    assert match, encoded
    memory, time, lanes = (int(group) for group in match.groups())
    assert memory >= 19456
    assert time >= 2
    assert lanes == 1


def test_salted_hashes_differ_and_both_verify() -> None:
    first, second = hash_password("sama salasana"), hash_password("sama salasana")
    assert first != second
    assert verify_password(first, "sama salasana")
    assert verify_password(second, "sama salasana")


@pytest.mark.parametrize("password", ["demo-anna", "contraseña-ñ", "  spaces  ", "🔑" * 40])
def test_verify_good_and_bad(password: str) -> None:
    encoded = hash_password(password)
    assert verify_password(encoded, password)
    assert not verify_password(encoded, password + "x")
    assert not verify_password(encoded, password.upper() + "Z")


@pytest.mark.parametrize(
    "broken", [None, "", "not a hash", "$argon2id$v=19$m=65536,t=2,p=1$garbage", "$2b$12$abc"]
)
def test_verify_never_raises_on_bad_hashes(broken: str | None) -> None:
    assert verify_password(broken, "anything") is False


def test_needs_rehash() -> None:
    assert not needs_rehash(hash_password("x"))
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("x")
    assert needs_rehash(weak)
    assert verify_password(weak, "x")  # still accepted, so it can be upgraded at sign-in
    assert needs_rehash("not a hash")
