"""sign-in hardening: per-address throttle, client token scope, TOTP replay guard

Revision ID: a11c0de5e001
Revises: cb74cbd61147
Create Date: 2026-12-04 15:30:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dangjian.core.db  # noqa: F401  (custom column types)


revision: str = 'a11c0de5e001'
down_revision: str | None = 'cb74cbd61147'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'login_ip_throttle',
        sa.Column('ip', sa.String(length=64), nullable=False),
        sa.Column('window_start', dangjian.core.db.UTCDateTime(timezone=True), nullable=False, comment='计数窗口起点'),
        sa.Column('attempts', sa.Integer(), nullable=False, comment='窗口内失败（尝试）次数'),
        sa.PrimaryKeyConstraint('ip', name=op.f('pk_login_ip_throttle')),
        comment='来源地址登录失败计数',
    )
    with op.batch_alter_table('auth_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scope', sa.String(length=512), nullable=True, comment='授权范围（接口客户端）'))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True, comment='最近使用的动态口令时间步'))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')
    with op.batch_alter_table('auth_sessions', schema=None) as batch_op:
        batch_op.drop_column('scope')
    op.drop_table('login_ip_throttle')
