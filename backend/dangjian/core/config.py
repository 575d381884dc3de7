"""One typed settings object, read from `DANGJIAN_*` environment variables."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import Field, PrivateAttr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from dangjian.core import clock
from dangjian.core.security import ARGON2_MINIMUM, Argon2Parameters

_ARGON2_DEFAULT = Argon2Parameters()

REPO_ROOT = Path(__file__).resolve().parents[3]


class Settings(BaseSettings):
    """Platform settings. Every field can be set as `DANGJIAN_<NAME>`."""

    model_config = SettingsConfigDict(env_prefix="DANGJIAN_", extra="ignore")

    environment: str = Field("development", description="development | production | test")
    var_dir: Path = Field(REPO_ROOT / "var", description="where the SQLite file and keys live")
    database_url: str = Field("", description="SQLAlchemy async URL; default SQLite under var/")
    database_pool_size: int = Field(
        20,
        ge=1,
        description="PostgreSQL connections kept open per API process; at least the number of "
        "requests it serves at once, or connections are opened and closed per request",
    )
    database_max_overflow: int = Field(
        10, ge=0, description="PostgreSQL connections opened beyond the pool under a burst"
    )
    secret_key: str = Field("", description="JWT signing key; generated into var/ if empty")
    data_key: str = Field("", description="personal-data encryption key; generated into var/")
    audit_key: str = Field(
        "", description="HMAC key of the audit chain (never in the database); generated into var/"
    )

    access_token_ttl_seconds: int = 15 * 60
    refresh_token_ttl_seconds: int = 12 * 60 * 60
    session_idle_timeout_seconds: int = 30 * 60
    session_absolute_timeout_seconds: int = 12 * 60 * 60
    client_token_ttl_seconds: int = 15 * 60

    login_max_failures: int = Field(5, description="password checks per user name before lock-out")
    login_lockout_seconds: int = 15 * 60
    login_ip_max_failures: int = Field(
        30, description="failed sign-ins per client address per window before 429"
    )
    login_ip_window_seconds: int = 15 * 60
    password_min_length: int = 8
    password_min_classes: int = 3
    totp_required_for_staff: bool = False
    # argon2id cost of a password hash; below ARGON2_MINIMUM only in development and test.
    password_hash_time_cost: int = Field(_ARGON2_DEFAULT.time_cost, ge=1, description="passes")
    password_hash_memory_kib: int = Field(
        _ARGON2_DEFAULT.memory_kib, ge=8, description="memory per hash in KiB"
    )
    password_hash_parallelism: int = Field(_ARGON2_DEFAULT.parallelism, ge=1, description="lanes")

    cors_origins: list[str] = Field(default_factory=list)
    cookie_secure: bool | None = Field(None, description="default: True outside development")
    max_body_bytes: int = 1024 * 1024
    max_upload_bytes: int = 20 * 1024 * 1024
    docs_enabled: bool = True
    spa_dir: Path = REPO_ROOT / "frontend" / "dist"
    demo_password: str = "Dangjian#2026"  # noqa: S105 — the published demo password
    timezone: str = Field(
        clock.DEFAULT_TIMEZONE,
        description="IANA zone every date is judged by (today, months, quarters, deadlines)",
    )

    # Keys read from var/, once per settings object (the JWT key is needed on every request).
    _keys: dict[str, str] = PrivateAttr(default_factory=dict)

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str) and not value.startswith("["):
            return [v.strip() for v in value.split(",") if v.strip()]
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        clock.load_zone(value)  # fails start-up with a clear message on an unknown zone
        return value

    @model_validator(mode="after")
    def _strong_enough_hashing(self) -> Settings:
        # argon2 itself needs 8 KiB per lane.
        if self.password_hash_memory_kib < 8 * self.password_hash_parallelism:
            raise ValueError(
                "DANGJIAN_PASSWORD_HASH_MEMORY_KIB must be at least 8 × "
                "DANGJIAN_PASSWORD_HASH_PARALLELISM"
            )
        weak = self.password_hashing.below(ARGON2_MINIMUM)
        if weak and not self.is_development:
            floor = ARGON2_MINIMUM
            raise ValueError(
                f"password hashing too weak for DANGJIAN_ENVIRONMENT={self.environment}: "
                + ", ".join(f"DANGJIAN_PASSWORD_HASH_{w.upper()}" for w in weak)
                + f". Outside development and test the minimum (OWASP) is TIME_COST "
                f"{floor.time_cost}, MEMORY_KIB {floor.memory_kib}, PARALLELISM "
                f"{floor.parallelism}; leave them unset for the defaults "
                f"({_ARGON2_DEFAULT.time_cost}, {_ARGON2_DEFAULT.memory_kib}, "
                f"{_ARGON2_DEFAULT.parallelism})"
            )
        return self

    @property
    def password_hashing(self) -> Argon2Parameters:
        return Argon2Parameters(
            time_cost=self.password_hash_time_cost,
            memory_kib=self.password_hash_memory_kib,
            parallelism=self.password_hash_parallelism,
        )

    @property
    def zone(self) -> ZoneInfo:
        return clock.load_zone(self.timezone)

    @property
    def is_development(self) -> bool:
        return self.environment in {"development", "test"}

    @property
    def secure_cookies(self) -> bool:
        return (not self.is_development) if self.cookie_secure is None else self.cookie_secure

    @property
    def refresh_cookie_name(self) -> str:
        # The __Host- prefix needs Secure, Path=/ and no Domain.
        return "__Host-dj_refresh" if self.secure_cookies else "dj_refresh"

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        self.var_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite+aiosqlite:///{self.var_dir / 'dangjian.db'}"

    def _key_from_file(self, name: str) -> str:
        if name not in self._keys:
            self._keys[name] = self._read_or_create_key(name)
        return self._keys[name]

    def _read_or_create_key(self, name: str) -> str:
        path = self.var_dir / name
        if path.exists():
            return path.read_text().strip()
        self.var_dir.mkdir(parents=True, exist_ok=True)
        value = secrets.token_urlsafe(48)
        # Created exclusively with owner-only permissions from the first byte: of several
        # workers starting at once, one writes the key and the others read it.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_text().strip()
        with os.fdopen(fd, "w") as handle:
            handle.write(value)
        return value

    def signing_key(self) -> str:
        """The JWT key: from settings, else generated once into var/ (never a constant)."""
        if self.secret_key:
            if not self.is_development and len(self.secret_key) < 32:
                raise RuntimeError("DANGJIAN_SECRET_KEY must be at least 32 characters")
            return self.secret_key
        return self._key_from_file("secret_key")

    def personal_data_key(self) -> str:
        return self.data_key or self._key_from_file("data_key")

    def audit_signing_key(self) -> str:
        """The audit chain's HMAC key: from settings, else generated once into var/audit_key.

        It must not live in the database: whoever can rewrite the audit table must not be able to
        recompute the chain."""
        return self.audit_key or self._key_from_file("audit_key")

    def audit_key_available(self) -> bool:
        """Whether a key exists already (verifying must not silently generate a new one)."""
        return bool(self.audit_key) or (self.var_dir / "audit_key").exists()


@lru_cache
def get_settings() -> Settings:
    return Settings()
