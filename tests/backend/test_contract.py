"""Contracts with the outside: the committed OpenAPI file, operation ids, dependency floors
(known CVEs fixed), the password-hashing stack, and where the JWT library may be used."""

from __future__ import annotations

import importlib.metadata
import json
import re
from pathlib import Path
from typing import Any

import pytest

import dangjian
from dangjian.core import security
from dangjian.main import create_app

REPO_ROOT = Path(__file__).resolve().parents[2]
OPENAPI_FILE = REPO_ROOT / "openapi" / "openapi.json"
PACKAGE_DIR = Path(dangjian.__file__).resolve().parent
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return create_app().openapi()


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in HTTP_METHODS
    ]


# --- the committed OpenAPI document -----------------------------------------------------------


def test_committed_openapi_is_up_to_date(spec: dict[str, Any]) -> None:
    generated = json.dumps(spec, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    committed = OPENAPI_FILE.read_text(encoding="utf-8")
    assert generated == committed, "openapi/openapi.json is stale: run `make openapi`"


def test_capabilities_are_an_enum_in_the_schema(spec: dict[str, Any]) -> None:
    """/auth/me returns capabilities as the authz enum, so the SPA's generated type is exactly it."""
    from dangjian.authz.capabilities import Capability

    schemas = spec["components"]["schemas"]
    assert schemas["Capability"]["enum"] == [c.value for c in Capability]
    ref = {"$ref": "#/components/schemas/Capability"}
    assert schemas["MeOrganization"]["properties"]["capabilities"]["items"] == ref
    assert schemas["MeRead"]["properties"]["global_capabilities"]["items"] == ref
    committed = json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))
    assert committed["components"]["schemas"]["Capability"] == schemas["Capability"]


def test_operation_ids_are_tag_dash_name_and_unique(spec: dict[str, Any]) -> None:
    ops = operations(spec)
    assert ops, "no operations in the OpenAPI document"
    ids = [op.get("operationId") for _, _, op in ops]
    bad = [
        (m, p, op.get("operationId"))
        for m, p, op in ops
        if not re.fullmatch(r"[a-z]+-[a-z_]+", op.get("operationId") or "")
    ]
    assert bad == []
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_every_operation_documents_its_problem_answers(spec: dict[str, Any]) -> None:
    """Clients generated from the document know the error shape (RFC 9457 `Problem`)."""
    assert "Problem" in spec["components"]["schemas"]
    for method, path, op in operations(spec):
        if path in {"/api/v1/auth/login", "/api/v1/auth/token", "/api/v1/auth/refresh"}:
            continue
        assert "401" in op["responses"], (method, path)


# --- dependency floors ----------------------------------------------------------------------


def parse_version(text: str) -> Any:
    try:
        from packaging.version import Version
    except ImportError:  # pragma: no cover - packaging ships with pip's toolchain
        return tuple(int(p) for p in re.findall(r"\d+", text)[:3])
    return Version(text)


@pytest.mark.parametrize(
    ("distribution", "floor", "why"),
    [
        ("starlette", "1.3.1", "security floor of backend/pyproject.toml"),
        ("python-multipart", "0.0.30", "security floor of backend/pyproject.toml"),
        ("h11", "0.16", "CVE-2025-43859 request smuggling"),
        ("python-jose", "3.5", "CVE-2024-33663 algorithm confusion, CVE-2024-33664 JWE bomb"),
    ],
)
def test_installed_version_is_at_least_the_floor(distribution: str, floor: str, why: str) -> None:
    installed = importlib.metadata.version(distribution)
    assert parse_version(installed) >= parse_version(floor), (
        f"{distribution} {installed} < {floor} ({why})"
    )


def test_pyproject_declares_the_same_floors() -> None:
    pyproject = (REPO_ROOT / "backend" / "pyproject.toml").read_text(encoding="utf-8")
    for requirement in [
        '"starlette>=1.3.1"',
        '"python-multipart>=0.0.30"',
        '"h11>=0.16"',
        '"python-jose[cryptography]>=3.5"',
        '"libpass>=1.9"',
    ]:
        assert requirement in pyproject, requirement


# --- password hashing stack -------------------------------------------------------------------


def test_passlib_comes_from_libpass() -> None:
    """passlib 1.7.4 is unmaintained (breaks with bcrypt ≥ 4.1); libpass is its maintained fork
    and installs the same `passlib` package."""
    libpass = importlib.metadata.distribution("libpass")
    assert any(str(f) == "passlib/__init__.py" for f in libpass.files or [])
    with pytest.raises(importlib.metadata.PackageNotFoundError):
        importlib.metadata.distribution("passlib")


def test_crypt_context_uses_argon2id_only() -> None:
    params = security.Argon2Parameters(time_cost=1, memory_kib=8, parallelism=1)
    context = security.password_hasher(params)._context
    assert context.schemes() == ("argon2",)
    assert context.hash("Hongqi#Shequ-7").startswith("$argon2id$")
    assert security.hash_password("Hongqi#Shequ-7", params).startswith("$argon2id$")


# --- where JWT and password hashing may be used -----------------------------------------------


def modules_importing(pattern: str) -> list[str]:
    regex = re.compile(pattern, re.MULTILINE)
    return sorted(
        str(path.relative_to(PACKAGE_DIR))
        for path in PACKAGE_DIR.rglob("*.py")
        if regex.search(path.read_text(encoding="utf-8"))
    )


def test_only_core_security_imports_the_jwt_library() -> None:
    assert modules_importing(r"^\s*(from\s+jose\b|import\s+jose\b)") == ["core/security.py"]


def test_only_core_security_imports_password_hashing() -> None:
    pattern = r"^\s*(from\s+(passlib|argon2|bcrypt)\b|import\s+(passlib|argon2|bcrypt)\b)"
    assert modules_importing(pattern) == ["core/security.py"]
