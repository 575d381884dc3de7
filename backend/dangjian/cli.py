"""`dangjian` command: serve, migrate, seed-demo, create-user, audit verify/anchor/seal,
export-openapi."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import os
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from pydantic import ValidationError

from dangjian.core import clock
from dangjian.core.config import REPO_ROOT, get_settings

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"


def alembic_ini() -> Path:
    """backend/alembic.ini of the source tree; a non-editable install (deploy/Dockerfile, the
    systemd unit) carries no migrations in the package and names the file in
    DANGJIAN_ALEMBIC_INI."""
    return Path(os.environ.get("DANGJIAN_ALEMBIC_INI") or ALEMBIC_INI)


def alembic_config(url: str | None = None) -> Config:
    cfg = Config(str(alembic_ini()))
    cfg.attributes["database_url"] = url or get_settings().resolved_database_url()
    return cfg


def cmd_migrate(args: argparse.Namespace) -> int:
    command.upgrade(alembic_config(), args.revision)
    print(f"数据库已迁移到 {args.revision}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from dangjian.core.accesslog import uvicorn_log_config

    host = args.host or os.environ.get("HOST", "127.0.0.1")
    port = int(args.port or os.environ.get("PORT", "8000"))
    uvicorn.run(
        "dangjian.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=args.workers,
        proxy_headers=True,
        log_level="info",
        # the access log prints paths without their query strings (names, ID and phone digits)
        log_config=uvicorn_log_config(),
    )
    return 0


def cmd_seed_demo(args: argparse.Namespace) -> int:
    from dangjian.demo import seed_demo

    return asyncio.run(seed_demo(extra_members=args.members))


def cmd_create_user(args: argparse.Namespace) -> int:
    from dangjian.demo import create_user

    password = args.password or os.environ.get("DANGJIAN_NEW_PASSWORD") or getpass.getpass("密码：")
    return asyncio.run(
        create_user(
            args.username,
            args.display_name or args.username,
            password,
            is_admin=args.admin,
            organization_id=args.organization_id,
        )
    )


def _audit_key_missing() -> bool:
    settings = get_settings()
    if settings.audit_key_available():
        return False
    print(
        "找不到审计密钥（环境变量 DANGJIAN_AUDIT_KEY 或 "
        f"{settings.var_dir / 'audit_key'}），无法校验审计链"
    )
    return True


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from dangjian.audit.service import Anchor, verify
    from dangjian.core.db import Database

    anchors: list[Anchor] = []
    if args.anchor:
        try:
            lines = Path(args.anchor).read_text(encoding="utf-8").splitlines()
            anchors = [Anchor.parse(line) for line in lines if line.strip()]
        except (OSError, UnicodeDecodeError, ValueError):
            print(f"无法读取锚点文件 {args.anchor}（应为 dangjian audit anchor 写出的 JSON 行）")
            return 1
        if not anchors:
            print(f"锚点文件 {args.anchor} 中没有锚点")
            return 1

    async def run() -> int:
        db = Database(get_settings().resolved_database_url())
        try:
            async with db.sessionmaker() as session:
                result = await verify(session, anchors=anchors)
        finally:
            await db.dispose()
        if result.ok:
            checked = f"，与 {len(anchors)} 个外部锚点相符" if anchors else ""
            print(f"审计链完整：共 {result.rows} 条记录{checked}")
            return 0
        print(f"审计链被破坏：{result.problem}（首个异常序号 {result.first_bad_seq}）")
        return 1

    if _audit_key_missing():
        return 1
    return asyncio.run(run())


def cmd_audit_anchor(args: argparse.Namespace) -> int:
    """Write the chain head (seq, hash, time) as one JSON line, for an external system to keep."""
    from dangjian.audit.service import current_anchor
    from dangjian.core.db import Database

    async def run() -> str:
        db = Database(get_settings().resolved_database_url())
        try:
            async with db.sessionmaker() as session:
                return (await current_anchor(session)).to_json()
        finally:
            await db.dispose()

    line = asyncio.run(run())
    if args.output:
        Path(args.output).write_text(line + "\n", encoding="utf-8")
        print(f"已把审计链头写入 {args.output}：请交给外部系统保存", file=sys.stderr)
    else:
        print(line)
    return 0


def cmd_audit_seal(_args: argparse.Namespace) -> int:
    """Append a keyed row so that legacy (plain SHA-256) rows at the chain's end are covered."""
    from dangjian.audit.service import seal
    from dangjian.core.db import Database

    async def run() -> int:
        db = Database(get_settings().resolved_database_url())
        try:
            async with db.sessionmaker() as session, session.begin():
                return (await seal(session)).seq
        finally:
            await db.dispose()

    print(f"已追加第 {asyncio.run(run())} 条记录（用审计密钥保护）")
    return 0


