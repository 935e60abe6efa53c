"""Password hashing with argon2id (argon2-cffi), at or above OWASP's recommended parameters.

OWASP's floor for argon2id is 19 MiB of memory, 2 iterations and 1 lane. We use 64 MiB: about
0.2 s per sign-in on a desk PC, which a person does not notice and an attacker with a stolen
database file does. Hashes carry their own parameters, so raising them later only means
:func:`needs_rehash` returns True and the hash is replaced at the next successful sign-in.
"""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

TIME_COST = 2
MEMORY_COST_KIB = 65536
PARALLELISM = 1

_hasher = PasswordHasher(
    time_cost=TIME_COST, memory_cost=MEMORY_COST_KIB, parallelism=PARALLELISM, type=Type.ID
)


def hash_password(password: str) -> str:
    """Hash ``password`` with argon2id and a fresh random salt.

    Args:
        password: The plain-text password.

    Returns:
        The encoded hash (``$argon2id$v=19$m=…,t=…,p=…$salt$hash``), parameters included.
    """
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check ``password`` against a stored hash; never raises.

    Args:
        password_hash: The stored encoded hash; ``None`` (no password set) never matches.
        password: The plain-text password typed by the person signing in.

    Returns:
        True when the password matches; False on a mismatch or a missing or malformed hash.
    """
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError, ValueError, TypeError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether ``password_hash`` was made with other (older, weaker) parameters than today's.

    Args:
        password_hash: The stored encoded hash.

    Returns:
        True when the hash should be replaced after the next successful sign-in, including
        when it is not an argon2 hash at all.
    """
    try:
        return _hasher.check_needs_rehash(password_hash)
    except (InvalidHashError, ValueError, TypeError):
        return True
