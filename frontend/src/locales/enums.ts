/**
 * Enum values → display labels, in ONE place. Values are the backend's stable English
 * identifiers (backend/dangjian/models/enums.py); zh-CN is the default language.
 */
export type Locale = 'zh-CN' | 'en'

type LabelTable = Record<string, { 'zh-CN': string; en: string }>

export const enumLabels = {
  orgKind: {
    street: { 'zh-CN': '街道党工委', en: 'Street Party working committee' },
    community: { 'zh-CN': '社区党组织', en: 'Community Party organisation' },
    general_branch: { 'zh-CN': '党总支', en: 'General branch' },
    branch: { 'zh-CN': '党支部', en: 'Branch' },
    group: { 'zh-CN': '党小组', en: 'Party group' },
    resident_unit: { 'zh-CN': '驻区单位党组织', en: 'Resident unit organisation' },
    home_unit: { 'zh-CN': '在职党员所在单位党组织', en: 'Home unit organisation' },
  },
  orgCategory: {
    working_committee: { 'zh-CN': '党工委', en: 'Working committee' },
    party_committee: { 'zh-CN': '党委', en: 'Party committee' },
    general_branch: { 'zh-CN': '党总支', en: 'General branch' },
    branch: { 'zh-CN': '党支部', en: 'Branch' },
    joint_branch: { 'zh-CN': '联合党支部', en: 'Joint branch' },
    temporary_branch: { 'zh-CN': '临时党支部', en: 'Temporary branch' },
    group: { 'zh-CN': '党小组', en: 'Party group' },
  },
  postKind: {
    secretary: { 'zh-CN': '书记', en: 'Secretary' },
    deputy_secretary: { 'zh-CN': '副书记', en: 'Deputy secretary' },
    organization_member: { 'zh-CN': '组织委员', en: 'Organisation member' },
    propaganda_member: { 'zh-CN': '宣传委员', en: 'Propaganda member' },
    discipline_member: { 'zh-CN': '纪检委员', en: 'Discipline member' },
    group_leader: { 'zh-CN': '党小组长', en: 'Group leader' },
    clerk: { 'zh-CN': '党务干事', en: 'Clerk' },
    street_staff: { 'zh-CN': '街道工作人员', en: 'Street staff' },
  },
  memberKind: {
    formal: { 'zh-CN': '正式党员', en: 'Full member' },
    probationary: { 'zh-CN': '预备党员', en: 'Probationary member' },
  },
  principalKind: {
    admin: { 'zh-CN': '系统管理员', en: 'Administrator' },
    post_holder: { 'zh-CN': '党务工作者', en: 'Post holder' },
    member: { 'zh-CN': '党员', en: 'Party member' },
    inservice_member: { 'zh-CN': '在职党员', en: 'In-service member' },
    resident: { 'zh-CN': '居民', en: 'Resident' },
    client: { 'zh-CN': '接口客户端', en: 'API client' },
  },
  termStatus: {
    ok: { 'zh-CN': '任期内', en: 'In term' },
    due_soon: { 'zh-CN': '6个月内到期', en: 'Ends within 6 months' },
    overdue: { 'zh-CN': '已逾期', en: 'Overdue' },
  },
  capability: {
    'org.read': { 'zh-CN': '查看组织', en: 'View organisations' },
    'org.manage': { 'zh-CN': '管理组织', en: 'Manage organisations' },
    'policy.manage': { 'zh-CN': '管理工作制度', en: 'Manage work policies' },
    'roster.read': { 'zh-CN': '查看党员名册', en: 'View roster' },
    'roster.full': { 'zh-CN': '查看完整个人信息', en: 'View full personal data' },
    'roster.write': { 'zh-CN': '维护党员名册', en: 'Edit roster' },
    'meeting.manage': { 'zh-CN': '组织会议', en: 'Manage meetings' },
    'meeting.agenda': { 'zh-CN': '确定议题', en: 'Set agendas' },
    'minutes.confidential': { 'zh-CN': '查阅涉密记录', en: 'Read confidential minutes' },
    'dues.read': { 'zh-CN': '查看党费', en: 'View dues' },
    'dues.manage': { 'zh-CN': '管理党费', en: 'Manage dues' },
    'audit.read': { 'zh-CN': '查看审计日志', en: 'Read audit log' },
    'users.manage': { 'zh-CN': '管理用户账号', en: 'Manage user accounts' },
    'stats.export': { 'zh-CN': '导出统计', en: 'Export statistics' },
  },
  auditAction: {
    'auth.login': { 'zh-CN': '登录', en: 'Signed in' },
    'auth.login_failed': { 'zh-CN': '登录失败', en: 'Failed sign-in' },
    'auth.logout': { 'zh-CN': '退出登录', en: 'Signed out' },
    'auth.refresh_reuse': { 'zh-CN': '刷新令牌被重复使用', en: 'Refresh token reused' },
    'auth.session_end': { 'zh-CN': '结束会话', en: 'Ended a session' },
    'auth.client_token': { 'zh-CN': '客户端取得令牌', en: 'Client token issued' },
    'organization.create': { 'zh-CN': '新建组织', en: 'Created organisation' },
    'organization.update': { 'zh-CN': '修改组织', en: 'Updated organisation' },
    'organization.delete': { 'zh-CN': '删除组织', en: 'Deleted organisation' },
    'organization.move': { 'zh-CN': '移动组织', en: 'Moved organisation' },
    'post.create': { 'zh-CN': '任命职务', en: 'Assigned post' },
    'post.update': { 'zh-CN': '变更职务', en: 'Changed post' },
    'term.create': { 'zh-CN': '登记换届', en: 'Recorded election' },
    'user.create': { 'zh-CN': '新建账号', en: 'Created account' },
    'user.update': { 'zh-CN': '修改账号', en: 'Updated account' },
    'user.password_change': { 'zh-CN': '修改密码', en: 'Changed password' },
    'user.password_reset': { 'zh-CN': '重置密码', en: 'Reset password' },
    'user.totp_setup': { 'zh-CN': '设置两步验证', en: 'Began two-step set-up' },
    'user.totp_enable': { 'zh-CN': '启用两步验证', en: 'Enabled two-step verification' },
    'user.totp_disable': { 'zh-CN': '停用两步验证', en: 'Disabled two-step verification' },
    'demo.seed': { 'zh-CN': '载入演示数据', en: 'Loaded demo data' },
    'demo.seed_bulk': { 'zh-CN': '载入批量演示数据', en: 'Loaded bulk demo data' },
    create: { 'zh-CN': '新建', en: 'Create' },
    update: { 'zh-CN': '修改', en: 'Update' },
    delete: { 'zh-CN': '删除', en: 'Delete' },
    move: { 'zh-CN': '移动', en: 'Move' },
  },
  auditEntity: {
    organization: { 'zh-CN': '组织', en: 'Organisation' },
    organization_term: { 'zh-CN': '换届', en: 'Term' },
    post: { 'zh-CN': '职务', en: 'Post' },
    user: { 'zh-CN': '用户', en: 'User' },
    session: { 'zh-CN': '会话', en: 'Session' },
    member: { 'zh-CN': '党员', en: 'Member' },
    api_client: { 'zh-CN': '接口客户端', en: 'API client' },
    system: { 'zh-CN': '系统', en: 'System' },
  },
} as const satisfies Record<string, LabelTable>