def cmd_rotate_data_key(_args: argparse.Namespace) -> int:
    """Re-encrypt all personal data under a new key (DANGJIAN_NEW_DATA_KEY, or a generated one
    that replaces var/data_key)."""
    import secrets as random_secrets

    from dangjian.core.crypto import PersonalDataCipher
    from dangjian.core.db import Database
    from dangjian.members.keys import rotate

    settings = get_settings()
    new_key = os.environ.get("DANGJIAN_NEW_DATA_KEY") or random_secrets.token_urlsafe(48)
    old_key = settings.personal_data_key()
    if new_key == old_key:
        print("新密钥与当前密钥相同，未做任何修改")
        return 2

    async def run() -> int:
        db = Database(settings.resolved_database_url())
        try:
            async with db.sessionmaker() as session, session.begin():
                return await rotate(
                    session, PersonalDataCipher(old_key), PersonalDataCipher(new_key)
                )
        finally:
            await db.dispose()

    count = asyncio.run(run())
    if settings.data_key:
        print(f"已用新密钥重新加密 {count} 名党员的个人信息。")
        print(
            "请立即把环境变量 DANGJIAN_DATA_KEY 改为新密钥（即 DANGJIAN_NEW_DATA_KEY）后重启服务。"
        )
    else:
        key_file = settings.var_dir / "data_key"
        key_file.write_text(new_key)
        key_file.chmod(0o600)
        print(f"已用新密钥重新加密 {count} 名党员的个人信息，新密钥已写入 {key_file}；请重启服务。")
    return 0


def cmd_export_openapi(args: argparse.Namespace) -> int:
    from dangjian.main import create_app

    spec = create_app().openapi()
    text = json.dumps(spec, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"已写入 {out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dangjian", description="社区党建工作平台")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="启动服务（HOST、PORT 环境变量亦可）")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--workers", type=int, default=1)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("migrate", help="迁移数据库到最新结构")
    p.add_argument("revision", nargs="?", default="head")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("seed-demo", help="载入演示数据（已有数据时不重复载入）")
    p.add_argument(
        "--members", type=int, default=0, help="另外生成 N 名党员（至多 100000），用于性能测试"
    )
    p.set_defaults(func=cmd_seed_demo)

    p = sub.add_parser("create-user", help="新建账号")
    p.add_argument("username")
    p.add_argument("--display-name")
    p.add_argument("--password", help="不提供则从 DANGJIAN_NEW_PASSWORD 或交互输入读取")
    p.add_argument("--admin", action="store_true", help="系统管理员")
    p.add_argument("--organization-id", type=int)
    p.set_defaults(func=cmd_create_user)

    p = sub.add_parser("audit", help="审计日志")
    audit_sub = p.add_subparsers(dest="audit_command", required=True)
    v = audit_sub.add_parser("verify", help="校验审计哈希链，报告第一条被改动或缺失的记录")
    v.add_argument(
        "--anchor", help="外部保存的锚点文件（dangjian audit anchor 的输出），校验链中仍含该记录"
    )
    v.set_defaults(func=cmd_audit_verify)
    v = audit_sub.add_parser("anchor", help="输出当前链头（序号、哈希、时间，一行 JSON）供外部保存")
    v.add_argument("--output", help="写入文件（默认输出到标准输出）")
    v.set_defaults(func=cmd_audit_anchor)
    v = audit_sub.add_parser("seal", help="追加一条用审计密钥保护的记录（升级后首次写入前使用）")
    v.set_defaults(func=cmd_audit_seal)

    p = sub.add_parser("rotate-data-key", help="轮换个人信息加密密钥（重新加密全部个人信息）")
    p.set_defaults(func=cmd_rotate_data_key)

    p = sub.add_parser("export-openapi", help="导出 OpenAPI 规范")
    p.add_argument("--output", default=str(REPO_ROOT / "openapi" / "openapi.json"))
    p.set_defaults(func=cmd_export_openapi)

    args = parser.parse_args(argv)
    try:
        settings = get_settings()
    except ValidationError as exc:
        print(f"配置有误：{exc}", file=sys.stderr)
        return 2
    # The CLI judges dates (demo data, reports) by the same configured zone as the server.
    clock.use_zone(settings.zone)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
