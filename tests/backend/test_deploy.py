"""deploy/: the compose file, Dockerfile, nginx and systemd configuration, and a backup/restore
round trip of deploy/backup.sh and deploy/restore.sh against the local PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
IN_CI = os.environ.get("CI", "").lower() == "true"
BASH = shutil.which("bash") or "/bin/bash"


def _read(name: str) -> str:
    return (DEPLOY / name).read_text(encoding="utf-8")


def _docker_compose_works() -> bool:
    docker = shutil.which("docker")
    if not docker:
        return False
    probe = subprocess.run([docker, "compose", "version"], capture_output=True, timeout=30)
    return probe.returncode == 0


def _compose() -> dict[str, Any]:
    try:
        import yaml
    except ImportError:  # pragma: no cover - PyYAML comes with the dev dependencies
        pytest.skip("PyYAML is not installed")
    data = yaml.safe_load(_read("compose.yaml"))
    assert isinstance(data, dict)
    return data


# --- compose ------------------------------------------------------------------------------


def test_compose_config_builds() -> None:
    """`docker compose config` where the compose plugin exists; else the structure below."""
    if not _docker_compose_works():
        pytest.skip("no `docker compose` here: the file is checked structurally instead")
    env = {**os.environ, "DANGJIAN_ENV_FILE": "env.example"}
    docker = shutil.which("docker") or "docker"
    result = subprocess.run(
        [
            docker,
            "compose",
            "--env-file",
            "env.example",
            "-f",
            "compose.yaml",
            "config",
            "-q",
        ],
        cwd=DEPLOY,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_compose_services_and_healthchecks() -> None:
    compose = _compose()
    services = compose["services"]
    assert set(services) == {"db", "api", "nginx"}

    db = services["db"]
    assert db["image"].startswith("postgres:16")
    assert "pg_isready" in str(db["healthcheck"]["test"])
    assert any(v.endswith(":/var/lib/postgresql/data") for v in db["volumes"])

    api = services["api"]
    assert api["build"]["dockerfile"] == "deploy/Dockerfile"
    assert api["build"]["target"] == "api"
    assert api["depends_on"]["db"]["condition"] == "service_healthy"
    assert "/readyz" in str(api["healthcheck"]["test"])
    assert "WEB_CONCURRENCY" in api["environment"]
    assert api["environment"]["DANGJIAN_DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert "var:/var/lib/dangjian" in api["volumes"]
    assert "ports" not in api, "the API is reached through nginx only"

    nginx = services["nginx"]
    assert nginx["build"]["target"] == "web"
    assert nginx["depends_on"]["api"]["condition"] == "service_healthy"
    assert "healthcheck" in nginx
    mounts = " ".join(nginx["volumes"])
    for name in (
        "nginx.conf",
        "dangjian.conf",
        "dangjian-proxy.inc",
        "/etc/nginx/certs",
    ):
        assert name in mounts
    assert compose["networks"]["backend"]["internal"] is True
    assert set(compose["volumes"]) == {"pgdata", "var"}


def test_compose_env_file_names_every_variable_it_needs() -> None:
    """Every ${VAR} of compose.yaml without a default is set in env.example."""
    text = _read("compose.yaml")
    example = {
        line.split("=", 1)[0]
        for line in _read("env.example").splitlines()
        if line and not line.startswith("#") and "=" in line
    }
    required = {m.group(1) for m in re.finditer(r"\$\{([A-Z_]+)(?::\?[^}]*)?\}", text)}
    assert required - example == set()
    assert {"POSTGRES_PASSWORD", "WEB_CONCURRENCY", "DANGJIAN_DATA_KEY"} <= example


# --- Dockerfile ---------------------------------------------------------------------------


def test_dockerfile_multi_stage_non_root_with_healthcheck() -> None:
    text = _read("Dockerfile")
    stages = re.findall(r"^FROM (\S+) AS (\S+)$", text, re.MULTILINE)
    assert [name for _, name in stages] == ["spa", "backend", "web", "api"]
    assert stages[0][0].startswith("node:22")
    assert stages[-1][0].startswith("python:3.12-slim")
    assert "npm ci" in text and "npm run build" in text
    # installed, not editable
    assert re.search(r"pip install /src/backend\s*$", text, re.MULTILINE)
    assert "pip install -e" not in text
    final = text.split("AS api", 1)[1]
    users = re.findall(r"^USER (\S+)", final, re.MULTILINE)
    assert users and not users[-1].startswith(("root", "0"))
    assert re.search(r"^HEALTHCHECK .*\n?.*/healthz", final, re.MULTILINE)
    assert "DANGJIAN_ALEMBIC_INI=/app/backend/alembic.ini" in final
    assert "COPY backend/migrations" in final
    assert "frontend/dist" in final


def test_entrypoint_migrates_then_serves_with_workers() -> None:
    text = _read("docker-entrypoint.sh")
    migrate = text.index("dangjian migrate")
    serve = text.index("exec dangjian serve")
    assert migrate < serve
    assert '--workers "${WEB_CONCURRENCY' in text
    assert "--host 0.0.0.0" in text


def test_alembic_ini_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A non-editable install finds its migrations through DANGJIAN_ALEMBIC_INI."""
    from dangjian.cli import ALEMBIC_INI, alembic_ini

    monkeypatch.delenv("DANGJIAN_ALEMBIC_INI", raising=False)
    assert alembic_ini() == ALEMBIC_INI
    monkeypatch.setenv("DANGJIAN_ALEMBIC_INI", str(tmp_path / "alembic.ini"))
    assert alembic_ini() == tmp_path / "alembic.ini"


