"""Chinese labels of audit actions and entities for exports — the wording of the SPA's
labels (frontend/src/locales/enums.ts `auditAction`, `auditEntity`); an action without one is
composed from its verb and entity there too, and otherwise shown as it is. The two must read the
same: tests/backend/test_labels.py writes what this module prints into
frontend/src/locales/backend-vocabulary.json, and src/__tests__/labels.spec.ts compares it with
the SPA's tables."""

from __future__ import annotations

ACTION_LABELS: dict[str, str] = {
    "dues.basis": "登记党费基数",
    "dues.remind": "发送欠交党费提醒",
    "dues.exemption.apply": "申请减免党费",
    "dues.exemption.decide": "支部决定减免党费",
    "dues.exemption.approve": "上级批准减免党费",
    "dues.assessment": "确认年初核定",
    "dues.payment": "登记党费收缴",
    "dues.reverse": "冲正党费收缴",
    "dues.remit": "登记党费上缴中央",
    "auth.refresh": "刷新登录",
    "system.rotate_data_key": "更换个人信息密钥",
    "system.audit_seal": "审计链启用密钥保护",
    "member.photo_set": "上传党员照片",
    "member.photo_delete": "删除党员照片",
    "policy.update": "修改工作制度参数",
    "meeting.create": "安排会议",
    "meeting.update": "修改会议",
    "meeting.notify": "发送会议通知",
    "meeting.cancel": "取消会议",
    "meeting.hold": "确认会议召开",
    "meeting.attendance": "登记签到",
    "meeting.attendance_correct": "会后更正签到",
    "meeting.attendee_add": "增加参会人员",
    "meeting.attendee_update": "修改参会人员",
    "meeting.leave_request": "请假",
    "meeting.leave_decide": "审批请假",
    "meeting.check_in": "扫码签到",
    "meeting.opinion": "提交书面意见",
    "meeting.agenda_propose": "提出议题",
    "meeting.agenda_decide": "确定议题",
    "meeting.vote": "登记表决",
    "meeting.minutes": "填写会议纪要",
    "meeting.minutes_approve": "审定会议纪要",
    "meeting.archive": "会议归档",
    "meeting.attachment_add": "上传会议附件",
    "meeting.attachment_delete": "删除会议附件",
    "resolution.follow_up": "更新决议落实",
    "notification.read": "阅读消息",
    "notification.read_all": "全部消息已读",
    "ledger.export": "导出台帐",
    "stats.export": "导出党员统计",
    "compliance.export": "导出三会一课情况",
    "audit.export": "导出审计日志",
    "auth.login": "登录",
    "auth.login_failed": "登录失败",
    "auth.logout": "退出登录",
    "auth.refresh_reuse": "刷新令牌被重复使用",
    "auth.session_end": "结束会话",
    "auth.client_token": "客户端取得令牌",
    "auth.client_token_failed": "客户端认证失败",
    "auth.account_locked": "账号因连续登录失败被锁定",
    "auth.ip_throttled": "来源地址登录失败过多被限制",
    "organization.create": "新建组织",
    "organization.update": "修改组织",
    "organization.delete": "删除组织",
    "organization.move": "移动组织",
    "post.create": "任命职务",
    "post.update": "变更职务",
    "term.create": "登记换届",
    "user.create": "新建账号",
    "user.update": "修改账号",
    "user.password_change": "修改密码",
    "user.password_reset": "重置密码",
    "user.password_reset_refused": "重置密码被拒（越权）",
    "user.update_refused": "修改账号被拒（越权）",
    "user.totp_setup": "设置两步验证",
    "user.totp_enable": "启用两步验证",
    "user.totp_disable": "停用两步验证",
    "demo.seed": "载入演示数据",
    "demo.seed_bulk": "载入批量演示数据",
    "member.update": "修改党员信息",
    "member.event": "登记党员状态事件",
    "member.reveal": "查看完整个人信息",
    "member.id_number_refused": "登记他处党员的身份证号码被拒",
    "member.create": "登记建卡",
    "member.import": "导入党员花名册",
    "member.export": "导出党员花名册",
    "member.self_export": "导出本人信息",
    "member.correction_request": "申请更正信息",
    "member.correction_decide": "审核更正申请",
    "member.correction_apply": "按更正申请修改",
    "create": "新建",
    "update": "修改",
    "delete": "删除",
    "move": "移动",
}

ENTITY_LABELS: dict[str, str] = {
    "organization": "组织",
    "organization_term": "换届",
    "post": "职务",
    "user": "用户",
    "session": "会话",
    "member": "党员",
    "member_correction": "更正申请",
    "api_client": "接口客户端",
    "system": "系统",
    "dues_exemption": "党费减免",
    "dues_register": "党费收缴登记册",
    "dues_payment": "党费收缴",
    "dues_payments": "党费收缴记录",
    "dues_arrears": "欠交党费名单",
    "client_address": "来源地址",
    "meeting": "会议",
    "meeting_ledger": "会议记录簿",
    "member_export": "花名册导出",
    "member_import": "花名册导入",
    "notification": "消息",
    "resolution": "决议",
    "member_statistics": "党员统计",
    "meeting_compliance": "三会一课情况",
    "audit_log": "审计日志",
}


def action_label(action: str) -> str:
    """The Chinese label of an action: its own, or composed of verb and entity
    ("organization.create" → 新建组织) as the SPA does; an action without either: empty."""
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    entity, _, verb = action.rpartition(".")
    if entity and verb in ACTION_LABELS:
        return ACTION_LABELS[verb] + ENTITY_LABELS.get(entity, entity)
    return ""


def entity_label(entity: str) -> str:
    return ENTITY_LABELS.get(entity, entity)
