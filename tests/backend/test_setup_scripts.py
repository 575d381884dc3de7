"""`make test` sets itself up, or says why it cannot (scripts/ensure-*.sh, scripts/test-all.sh).

The scripts run with a PATH holding only the few tools they need — no chromium, apt-get, sudo,
pg_isready or pg_ctlcluster — so nothing is installed or started here. A fake `make` stands in
for the suites when the summary of scripts/test-all.sh is checked.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BASH = shutil.which("bash") or "/bin/bash"
TOOLS = [
    "cat",
    "tail",
    "tee",
    "mktemp",
    "rm",
    "sed",
    "grep",
    "awk",
    "paste",
    "seq",
    "sleep",
]
INSTALL_HINT = "sudo apt-get install chromium fonts-noto-cjk"


@pytest.fixture
def bare_path(tmp_path: Path) -> Path:
    """A PATH directory with the basic tools only (symlinks), to which a test may add fakes."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool)
        assert found, tool
        (bin_dir / tool).symlink_to(found)
    return bin_dir


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(script: str, bin_dir: Path, ci: bool, **env: str) -> subprocess.CompletedProcess[str]:
    base = {
        "PATH": str(bin_dir),
        "HOME": str(bin_dir.parent),
        "TMPDIR": str(bin_dir.parent),
        "CHROMIUM_PATH": str(bin_dir.parent / "no-chromium"),
        "DANGJIAN_TEST_PG_PORT": str(closed_port()),
    }
    if ci:
        base["CI"] = "true"
    return subprocess.run(
        [BASH, str(REPO / script)],
        env=base | env,
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
        cwd=bin_dir.parent,
    )


def test_browser_missing_under_ci_fails_with_one_line(bare_path: Path) -> None:
    r = run("scripts/ensure-browser.sh", bare_path, ci=True)
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1
    assert INSTALL_HINT in lines[0] and "Chromium" in lines[0] and "中文字体" in lines[0]


def test_browser_missing_without_ci_is_a_skip_with_reason(bare_path: Path) -> None:
    r = run("scripts/ensure-browser.sh", bare_path, ci=False)
    assert r.returncode == 3
    assert "skipped" in r.stderr and INSTALL_HINT in r.stderr


def test_e2e_run_skips_without_ci_and_notes_why(bare_path: Path) -> None:
    notes = bare_path.parent / "notes"
    r = run("tests/e2e/run.sh", bare_path, ci=False, DANGJIAN_TEST_NOTES=str(notes))
    assert r.returncode == 0, r.stderr
    suite, reason = notes.read_text(encoding="utf-8").strip().split("\t")
    assert suite == "browser" and "skipped" in reason and INSTALL_HINT in reason


def test_e2e_run_fails_under_ci_without_browser(bare_path: Path) -> None:
    r = run("tests/e2e/run.sh", bare_path, ci=True)
    assert r.returncode == 1
    assert INSTALL_HINT in r.stderr


def test_postgres_url_given_is_used_as_is(bare_path: Path) -> None:
    url = "postgresql+asyncpg://someone@db.example:6543/x"
    r = run("scripts/ensure-postgres.sh", bare_path, ci=True, DANGJIAN_TEST_DATABASE_URL=url)
    assert (r.returncode, r.stdout.strip()) == (0, url)


def test_postgres_missing_is_a_skip_without_ci_and_a_failure_under_ci(
    bare_path: Path,
) -> None:
    r = run("scripts/ensure-postgres.sh", bare_path, ci=False)
    assert r.returncode == 3 and r.stdout == ""
    assert r.stderr.startswith("PostgreSQL tests skipped: no PostgreSQL server answers")
    r = run("scripts/ensure-postgres.sh", bare_path, ci=True)
    assert r.returncode == 1 and r.stdout == ""
    assert "required when CI=true" in r.stderr


FAKE_MAKE = r"""#!{bash}
case "$2" in
  test-backend) printf 'created: 2/2 workers\n2 workers [15 items]\n\n...s..s.s......  [100%%]\n'; echo "12 passed, 3 skipped in 1.50s" ;;
  test-frontend) echo " Test Files  1 failed (4)"; echo "      Tests  1 failed | 20 passed (21)"; exit 1 ;;
  e2e) printf 'browser\tbrowser tests skipped: no chromium here\n' >>"$DANGJIAN_TEST_NOTES" ;;
esac
"""


