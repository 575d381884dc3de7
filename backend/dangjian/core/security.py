"""The only module that touches JWT and password hashing.

- Passwords: argon2id through passlib's CryptContext (installed as `libpass`, the maintained
  fork: passlib 1.7.4 breaks with bcrypt 5). Argon2 has no input truncation.
- Access tokens: HS256 JWT via python-jose with an explicit algorithm allowlist, so `alg: none`
  or an RSA/HMAC confusion is rejected before the signature is even looked at.
- Refresh tokens and client secrets: opaque random strings, stored as SHA-256 digests.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

from jose import JWTError, jwt
from passlib.context import CryptContext
from passlib.hash import argon2 as argon2_hash

from dangjian.core import clock

ALGORITHM = "HS256"
ALLOWED_ALGORITHMS = [ALGORITHM]


@dataclass(frozen=True)
class Argon2Parameters:
    """The cost of one argon2id hash (settings `DANGJIAN_PASSWORD_HASH_*`).

    The defaults are argon2-cffi's (RFC 9106's low-memory profile; passlib uses the same):
    3 passes over 64 MiB with 4 lanes, ~0.3 s of CPU."""

    time_cost: int = 3
    memory_kib: int = 64 * 1024
    parallelism: int = 4

    def below(self, floor: Argon2Parameters) -> list[str]:
        """Which of the parameters are weaker than `floor` (empty when none is)."""
        return [
            f"{name}={value} < {minimum}"
            for name, value, minimum in (
                ("time_cost", self.time_cost, floor.time_cost),
                ("memory_kib", self.memory_kib, floor.memory_kib),
                ("parallelism", self.parallelism, floor.parallelism),
            )
            if value < minimum
        ]


# The floor outside development and test: OWASP's Password Storage Cheat Sheet, argon2id with
# 19 MiB of memory and 2 passes (its memory-lighter options trade memory for more passes; this
# floor requires both). Tests run with far cheaper parameters; production refuses them.
ARGON2_MINIMUM = Argon2Parameters(time_cost=2, memory_kib=19 * 1024, parallelism=1)


class PasswordHasher:
    """argon2id with one set of parameters. A hash records the parameters it was made with, so
    hashes made with other parameters keep verifying; `needs_rehash` says when to replace one."""

    def __init__(self, params: Argon2Parameters) -> None:
        self.params = params
        self._context = CryptContext(
            schemes=["argon2"],
            deprecated="auto",
            argon2__type="ID",
            argon2__rounds=params.time_cost,
            argon2__memory_cost=params.memory_kib,
            argon2__parallelism=params.parallelism,
        )
        # A hash of a random password, verified against when the user does not exist, so that
        # an unknown user and a wrong password take the same time (same parameters). Made on
        # first use, in the worker thread that verifies.
        self._dummy_hash: str | None = None

    def hash(self, password: str) -> str:
        return str(self._context.hash(password))

    def verify(self, password: str, password_hash: str | None) -> bool:
        if password_hash is None:
            if self._dummy_hash is None:
                self._dummy_hash = self.hash(secrets.token_urlsafe(16))
            self._context.verify(password, self._dummy_hash)
            return False
        return bool(self._context.verify(password, password_hash))

    def needs_rehash(self, password_hash: str) -> bool:
        """True when the hash was made with any other parameters, stronger or weaker (passlib's
        own check looks at the memory cost only), so that a sign-in brings it to the
        configured ones."""
        if self._context.needs_update(password_hash):
            return True
        made = argon2_hash.from_string(password_hash)
        return (made.rounds, made.memory_cost, made.parallelism) != (
            self.params.time_cost,
            self.params.memory_kib,
            self.params.parallelism,
        )


@lru_cache(maxsize=8)
def password_hasher(params: Argon2Parameters) -> PasswordHasher:
    return PasswordHasher(params)


# Hashing and verifying take ~0.3 s of CPU each with the default parameters: async callers run
# them through `dangjian.core.cpu.run_cpu`, never inline. The parameters come from the settings
# (`Settings.password_hashing`).
def hash_password(password: str, params: Argon2Parameters) -> str:
    return password_hasher(params).hash(password)


def verify_password(password: str, password_hash: str | None, params: Argon2Parameters) -> bool:
    return password_hasher(params).verify(password, password_hash)


def password_needs_rehash(password_hash: str, params: Argon2Parameters) -> bool:
    return password_hasher(params).needs_rehash(password_hash)


@lru_cache
def _common_passwords() -> frozenset[str]:
    text = resources.files("dangjian.core").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def password_problems(
    password: str, *, min_length: int, min_classes: int, username: str = ""
) -> list[str]:
    """Chinese reasons a password is refused (等保 level 3); empty when it is acceptable."""
    problems: list[str] = []
    # NUL, tab, newline, zero-width and direction marks: invisible, and they break other systems.
    if any(unicodedata.category(c) in {"Cc", "Cf"} for c in password):
        problems.append("密码不能包含控制字符（如换行、制表符或不可见字符）")
    if len(password) < min_length:
        problems.append(f"密码长度至少 {min_length} 位")
    classes = sum(
        any(c in chars for c in password)
        for chars in (string.ascii_lowercase, string.ascii_uppercase, string.digits)
    ) + any(not c.isalnum() for c in password)
    if classes < min_classes:
        problems.append(f"密码须包含大写字母、小写字母、数字、特殊字符中的至少 {min_classes} 类")
    if password.lower() in _common_passwords():
        problems.append("密码过于常见，请换一个")
    if username and username.lower() in password.lower():
        problems.append("密码不能包含用户名")
    return problems


def generate_password(length: int = 14) -> str:
    """A random password that satisfies the policy (for new accounts and resets)."""
    alphabet = string.ascii_letters + string.digits + "#@%+=-"
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(length))
        if not password_problems(candidate, min_length=8, min_classes=4):
            return candidate


def new_opaque_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def constant_time_equals(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


@dataclass(frozen=True)
class AccessClaims:
    subject: str
    session_id: str
    expires_at: datetime


def create_access_token(
    *,
    subject: str,
    session_id: str,
    key: str,
    ttl_seconds: int,
    extra: dict[str, Any] | None = None,
) -> tuple[str, datetime]:
    now = clock.now()
    expires = now + timedelta(seconds=ttl_seconds)
    payload: dict[str, Any] = {
        "sub": subject,
        "sid": session_id,
        "typ": "access",
        "iat": int(now.timestamp()),
        "exp": int(expires.timestamp()),
        "jti": secrets.token_hex(8),
        **(extra or {}),
    }
    return jwt.encode(payload, key, algorithm=ALGORITHM), expires


def decode_access_token(token: str, *, key: str) -> AccessClaims | None:
    """Claims of a valid access token; None for anything else (any alg but HS256, bad
    signature, tampered payload, expired, or not an access token)."""
    claims = _verified_claims(token, key)
    # Expiry is judged on every call by the platform's clock, never remembered.
    if claims is None or claims.expires_at.timestamp() < int(clock.now().timestamp()):
        return None
    return claims


@lru_cache(maxsize=4096)
def _verified_claims(token: str, key: str) -> AccessClaims | None:
    """The signature and claims check of a token, remembered per (token, key): a client sends
    the same token with every request until it expires, and the check is pure (its answer
    depends on nothing but the two strings). Bounded: a flood of forged tokens only evicts."""
    try:
        header = jwt.get_unverified_header(token)
        if header.get("alg") not in ALLOWED_ALGORITHMS:
            return None
        payload = jwt.decode(
            token,
            key,
            algorithms=ALLOWED_ALGORITHMS,
            # Expiry is judged by the platform's clock (decode_access_token), not the library's.
            options={"require_exp": True, "require_sub": True, "verify_exp": False},
        )
        expires_at = int(payload["exp"])
        if payload.get("typ") != "access" or not isinstance(payload.get("sid"), str):
            return None
        return AccessClaims(
            subject=str(payload["sub"]),
            session_id=payload["sid"],
            expires_at=datetime.fromtimestamp(expires_at, UTC),
        )
    except (JWTError, TypeError, ValueError, OverflowError):
        return None
