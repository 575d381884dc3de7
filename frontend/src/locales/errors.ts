/**
 * Backend error codes → messages, in ONE place. The backend's `detail` is already Chinese, so
 * zh-CN falls back to it; codes whose `detail` carries specifics (how long an account is locked,
 * which rule a password broke) prefer the detail in zh-CN.
 */
import { ApiError } from '@/api/errors'
import type { Locale } from './enums'

interface ErrorText {
  'zh-CN': string
  en: string
  /** Show the backend's (Chinese) detail instead of the fixed zh-CN text when there is one. */
  preferDetail?: boolean
}

export const errorTexts: Record<string, ErrorText> = {
  // sign-in and session
  invalid_credentials: { 'zh-CN': '用户名或密码错误', en: 'Wrong username or password.' },
  otp_required: { 'zh-CN': '请输入身份验证器中的6位动态验证码', en: 'Enter the 6-digit code from your authenticator app.' },
  otp_invalid: { 'zh-CN': '动态验证码不正确或已过期', en: 'The verification code is wrong or has expired.' },
  account_locked: {
    'zh-CN': '连续登录失败次数过多，账号已锁定，请稍后再试',
    en: 'Too many failed attempts; the account is locked for a while. Try again later.',
    preferDetail: true,
  },
  too_many_attempts: {
    'zh-CN': '该地址登录失败次数过多，请稍后再试',
    en: 'Too many failed sign-ins from this address; try again later.',
    preferDetail: true,
  },
  refresh_invalid: { 'zh-CN': '登录已失效，请重新登录', en: 'Your session has expired. Please sign in again.' },
  session_invalid: { 'zh-CN': '登录已失效，请重新登录', en: 'Your session has expired. Please sign in again.', preferDetail: true },
  token_invalid: { 'zh-CN': '登录已失效，请重新登录', en: 'Your session has expired. Please sign in again.' },
  unauthorized: { 'zh-CN': '请先登录', en: 'Please sign in.' },
  csrf_failed: { 'zh-CN': '请求校验失败，请刷新页面后重试', en: 'Request check failed; reload the page and try again.' },
  user_only: { 'zh-CN': '仅限用户账号', en: 'Only user accounts can do this.' },
  // passwords and second factor
  password_policy: {
    'zh-CN': '新密码不符合安全要求',
    en: 'The new password does not meet the security policy.',
    preferDetail: true,
  },
  current_password_wrong: { 'zh-CN': '当前密码不正确', en: 'The current password is wrong.' },
  password_unchanged: { 'zh-CN': '新密码不能与当前密码相同', en: 'The new password must differ from the current one.' },
  totp_setup_required: { 'zh-CN': '请先设置动态口令（双因素认证）', en: 'Set up two-step verification first.' },
  totp_required: { 'zh-CN': '本岗位要求使用动态口令，不能停用', en: 'Your post requires two-step verification; it cannot be turned off.' },
  totp_already_enabled: { 'zh-CN': '已启用两步验证', en: 'Two-step verification is already on.' },
  // organisations, posts, terms
  organization_not_empty: {
    'zh-CN': '该党组织下仍有下级组织、党员、职务或账号，不能删除',
    en: 'The organisation still has sub-organisations, members, posts or accounts.',
  },
  organization_move_cycle: { 'zh-CN': '不能移动到本组织或其下级之下', en: 'Cannot move an organisation under itself or its descendants.' },
  organization_kind_not_allowed: {
    'zh-CN': '该类型的党组织不能设在所选上级组织之下',
    en: 'This kind of organisation cannot sit under the chosen parent.',
    preferDetail: true,
  },
  post_not_allowed_here: { 'zh-CN': '该职务不能设在此类党组织', en: 'This post cannot be held in this kind of organisation.' },
  post_requires_formal_member: { 'zh-CN': '党小组长须由正式党员担任', en: 'A group leader must be a full member.' },
  post_dates_invalid: { 'zh-CN': '离任日期不能早于任职日期', en: 'The end date cannot be before the start date.' },
  term_exists: { 'zh-CN': '该届次已登记', en: 'This term number is already recorded.', preferDetail: true },
  // users
  username_taken: { 'zh-CN': '用户名已被使用', en: 'This username is taken.' },
  user_not_found: { 'zh-CN': '用户不存在或不在本组织范围内', en: 'No such user within your organisations.' },
  member_not_found: { 'zh-CN': '党员不存在或不在本组织范围内', en: 'No such member within your organisations.' },
  member_has_account: { 'zh-CN': '该党员已有账号', en: 'This member already has an account.' },
  cannot_deactivate_self: { 'zh-CN': '不能停用自己的账号', en: 'You cannot deactivate your own account.' },
  cannot_manage_self: {
    'zh-CN': '不能在账号管理中重置、停用或修改自己的账号；修改密码请到“个人设置”',
    en: 'You cannot reset, deactivate or edit your own account here; change your password in your settings.',
  },
  account_outranks_you: {
    'zh-CN': '该账号的持有人担任与您同级或更高的职务，或拥有您没有的权限，您不能重置其密码、停用或修改该账号；请联系上级党组织或系统管理员',
    en: 'This account holds a post at your level or above, or powers you lack: you cannot reset, deactivate or edit it. Ask the higher organisation or the administrator.',
  },
  admin_account_protected: { 'zh-CN': '系统管理员账号只能由系统管理员管理', en: 'Only administrators manage an administrator account.' },
  // posts
  post_appointed_by_higher: {
    'zh-CN': '本组织班子成员的职务须由上级党组织任免',
    en: "An organisation's committee posts are appointed and ended by the next-higher organisation.",
  },
  post_grants_more: { 'zh-CN': '该职务拥有您没有的权限，不能由您任免', en: 'This post carries powers you do not hold; you cannot appoint or end it.' },
  cannot_appoint_self: { 'zh-CN': '不能任命、修改或免去自己的职务', en: 'You cannot appoint, change or end your own post.' },
  appointee_issued_by_you: {
    'zh-CN': '该职务拥有您本人没有的权限，不能任命由您开设或重置过密码的账号',
    en: 'This post carries powers you do not hold: you cannot appoint an account whose password you issued.',
    preferDetail: true,
  },
  admin_cannot_hold_post: { 'zh-CN': '系统管理员账号不能担任党内职务', en: 'An administrator account cannot hold a Party post.' },
  // the roster
  precondition_failed: { 'zh-CN': '数据已被他人修改，请刷新后重试', en: 'Someone else changed this record; reload and try again.' },
  precondition_required: { 'zh-CN': '请先获取最新数据后再修改', en: 'Load the latest data before changing it.' },
  id_number_taken: { 'zh-CN': '该公民身份号码已登记在其他党员名下', en: 'This ID number is already registered to another member.' },
  id_number_unusable: {
    'zh-CN': '该身份证号码无法登记：如该党员的组织关系在其他党组织，请通过组织关系转接办理',
    en: 'This ID number cannot be registered here; if the member belongs to another organisation, use a transfer.',
    preferDetail: true,
  },
  export_rate_limited: {
    'zh-CN': '完整导出过于频繁，请稍后再试',
    en: 'Full exports were made too often; try again later.',
    preferDetail: true,
  },
  reveal_rate_limited: {
    'zh-CN': '查看完整个人信息过于频繁，请稍后再试',
    en: 'Full personal data was viewed too often; try again in a minute.',
  },
  no_member_record: { 'zh-CN': '当前账号未关联党员信息', en: 'This account is not linked to a member record.' },
  member_org_kind: { 'zh-CN': '组织关系须落在党支部或党小组', en: 'A member must belong to a branch or a Party group.' },
  event_in_future: { 'zh-CN': '事件日期不能晚于今天', en: 'The event date cannot be in the future.' },
  event_refused: { 'zh-CN': '该事件不符合规定', en: 'The rules do not allow this event.', preferDetail: true },
  event_before_joining: { 'zh-CN': '事件日期不能早于入党日期', en: 'The event cannot be dated before joining.' },
  event_after_death: {
    'zh-CN': '事件日期不能晚于党员去世日期',
    en: 'The event cannot be dated after the member’s death.',
    preferDetail: true,
  },
  not_for_probationary: {
    'zh-CN': '预备党员不适用留党察看、开除党籍或除名等组织处置，可依规取消预备党员资格',
    en: 'Party probation, expulsion and removal do not apply to probationary members; cancel the probation instead.',
  },
  probation_term: {
    'zh-CN': '留党察看期限只能为一年或两年（截止日期为决定日期满一年或两年之日）',
    en: 'Party probation lasts one or two years (ending on the anniversary of the decision).',
  },
  stop_membership_too_early: {
    'zh-CN': '失去联系满六个月后方可停止党籍',
    en: 'Membership can be stopped only six months after contact was lost.',
    preferDetail: true,
  },
  converted_on_required: { 'zh-CN': '正式党员须填写转正日期', en: 'A formal member needs the date of conversion.' },
  correction_not_allowed: {
    'zh-CN': '组织关系、党员类别和人员分类不能通过更正申请修改，请联系所在党组织办理',
    en: 'The organisation, kind and categories cannot be changed by a correction request; ask your Party organisation.',
    preferDetail: true,
  },
  correction_empty: { 'zh-CN': '请填写要更正的内容', en: 'Fill in what should be corrected.' },
  correction_decided: { 'zh-CN': '该申请已由他人处理，请刷新列表', en: 'This request has already been decided; refresh the list.' },
  import_unreadable: {
    'zh-CN': '无法读取文件：请上传使用导入模板填写的 Excel（.xlsx）文件',
    en: 'The file cannot be read; upload an Excel (.xlsx) file filled in from the template.',
    preferDetail: true,
  },
  import_too_large: { 'zh-CN': '一次导入的行数过多，请分批导入', en: 'Too many rows in one import; split the file.', preferDetail: true },
  // the member photo (the server's detail says which check failed)
  meeting_type_level: { 'zh-CN': '该级党组织不召开此类会议', en: 'This organisation level does not hold this kind of meeting.', preferDetail: true },
  vote_type: { 'zh-CN': '此类会议不作表决', en: 'This kind of meeting takes no binding votes.', preferDetail: true },
  vote_numbers: { 'zh-CN': '票数不符合要求', en: 'The vote numbers are not possible.', preferDetail: true },
  declared_mismatch: { 'zh-CN': '按票数已通过，不能记为未通过', en: 'By the numbers the motion passed; it cannot be recorded as failed.', preferDetail: true },
  decline_reason: { 'zh-CN': '不采纳议题须说明理由', en: 'Declining a topic needs a reason.', preferDetail: true },
  emergency_reason: { 'zh-CN': '紧急情况须说明原因', en: 'An emergency needs its reason.', preferDetail: true },
  meeting_not_started: { 'zh-CN': '会议尚未开始，不能确认召开', en: 'The meeting has not begun; it cannot be confirmed as held.', preferDetail: true },
  meeting_start_past: { 'zh-CN': '会议开始时间已过，不能再发送通知', en: 'The meeting has already begun; a notice can no longer be sent.', preferDetail: true },
  late_record_reason: { 'zh-CN': '补录已召开的会议须填写补录原因', en: 'Recording a past meeting needs a reason.', preferDetail: true },
  vote_rule: { 'zh-CN': '表决规则由会议类型决定', en: 'The vote rule follows from the type of meeting.', preferDetail: true },
  emergency_vote: { 'zh-CN': '紧急决定只适用于到会不足半数的委员会会议', en: 'Emergency decisions apply only to a committee meeting below quorum.', preferDetail: true },
  secret_names: { 'zh-CN': '无记名投票不得记录谁投了什么票', en: 'A secret ballot records no names.', preferDetail: true },
  minutes_empty: { 'zh-CN': '请先填写会议纪要', en: 'Write the minutes first.', preferDetail: true },
  verified_meeting: { 'zh-CN': '核实落实情况须注明在哪次会议上核实', en: 'Name the meeting at which the follow-up was verified.', preferDetail: true },
  not_passed: { 'zh-CN': '未通过的表决事项无须落实', en: 'A motion that did not pass has no follow-up.', preferDetail: true },
  exclusion_type: { 'zh-CN': '只有支部党员大会可经同意不计入应到人数', en: 'Only a branch assembly may leave members out of the expected count.', preferDetail: true },
  attendance_role: { 'zh-CN': '列席人员只能登记为列席或请假', en: 'Guests can only be marked as sitting in or on leave.', preferDetail: true },
  meeting_times: { 'zh-CN': '结束时间须晚于开始时间', en: 'The end must be after the start.', preferDetail: true },
  attendee: { 'zh-CN': '参会人员不属于本次会议', en: 'That person is not on this meeting.', preferDetail: true },
  attachment_empty: { 'zh-CN': '文件为空', en: 'The file is empty.', preferDetail: true },
  attachment_too_large: { 'zh-CN': '附件不能超过 20 MB', en: 'Attachments are limited to 20 MB.', preferDetail: true },
  attachment_missing: { 'zh-CN': '附件文件已丢失，请联系管理员', en: 'The attachment file is missing; contact the administrator.', preferDetail: true },
  no_leave_request: { 'zh-CN': '没有待审批的请假', en: 'There is no leave request to decide.', preferDetail: true },
  opinion_too_late: { 'zh-CN': '会议已召开，不能再提交会前意见', en: 'The meeting has been held; opinions beforehand are closed.', preferDetail: true },
  voted_attendees: { 'zh-CN': '已投票者须是本次会议的表决权人', en: 'Those who voted must be voters of this meeting.', preferDetail: true },
  policy_invalid: {
    'zh-CN': '参数取值不符合要求',
    en: 'A parameter value is not acceptable.',
    preferDetail: true,
  },
  policy_past: {
    'zh-CN': '生效日期不能早于今天',
    en: 'The effective date cannot be before today: past periods keep the values in force then.',
    preferDetail: true,
  },
  quorum_not_met: {
    'zh-CN': '到会人数不足',
    en: 'Not enough people are present (quorum not met).',
    preferDetail: true,
  },
  majority_not_reached: {
    'zh-CN': '赞成票不足',
    en: 'Not enough votes in favour.',
    preferDetail: true,
  },
  meeting_state: {
    'zh-CN': '会议当前状态不允许此操作',
    en: 'The meeting is not in a state that allows this.',
    preferDetail: true,
  },
  correction_reason: {
    'zh-CN': '会后更正签到须填写理由',
    en: 'A correction after the meeting needs a reason.',
  },
  checkin_closed: {
    'zh-CN': '不在签到时间内（会前30分钟至会后30分钟）',
    en: 'Check-in is open from 30 minutes before to 30 minutes after the meeting.',
  },
  checkin_token: { 'zh-CN': '签到码无效', en: 'The check-in code is not valid.' },
  leave_too_late: { 'zh-CN': '请假须在会议开始前提出', en: 'Leave must be asked before the meeting starts.' },
  attachment_type: {
    'zh-CN': '附件类型不符合要求',
    en: 'Attachments must be PDF, Word, Excel, PowerPoint, JPG, PNG or UTF-8 text files.',
    preferDetail: true,
  },
  photo_type: {
    'zh-CN': '照片须为 JPG、PNG 或 WebP 格式',
    en: 'The photo must be a JPG, PNG or WebP image.',
    preferDetail: true,
  },
  photo_empty: { 'zh-CN': '请选择照片文件', en: 'Choose a photo file.', preferDetail: true },
  photo_too_large: { 'zh-CN': '照片像素过多，请缩小后再上传', en: 'The photo has too many pixels; scale it down first.', preferDetail: true },
  no_photo: { 'zh-CN': '该党员没有照片', en: 'This member has no photo.' },
  // the dues calculator (the detail says which input and the allowed range)
  dues_input: {
    'zh-CN': '填写的金额不符合党费交纳规定',
    en: 'The amount does not fit the dues rules (category, basis or the farmer range).',
    preferDetail: true,
  },
  dues_month: {
    'zh-CN': '起算月份不符合要求',
    en: 'The starting month is not allowed (at most 12 months ahead, not before the member joined).',
    preferDetail: true,
  },
  // dues payments, reversals and remittances (the detail names the months and the amounts)
  idempotency_mismatch: {
    'zh-CN': '之前的一次提交可能已经登记（内容与现在不同），请关闭对话框，核对台账后再重新登记',
    en: 'An earlier submission from this dialog may already have been recorded with different details; close it, check the ledger, then record again.',
  },
  dues_amount: {
    'zh-CN': '金额与所选月份的未交合计不符，请刷新后重试',
    en: 'The amount does not match what is outstanding for the chosen months; the ledger has been refreshed, check and try again.',
    preferDetail: true,
  },
  dues_month_closed: {
    'zh-CN': '所选月份中有不能交纳的月份（已交清、免交或未登记基数）',
    en: 'Some chosen months cannot be paid (already paid, exempt, or without a basis); the ledger has been refreshed.',
    preferDetail: true,
  },
  dues_back_payment_reason: {
    'zh-CN': '补交6个月以前的党费，须填写补交原因',
    en: 'Paying months more than 6 months back needs a reason.',
    preferDetail: true,
  },
  dues_payment: { 'zh-CN': '交纳信息不符合要求', en: 'The payment details are not acceptable.', preferDetail: true },
  dues_where: {
    'zh-CN': '只有持《流动党员活动证》的流动党员可以在流入地党组织交纳党费',
    en: 'Only floating members with a floating-member card may pay at the organisation they moved to.',
    preferDetail: true,
  },
  dues_reversal: { 'zh-CN': '该记录不能冲正', en: 'This payment cannot be reversed (already reversed, a reversal itself, or remitted).', preferDetail: true },
  dues_remittance: {
    'zh-CN': '不能登记上缴',
    en: 'The remittance cannot be recorded (not required, reversed, already recorded, or the date is outside the payment date and today).',
    preferDetail: true,
  },
  // dues reductions/exemptions and the annual assessment (the detail says what is wrong)
  dues_exemption: { 'zh-CN': '减免申请不符合要求', en: 'The application is not acceptable (period, amount or reason).', preferDetail: true },
  dues_exemption_overlap: {
    'zh-CN': '该期间已有减免申请或批准',
    en: 'There is already an application or approval for this period.',
    preferDetail: true,
  },
  dues_exemption_state: {
    'zh-CN': '该申请已处理，请刷新后查看',
    en: 'This application has already been dealt with (or you made the branch decision yourself); refresh to see it.',
    preferDetail: true,
  },
  dues_assessment: {
    'zh-CN': '不能确认年初核定',
    en: 'The annual assessment cannot be confirmed (dues are computed monthly here, or it is already confirmed).',
    preferDetail: true,
  },
  // generic
  forbidden: { 'zh-CN': '无权执行此操作', en: 'You are not allowed to do this.' },
  not_found: { 'zh-CN': '对象不存在或无权访问', en: 'Not found, or you have no access to it.' },
  conflict: { 'zh-CN': '与现有数据冲突', en: 'This conflicts with existing data.', preferDetail: true },
  validation_error: { 'zh-CN': '提交的数据不符合要求', en: 'Some fields are invalid.', preferDetail: true },
  invalid: { 'zh-CN': '提交的数据不符合要求', en: 'The request is invalid.', preferDetail: true },
  bad_request: { 'zh-CN': '请求有误', en: 'Bad request.', preferDetail: true },
  too_many_requests: { 'zh-CN': '请求过于频繁，请稍后再试', en: 'Too many requests; try again later.', preferDetail: true },
  payload_too_large: { 'zh-CN': '请求内容过大', en: 'The request is too large.' },
  database_unavailable: { 'zh-CN': '数据库暂不可用，请稍后再试', en: 'The database is unavailable; try again later.' },
  internal_error: { 'zh-CN': '服务器内部错误，请稍后再试', en: 'Server error; please try again later.' },
  network_error: { 'zh-CN': '无法连接服务器，请检查网络', en: 'Cannot reach the server; check your connection.' },
}

const genericByStatus: Record<number, string> = {
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  412: 'precondition_failed',
  422: 'invalid',
  428: 'precondition_required',
  429: 'too_many_requests',
  500: 'internal_error',
}

const fallback = { 'zh-CN': '操作失败，请稍后再试', en: 'Something went wrong; please try again.' }

/** The message to show a person for an error thrown by an API call (or anything else). */
export function errorMessage(err: unknown, locale: Locale = 'zh-CN'): string {
  if (err instanceof ApiError) {
    const text = errorTexts[err.code] ?? errorTexts[genericByStatus[err.status] ?? '']
    if (locale === 'zh-CN') {
      if (text?.preferDetail && err.detail) return err.detail
      if (errorTexts[err.code]) return errorTexts[err.code]['zh-CN']
      if (err.detail) return err.detail
      return text?.['zh-CN'] ?? fallback['zh-CN']
    }
    return text?.en ?? fallback.en
  }
  return fallback[locale]
}

/** Field → message map from a 422 answer, for showing next to form fields. */
export function fieldErrors(err: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (err instanceof ApiError) {
    for (const e of err.fieldErrors) {
      if (!(e.field in out)) out[e.field] = e.message
    }
  }
  return out
}
