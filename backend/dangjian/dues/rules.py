"""Pure party-dues arithmetic (no database, no I/O): category, monthly basis, policy → dues.

Money is `Decimal`, never float: a float argument raises TypeError. A rate applies to the WHOLE
basis, not marginally; a bracket's upper edge belongs to that bracket (3000.00 → 0.5 %,
3000.01 → 1 %). Amounts are rounded half-up to the fen (0.01 yuan).
Messages are for people and are in Chinese.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

from dangjian.models.enums import DuesCategory

DUES_CATEGORY_LABELS: dict[DuesCategory, str] = {
    DuesCategory.salaried: "在职（按月领取工资）",
    DuesCategory.annual_salary: "实行年薪制",
    DuesCategory.self_employed: "个体经营者等（不按月取得收入）",
    DuesCategory.retired: "离退休",
    DuesCategory.farmer: "农民",
    DuesCategory.student: "学生",
    DuesCategory.unemployed: "下岗失业",
    DuesCategory.relief: "依靠抚恤或救济生活",
    DuesCategory.low_income: "领取最低生活保障金",
}

CENT = Decimal("0.01")
# The largest monthly basis accepted (matches the API's 9 integer digits).
MAX_BASIS = Decimal("999999999.99")
# R: DUES-02 — students, the unemployed, those on relief and on 低保 pay 0.20 yuan a month.
FIXED_AMOUNT = Decimal("0.20")

# Exact arithmetic whatever the caller's decimal context is: 40 digits hold any basis × rate.
_EXACT = Context(prec=40, rounding=ROUND_HALF_UP, traps=[InvalidOperation])


# ---------------------------------------------------------------- validation


def _yuan(value: Decimal | int) -> str:
    return format(Decimal(value), "f")


def _check_money(name: str, value: object) -> Decimal:
    """A non-negative, finite amount with at most two decimal places (whole fen)."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        # Floats cannot hold 0.01 exactly: money is never a float here.
        raise TypeError(f"{name} must be a Decimal (or int), not {type(value).__name__}")
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValueError(f"{name}应为有效的数字（收到 {amount}）")
    if amount < 0:
        raise ValueError(f"{name}不能为负数（收到 {_yuan(amount)} 元）")
    if amount > MAX_BASIS:
        raise ValueError(f"{name}不能超过 {_yuan(MAX_BASIS)} 元")
    if amount != amount.quantize(CENT, context=_EXACT):
        raise ValueError(f"{name}至多保留两位小数（到分），收到 {_yuan(amount)}")
    return amount


def _category(category: DuesCategory | str) -> DuesCategory:
    try:
        return DuesCategory(category)
    except ValueError:
        raise ValueError(f"未知的党费交纳类别：{category}") from None


# ---------------------------------------------------------------- policy and rate tables


@dataclass(frozen=True)
class DuesPolicy:
    """The organisation's adjustable dues parameters (R: DUES-02 farmer range, set by the
    provincial committee within 0.20–1.00 yuan)."""

    farmer_min: Decimal = Decimal("0.20")
    farmer_max: Decimal = Decimal("1.00")

    def __post_init__(self) -> None:
        _check_money("农民党员交纳金额下限", self.farmer_min)
        _check_money("农民党员交纳金额上限", self.farmer_max)
        if self.farmer_min > self.farmer_max:
            raise ValueError(
                f"农民党员交纳金额下限 {_yuan(self.farmer_min)} 元"
                f"不能高于上限 {_yuan(self.farmer_max)} 元"
            )


DEFAULT_POLICY = DuesPolicy()


@dataclass(frozen=True)
class Bracket:
    """One step of a rate table: bases up to `upper` (inclusive; None = no limit) pay `rate`."""

    upper: Decimal | None
    rate: Decimal
    label: str


# R: DUES-02 — salaried, annual-salary and self-employed members.
WAGE_BRACKETS: tuple[Bracket, ...] = (
    Bracket(Decimal("3000"), Decimal("0.005"), "3000元（含）以下"),
    Bracket(Decimal("5000"), Decimal("0.01"), "3000元以上至5000元（含）"),
    Bracket(Decimal("10000"), Decimal("0.015"), "5000元以上至10000元（含）"),
    Bracket(None, Decimal("0.02"), "10000元以上"),
)

# R: DUES-02 — retired members.
RETIRED_BRACKETS: tuple[Bracket, ...] = (
    Bracket(Decimal("5000"), Decimal("0.005"), "5000元（含）以下"),
    Bracket(None, Decimal("0.01"), "5000元以上"),
)

BRACKETS: dict[DuesCategory, tuple[Bracket, ...]] = {
    DuesCategory.salaried: WAGE_BRACKETS,
    DuesCategory.annual_salary: WAGE_BRACKETS,
    DuesCategory.self_employed: WAGE_BRACKETS,
    DuesCategory.retired: RETIRED_BRACKETS,
}

FIXED_CATEGORIES: frozenset[DuesCategory] = frozenset(
    {DuesCategory.student, DuesCategory.unemployed, DuesCategory.relief, DuesCategory.low_income}
)