# --- nginx --------------------------------------------------------------------------------


def _location(conf: str, prefix: str) -> str:
    match = re.search(r"location " + re.escape(prefix) + r" \{(.*?)\n    \}", conf, re.DOTALL)
    assert match, f"no location {prefix}"
    return match.group(1)


def test_nginx_site_directives() -> None:
    main = _read("nginx/nginx.conf")
    site = _read("nginx/dangjian.conf")
    proxy = _read("nginx/dangjian-proxy.inc")

    assert "gzip on;" in main
    assert re.search(r"client_max_body_size \d+m;", main)
    assert re.search(r"limit_req_zone \$binary_remote_addr zone=auth:", main)
    assert "limit_req_status 429;" in main
    assert "include /etc/nginx/conf.d/*.conf;" in main

    assert "return 301 https://$host$request_uri;" in site
    assert "listen 443 ssl" in site
    assert "ssl_certificate /etc/nginx/certs/fullchain.pem;" in site
    assert "ssl_certificate_key /etc/nginx/certs/privkey.pem;" in site

    assets = _location(site, "/assets/")
    assert "immutable" in assets and "max-age=31536000" in assets
    assert "gzip_static on;" in assets
    assert "limit_req zone=auth" in _location(site, "/api/v1/auth/")
    assert "proxy_pass http://dangjian_api;" in _location(site, "/api/")

    for directive in (
        "proxy_connect_timeout",
        "proxy_read_timeout",
        "proxy_send_timeout",
    ):
        assert directive in proxy
    # overwritten (not appended): uvicorn trusts the left-most entry
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in proxy
    assert "X-Forwarded-Proto $scheme" in proxy
    # The app sets its own CSP and frame policy: nginx must not send a second, different one.
    added = re.findall(r"^\s*add_header (\S+)", main + site + proxy, re.MULTILINE)
    assert added, "the assets location adds its caching headers"
    for header in ("Content-Security-Policy", "X-Frame-Options", "Referrer-Policy"):
        assert header.lower() not in {h.lower() for h in added}


