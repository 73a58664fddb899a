"""Password hashing with argon2id (OWASP: m=19 MiB, t=2, p=1), off the event loop.

Hashing costs tens of milliseconds of CPU on purpose, so the server runs it in
a small bounded thread pool: a flood of password attempts queues there and
never stalls the sessions sharing the loop.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="argon2")
_dummy_hash: str | None = None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when `password` matches; False for a wrong one or an unusable hash."""
    if not stored_hash:
        return False
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _verify_in_pool(stored_hash: str | None, password: str) -> bool:
    """A name without a password costs as long as a wrong password: no telling names apart."""
    global _dummy_hash
    if stored_hash:
        return verify_password(stored_hash, password)
    if _dummy_hash is None:
        _dummy_hash = hash_password("no password is set for this name")
    verify_password(_dummy_hash, password)
    return False


async def verify_password_async(stored_hash: str | None, password: str) -> bool:
    """verify_password in the bounded argon2 pool, never on the event loop."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_pool, _verify_in_pool, stored_hash, password)