export type EnumGroup = keyof typeof enumLabels

/** The label of `value` in `group`; unknown values show as they are (never blank). */
export function enumLabel(group: EnumGroup, value: string | null | undefined, locale: Locale = 'zh-CN'): string {
  if (value == null || value === '') return ''
  const table: LabelTable = enumLabels[group]
  const entry = Object.prototype.hasOwnProperty.call(table, value) ? table[value] : undefined
  if (entry) return entry[locale]
  // Unknown dotted audit actions ("member.create"): compose from the verb and the entity.
  if (group === 'auditAction' && value.includes('.')) {
    const cut = value.lastIndexOf('.')
    const verb = value.slice(cut + 1)
    const entity = value.slice(0, cut)
    if (Object.prototype.hasOwnProperty.call(table, verb)) {
      const a = enumLabel('auditAction', verb, locale)
      const e = enumLabel('auditEntity', entity, locale)
      return locale === 'zh-CN' ? `${a}${e}` : `${a} ${e.toLowerCase()}`
    }
  }
  return value
}

/** Options for a select: every value of a group with its label, in declaration order. */
export function enumOptions(group: EnumGroup, locale: Locale = 'zh-CN'): { value: string; label: string }[] {
  return Object.keys(enumLabels[group]).map((value) => ({ value, label: enumLabel(group, value, locale) }))
}