@dataclass(frozen=True)
class DuesAmount:
    """The monthly dues of one member.

    `rate` is the share of the basis (Decimal("0.005") = 0.5 %); None for the fixed-amount
    categories (farmers, students, …), which pay an amount and not a share.
    """

    rate: Decimal | None
    monthly_amount: Decimal
    bracket: str


# ---------------------------------------------------------------- the calculation


def bracket_for(category: DuesCategory | str, basis: Decimal) -> Bracket:
    """R: DUES-02 — the bracket a basis falls in; an upper edge belongs to its bracket."""
    for bracket in BRACKETS[_category(category)]:
        if bracket.upper is None or basis <= bracket.upper:
            return bracket
    raise AssertionError("the last bracket has no upper limit")  # pragma: no cover


def monthly_dues(
    category: DuesCategory | str,
    basis: Decimal | int | None = None,
    *,
    fixed_amount: Decimal | int | None = None,
    policy: DuesPolicy = DEFAULT_POLICY,
) -> DuesAmount:
    """The monthly dues of a member of `category`.

    - salaried, annual-salary, self-employed, retired (R: DUES-01, DUES-02): `basis` is the
      monthly basis in yuan; dues = basis × the rate of its bracket, applied to the whole basis,
      rounded half-up to the fen.
    - farmer (R: DUES-02): `fixed_amount` is the member's monthly amount, within the policy's
      range (0.20–1.00 yuan by default).
    - student, unemployed, relief, low-income (R: DUES-02): 0.20 yuan, nothing to fill in.

    Raises TypeError for a float (money is Decimal), ValueError in Chinese for a bad input.
    """
    category = _category(category)
    label = DUES_CATEGORY_LABELS[category]

    if category in BRACKETS:
        if fixed_amount is not None:
            _check_money("固定金额", fixed_amount)
            raise ValueError(f"「{label}」党员按月缴费基数和比例计算党费，不填写固定金额")
        if basis is None:
            raise ValueError(f"请填写「{label}」党员的月缴费基数")
        amount_basis = _check_money("月缴费基数", basis)
        bracket = bracket_for(category, amount_basis)
        # R: DUES-02 — the whole basis at the bracket's rate, half-up to the fen.
        raw = _EXACT.multiply(amount_basis, bracket.rate)
        monthly = raw.quantize(CENT, rounding=ROUND_HALF_UP, context=_EXACT).copy_abs()
        return DuesAmount(rate=bracket.rate, monthly_amount=monthly, bracket=bracket.label)

    if basis is not None:
        _check_money("月缴费基数", basis)
        raise ValueError(f"「{label}」党员按固定金额交纳党费，不填写月缴费基数")

    if category is DuesCategory.farmer:
        low, high = _yuan(policy.farmer_min), _yuan(policy.farmer_max)
        if fixed_amount is None:
            raise ValueError(f"请填写农民党员每月交纳的金额（{low}元至{high}元）")
        amount = _check_money("农民党员每月交纳金额", fixed_amount)
        if not policy.farmer_min <= amount <= policy.farmer_max:
            raise ValueError(
                f"农民党员每月交纳金额应在{low}元至{high}元之间（收到 {_yuan(amount)} 元）"
            )
        monthly = amount.quantize(CENT, context=_EXACT)
        return DuesAmount(rate=None, monthly_amount=monthly, bracket=f"每月{low}元至{high}元")

    # R: DUES-02 — students, the unemployed, those on relief or 低保: a fixed 0.20 yuan.
    if fixed_amount is not None:
        _check_money("固定金额", fixed_amount)
        raise ValueError(f"「{label}」党员每月固定交纳{_yuan(FIXED_AMOUNT)}元，不填写金额")
    return DuesAmount(
        rate=None, monthly_amount=FIXED_AMOUNT, bracket=f"每月固定{_yuan(FIXED_AMOUNT)}元"
    )


# ---------------------------------------------------------------- deductions (DUES-01)


def after_deductions(
    basis: Decimal | int,
    deductions: Mapping[str, Decimal],
    counted: Mapping[str, str],
    labels: Mapping[str, str] | None = None,
) -> Decimal:
    """R: DUES-01 — "after tax" is the counted pay minus income tax and, where the organisation's
    policy (`dues.deductions`) says so, the member's own social-insurance, housing-fund or annuity
    contributions. `basis` is the pay after income tax; each item of `deductions` (key → yuan a
    month) must be one the policy counts (`counted`: key → Chinese label; `labels` names every
    known item for the refusal) and is subtracted
    before the bracket is chosen (DUES-02)."""
    amount = _check_money("月缴费基数", basis)
    for key, value in deductions.items():
        if key not in counted:
            name = (labels or {}).get(key)
            if name is None:
                raise ValueError(f"没有「{key}」这一扣除项")
            raise ValueError(f"本组织计算税后收入时不扣除「{name}」，请不要填写该项")
        amount -= _check_money(counted[key], value)
    if amount < 0:
        raise ValueError("扣除项合计不能超过月缴费基数")
    return amount
