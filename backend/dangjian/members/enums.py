"""Roster enumerations (national.md §3.1, §3.3) with their Chinese labels — the one place
the backend keeps them (the SPA mirrors them in frontend/src/locales/enums.ts)."""

from __future__ import annotations

from enum import StrEnum

# GB/T 3304: the 56 ethnic groups, plus the two catch-alls of the national system.
ETHNICITIES: tuple[str, ...] = (
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
    "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
    "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族",
    "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族",
    "阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族",
    "保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族",
    "基诺族", "其他", "外国血统中国籍人士",
)  # fmt: skip


class Education(StrEnum):
    postgraduate = "研究生"
    bachelor = "大学本科"
    college = "大学专科"
    secondary_vocational = "中专"
    high_school = "高中"
    junior_or_below = "初中及以下"


class Degree(StrEnum):
    doctor = "博士"
    master = "硕士"
    bachelor = "学士"
    none = "无"


class ProfessionalTitle(StrEnum):
    senior = "正高级"
    associate_senior = "副高级"
    intermediate = "中级"
    junior = "初级"
    unrated = "未评定"


class NewStratum(StrEnum):
    private_enterprise = "民营企业管理技术人员"
    foreign_enterprise = "外商投资企业管理技术人员"
    intermediary = "中介组织从业人员"
    social_organization = "社会组织从业人员"
    freelance = "自由职业人员"
    new_media = "新媒体从业人员"


WORK_POSTS: tuple[str, ...] = (
    "公务员", "参照公务员法管理的工作人员", "事业单位管理岗位", "事业单位专业技术岗位",
    "公有经济控制企业管理岗位", "公有经济控制企业专业技术岗位", "非公有经济控制企业管理岗位",
    "非公有经济控制企业专业技术岗位", "民办非企业单位管理岗位", "民办非企业单位专业技术岗位",
    "公有经济控制单位工勤岗位", "非公有经济控制企业工勤岗位", "民办非企业单位工勤岗位",
    "机关单位工勤岗位", "事业单位工勤岗位", "农牧渔业生产人员", "乡村医生", "外出务工经商人员",
    "其他农牧渔民", "解放军、武警", "研究生学生", "大学本科学生", "大学专科学生",
    "中等专业学校学生", "高中学生", "技工学校学生", "离休干部", "退休人员", "退职人员",
    "内部退养职工", "大学生村官", "社区工作人员", "停薪留职人员", "个体工商户中的从业人员",
    "自由职业人员", "（转业）待安置、学生毕业未就业的人员", "出国出境逾期未归人员",
    "党组织关系在人才（劳动）服务中心不明职业的人员", "其他从业人员", "其他无业人员",
)  # fmt: skip


class Category(StrEnum):
    """MEM-02: a member may belong to several at once."""

    community = "community"
    retired = "retired"
    inservice = "inservice"
    floating_out = "floating_out"
    floating_in = "floating_in"
    elderly_or_sick = "elderly_or_sick"
    without_office = "without_office"
    unemployed = "unemployed"
    farmer = "farmer"
    student = "student"
    in_hardship = "in_hardship"


class EventType(StrEnum):
    """MEM-02 / MEM-09: typed, dated roster and status events."""

    # joining the roster (MEM-09)
    joined_development = "joined_development"
    transfer_in = "transfer_in"
    restoration = "restoration"
    readmission = "readmission"
    # leaving the roster (MEM-09)
    transfer_out = "transfer_out"
    death = "death"
    expulsion = "expulsion"
    removal = "removal"
    withdrawal = "withdrawal"
    cancelled_probation = "cancelled_probation"
    stop_membership = "stop_membership"
    # status changes (MEM-02, MEM-07, MEM-08)
    suspension = "suspension"
    suspension_end = "suspension_end"
    party_probation = "party_probation"
    lost_contact = "lost_contact"
    contact_restored = "contact_restored"


class RemovalKind(StrEnum):
    """除名 kinds (national.md §6.2)."""

    refused_to_withdraw = "劝而不退"
    self_lapsed = "自行脱党"
    withdrew = "退党"
    unqualified = "丧失党员条件"
    lost_contact = "失联"


LABELS: dict[str, str] = {
    # categories
    "community": "社区党员", "retired": "离退休", "inservice": "在职党员",
    "floating_out": "流出党员",
    "floating_in": "流入党员", "elderly_or_sick": "年老体弱", "without_office": "无职党员",
    "unemployed": "下岗失业", "farmer": "农民", "student": "学生", "in_hardship": "生活困难",
    # events
    "joined_development": "发展入党", "transfer_in": "转入", "restoration": "恢复党籍",
    "readmission": "重新入党", "transfer_out": "转出", "death": "死亡", "expulsion": "开除党籍",
    "removal": "除名", "withdrawal": "退党", "cancelled_probation": "取消预备党员资格",
    "stop_membership": "停止党籍", "suspension": "暂停组织生活", "suspension_end": "恢复组织生活",
    "party_probation": "留党察看", "lost_contact": "失去联系", "contact_restored": "恢复联系",
    # statuses
    "normal": "正常", "stopped": "停止党籍", "suspended": "暂停组织生活", "probation": "留党察看",
    "transferred_out": "已转出", "deceased": "已去世", "removed": "已除名", "expelled": "已开除",
    # kinds and genders
    "formal": "正式党员", "probationary": "预备党员", "male": "男", "female": "女",
}  # fmt: skip