def _self_signed(directory: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    (directory / "fullchain.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (directory / "privkey.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def test_nginx_configuration_is_valid(tmp_path: Path) -> None:
    """`nginx -t` on the files, with the container paths moved into a scratch prefix."""
    nginx = shutil.which("nginx")
    if not nginx:
        pytest.skip("nginx is not installed here")
    (tmp_path / "conf.d").mkdir()
    (tmp_path / "certs").mkdir()
    (tmp_path / "logs").mkdir()
    _self_signed(tmp_path / "certs")
    # the real mime.types is not what is tested here
    (tmp_path / "mime.types").write_text("types { text/html html; application/javascript js; }\n")

    def moved(text: str) -> str:
        text = text.replace("/etc/nginx/", f"{tmp_path}/")
        text = text.replace("/var/log/nginx/", f"{tmp_path}/logs/")
        text = text.replace("/var/run/nginx.pid", f"{tmp_path}/nginx.pid")
        text = text.replace("server api:8000;", "server 127.0.0.1:8000;")
        temp = " ".join(
            f"{kind}_temp_path {tmp_path}/{kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        text = text.replace("http {", "http {\n    " + temp, 1)
        return re.sub(r"^user .*;$", "", text, flags=re.MULTILINE)

    (tmp_path / "nginx.conf").write_text(moved(_read("nginx/nginx.conf")))
    (tmp_path / "conf.d" / "default.conf").write_text(moved(_read("nginx/dangjian.conf")))
    (tmp_path / "conf.d" / "dangjian-proxy.inc").write_text(_read("nginx/dangjian-proxy.inc"))
    result = subprocess.run(
        [
            nginx,
            "-t",
            "-p",
            str(tmp_path),
            "-c",
            str(tmp_path / "nginx.conf"),
            "-e",
            "stderr",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr


# --- systemd ------------------------------------------------------------------------------


def test_systemd_unit_hardening() -> None:
    unit = _read("systemd/dangjian.service")
    lines = {line.strip() for line in unit.splitlines()}
    for expected in (
        "[Service]",
        "User=dangjian",
        "EnvironmentFile=/etc/dangjian/dangjian.env",
        "ExecStartPre=/opt/dangjian/venv/bin/dangjian migrate",
        "Restart=on-failure",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "ReadWritePaths=/var/lib/dangjian",
        "PrivateTmp=yes",
        "Environment=DANGJIAN_VAR_DIR=/var/lib/dangjian",
        "Environment=DANGJIAN_ALEMBIC_INI=/opt/dangjian/backend/alembic.ini",
        "WantedBy=multi-user.target",
    ):
        assert expected in lines, expected
    assert re.search(r"^ExecStart=.*dangjian serve .*--workers", unit, re.MULTILINE)


# --- backup and restore -------------------------------------------------------------------

SCRIPTS = ("backup.sh", "restore.sh", "docker-entrypoint.sh")


@pytest.mark.parametrize("name", SCRIPTS)
def test_shell_scripts_are_strict_and_lint_clean(name: str) -> None:
    path = DEPLOY / name
    text = path.read_text(encoding="utf-8")
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text
    assert os.access(path, os.X_OK)
    subprocess.run([BASH, "-n", str(path)], check=True, timeout=30)
    shellcheck = shutil.which("shellcheck")
    if shellcheck:
        result = subprocess.run([shellcheck, str(path)], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stdout


def _pg_url() -> str:
    url = os.environ.get("DANGJIAN_TEST_DATABASE_URL")
    if not url:
        if IN_CI:
            pytest.fail("DANGJIAN_TEST_DATABASE_URL is required under CI")
        pytest.skip("set DANGJIAN_TEST_DATABASE_URL to run the backup/restore round trip")
    missing = [tool for tool in ("pg_dump", "pg_restore", "psql") if not shutil.which(tool)]
    if missing:
        if IN_CI:
            pytest.fail(f"missing under CI: {', '.join(missing)}")
        pytest.skip(f"missing: {', '.join(missing)}")
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def _with_db(url: str, name: str) -> str:
    base, _, query = url.partition("?")
    return base.rsplit("/", 1)[0] + "/" + name + (f"?{query}" if query else "")


def _psql(url: str, sql: str) -> str:
    result = subprocess.run(
        [
            shutil.which("psql") or "psql",
            url,
            "-X",
            "-v",
            "ON_ERROR_STOP=1",
            "-Atc",
            sql,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def _table_counts(url: str) -> dict[str, int]:
    tables = _psql(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
    return {t: int(_psql(url, f'SELECT count(*) FROM "{t}"')) for t in tables.splitlines()}


def _script(name: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DANGJIAN_")}
    return subprocess.run(
        [BASH, str(DEPLOY / name), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


def test_backup_restore_round_trip(tmp_path: Path) -> None:
    admin = _pg_url()
    suffix = uuid.uuid4().hex[:10]
    source, target = f"dj_deploy_src_{suffix}", f"dj_deploy_dst_{suffix}"
    source_url, target_url = _with_db(admin, source), _with_db(admin, target)
    try:
        _psql(admin, f"CREATE DATABASE {source}")
        _psql(admin, f"CREATE DATABASE {target}")
        # The real schema, migrated as the image does it (the installed CLI, alembic.ini named
        # in DANGJIAN_ALEMBIC_INI, run from elsewhere), plus rows to count.
        migrate_env = {
            **os.environ,
            "DANGJIAN_DATABASE_URL": source_url.replace("postgresql://", "postgresql+asyncpg://"),
            "DANGJIAN_ALEMBIC_INI": str(REPO / "backend" / "alembic.ini"),
            "DANGJIAN_VAR_DIR": str(tmp_path / "unused-var"),
        }
        migrated = subprocess.run(
            [sys.executable, "-m", "dangjian.cli", "migrate"],
            cwd=tmp_path,
            env=migrate_env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert migrated.returncode == 0, migrated.stderr
        _psql(
            source_url,
            "CREATE TABLE deploy_probe (id integer PRIMARY KEY, note text NOT NULL);"
            "INSERT INTO deploy_probe SELECT g, '党员' || g FROM generate_series(1, 250) g;",
        )
        before = _table_counts(source_url)
        assert before["deploy_probe"] == 250 and before["alembic_version"] == 1
        probe = _psql(source_url, "SELECT string_agg(note, ',' ORDER BY id) FROM deploy_probe")

        var = tmp_path / "var"
        (var / "uploads" / "photos").mkdir(parents=True)
        for key in ("secret_key", "data_key", "audit_key"):
            (var / key).write_text(f"{key}-{suffix}")
            (var / key).chmod(0o600)
        (var / "uploads" / "photos" / "1.jpg").write_bytes(bytes(range(256)) * 4)

        backup = _script("backup.sh", "--db", source_url, "--var", var, "--out", tmp_path / "out")
        assert backup.returncode == 0, backup.stderr
        archive = Path(backup.stdout.strip().splitlines()[-1])
        assert re.fullmatch(r"dangjian-\d{8}T\d{6}Z\.tar", archive.name)
        assert archive.with_name(archive.name + ".sha256").is_file()
        assert archive.stat().st_mode & 0o077 == 0, "the archive holds the keys: owner only"

        # The source is lost; the archive alone brings it back.
        _psql(admin, f"DROP DATABASE {source} WITH (FORCE)")
        restored_var = tmp_path / "restored-var"
        restore = _script("restore.sh", archive, "--db", target_url, "--var", restored_var)
        assert restore.returncode == 0, restore.stderr
        assert _table_counts(target_url) == before
        assert _psql(target_url, "SELECT string_agg(note, ',' ORDER BY id) FROM deploy_probe") == (
            probe
        )
        for key in ("secret_key", "data_key", "audit_key"):
            assert (restored_var / key).read_text() == f"{key}-{suffix}"
        assert (restored_var / "uploads" / "photos" / "1.jpg").read_bytes() == (
            bytes(range(256)) * 4
        )

        # A database with tables is not overwritten without --force ...
        _psql(target_url, "DELETE FROM deploy_probe WHERE id > 10")
        refused = _script("restore.sh", archive, "--db", target_url, "--var", restored_var)
        assert refused.returncode != 0 and "--force" in refused.stderr
        assert _psql(target_url, "SELECT count(*) FROM deploy_probe") == "10"
        # ... and is replaced with it.
        (restored_var / "stray").write_text("x")
        forced = _script(
            "restore.sh", archive, "--db", target_url, "--var", restored_var, "--force"
        )
        assert forced.returncode == 0, forced.stderr
        assert _table_counts(target_url) == before
        assert not (restored_var / "stray").exists()

        # A damaged archive is refused before anything is touched.
        damaged = tmp_path / "damaged" / archive.name
        damaged.parent.mkdir()
        data = bytearray(archive.read_bytes())
        data[len(data) // 2] ^= 0xFF
        damaged.write_bytes(bytes(data))
        shutil.copy(archive.with_name(archive.name + ".sha256"), damaged.parent)
        bad = _script("restore.sh", damaged, "--db", target_url, "--var", restored_var, "--force")
        assert bad.returncode != 0 and "checksum" in bad.stderr
    finally:
        for name in (source, target):
            subprocess.run(
                [
                    shutil.which("psql") or "psql",
                    admin,
                    "-X",
                    "-qc",
                    f"DROP DATABASE IF EXISTS {name} WITH (FORCE)",
                ],
                capture_output=True,
                timeout=60,
            )