def test_make_test_summary_names_every_suite_and_fails_when_one_failed(
    bare_path: Path,
) -> None:
    (bare_path / "make").write_text(FAKE_MAKE.format(bash=BASH), encoding="utf-8")
    (bare_path / "make").chmod(0o755)
    r = run("scripts/test-all.sh", bare_path, ci=False)
    assert r.returncode == 1
    summary = r.stdout[r.stdout.index("make test summary") :]
    rows = {
        m[2].strip(): (m[1], m[3])
        for m in re.finditer(r"^  (\w+) +(\w+ · \w+) +(.*)$", summary, re.MULTILINE)
    }
    assert rows["backend · SQLite"] == ("passed", "12 passed, 3 skipped in 1.50s")
    status, reason = rows["backend · PostgreSQL"]
    assert status == "skipped" and "no PostgreSQL server answers" in reason
    assert rows["frontend · Vitest"] == ("failed", "Tests  1 failed | 20 passed (21)")
    # the failing Vitest run did not stop the browser suite
    assert rows["browser · e2e"] == (
        "skipped",
        "browser tests skipped: no chromium here",
    )
    assert "make test: FAILED" in summary
    # scratch files went to TMPDIR and were removed; nothing was written into the checkout
    assert not list(bare_path.parent.glob("dangjian-test.*"))


# --- Node: frontend/package.json engines must fit what every locked package declares ---------

Version = tuple[int, int, int]


def _version(text: str) -> Version:
    parts = [int(p) if p.isdigit() else 0 for p in text.strip().lstrip("v").split(".")]
    major, minor, patch = [*parts, 0, 0, 0][:3]
    return major, minor, patch


def _satisfies(v: Version, spec: str) -> bool:
    """The semver range forms found in frontend/package-lock.json `engines.node`."""
    for alternative in spec.split("||"):
        ok = True
        for comp in re.findall(r"(\^|>=|<=|>|<|=)?\s*([\d.x*]+)", alternative):
            op, text = comp
            if text in ("*", "x"):
                continue
            given = [p for p in text.split(".") if p not in ("*", "x")]
            low = _version(".".join(given))
            if op == "^":
                ok &= low <= v and v[0] == low[0]
            elif op in (">=", ""):
                if op == "" and len(given) < 3:  # "20" or "6.*": that major (or minor)
                    ok &= v[: len(given)] == low[: len(given)]
                else:
                    ok &= v >= low if op == ">=" else v == low
            elif op == ">":
                ok &= v > low
            elif op == "<":
                ok &= v < low
            elif op == "<=":
                ok &= v <= low
        if ok:
            return True
    return False


def test_node_engines_fit_every_locked_package() -> None:
    ours = json.loads((REPO / "frontend/package.json").read_text(encoding="utf-8"))
    range_ = ours["engines"]["node"]
    lock = json.loads((REPO / "frontend/package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"][""]["engines"]["node"] == range_
    # the lowest version of each alternative we allow, and a late one of the same major
    points = [_version(m) for m in re.findall(r"\d+\.\d+\.\d+", range_)]
    points += [(major, 99, 0) for major, _, _ in points]
    assert points and all(_satisfies(p, range_) for p in points)
    assert not _satisfies((20, 20, 2), range_)  # @vueuse/core 15 needs Node 22
    for name, meta in lock["packages"].items():
        engines = meta.get("engines")
        spec = engines.get("node") if isinstance(engines, dict) else None
        if name and spec:
            assert all(_satisfies(p, spec) for p in points), (name, spec)


def test_node_engines_checker_reads_the_lock_forms() -> None:
    assert _satisfies((22, 22, 2), "^22.22.2 || ^24.15.0 || >=26.0.0")
    assert not _satisfies((22, 12, 0), "^22.22.2 || ^24.15.0 || >=26.0.0")
    assert not _satisfies((23, 0, 0), "^22.22.2 || ^24.15.0 || >=26.0.0")
    assert _satisfies((22, 0, 0), "18 || 20 || >=22")
    assert not _satisfies((21, 0, 0), "18 || 20 || >=22")
    assert _satisfies((8, 1, 0), "6.* || 8.* || >= 10.*")
    assert _satisfies((24, 0, 0), "^20.19.0 || ^22.13.0 || >=24")
    assert not _satisfies((20, 1, 0), "^20.19.0 || ^22.13.0 || >=24")
    assert _satisfies((22, 22, 2), "*")


def test_ci_run_uses_the_shared_setup_scripts() -> None:
    """`.ci/run` calls scripts/ensure-*.sh instead of its own apt-get and pg_ctlcluster."""
    ci = (REPO / ".ci/run").read_text(encoding="utf-8")
    code = "\n".join(line for line in ci.splitlines() if not line.lstrip().startswith("#"))
    assert "scripts/ensure-browser.sh" in code and "scripts/ensure-postgres.sh" in code
    assert "apt-get" not in code and "pg_ctlcluster" not in code
    for script in (
        "scripts/test-all.sh",
        "scripts/ensure-browser.sh",
        "scripts/ensure-postgres.sh",
    ):
        assert os.access(REPO / script, os.X_OK), script
