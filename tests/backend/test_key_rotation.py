"""Rotating the personal-data key keeps every member readable and findable (issue 4)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import TEST_DATA_KEY, TEST_SECRET, Ctx

NEW_KEY = "rotated-data-key-0123456789-abcdefghijklmnopqrstuvwxyz"


async def test_rotation_re_encrypts_and_keeps_the_blind_index_working(
    ctx: Ctx, tmp_path: Path
) -> None:
    before = (await ctx.get("/api/v1/me/member", "member")).json()
    env = {
        **os.environ,
        "DANGJIAN_DATABASE_URL": ctx.url,
        "DANGJIAN_VAR_DIR": str(tmp_path),
        "DANGJIAN_SECRET_KEY": TEST_SECRET,
        "DANGJIAN_DATA_KEY": TEST_DATA_KEY,
        "DANGJIAN_NEW_DATA_KEY": NEW_KEY,
    }
    result = subprocess.run(
        [sys.executable, "-m", "dangjian.cli", "rotate-data-key"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "DANGJIAN_DATA_KEY" in result.stdout
    # the old key no longer decrypts: the running app (old key) fails closed
    from dangjian.core.crypto import PersonalDataCipher

    ctx.app.state.cipher = PersonalDataCipher(NEW_KEY)
    after = (await ctx.get("/api/v1/me/member", "member")).json()
    assert after["id_number"] == before["id_number"] and after["mobile"] == before["mobile"]
    found = (
        await ctx.get(
            "/api/v1/members", "secretary", params={"q": before["id_number"][-4:], "size": 100}
        )
    ).json()
    assert before["id"] in {i["id"] for i in found["items"]}
    # the import matches by the new blind index: an export re-imported changes nothing
    export = await ctx.get(
        "/api/v1/members/export", "clerk", params={"org_id": ctx.ids["group"], "full": "true"}
    )
    r = await ctx.post(
        "/api/v1/members/import",
        "clerk",
        params={"dry_run": "true"},
        files={"file": ("r.xlsx", export.content, "application/octet-stream")},
    )
    assert r.json()["problems"] == [] and r.json()["to_create"] == 0
