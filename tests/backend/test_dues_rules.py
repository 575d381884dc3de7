"""Pure party-dues arithmetic (DUES-01, DUES-02): no database, no I/O, no floats."""

from __future__ import annotations

import dataclasses
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from dangjian.dues import rules
from dangjian.dues.rules import (
    DUES_CATEGORY_LABELS,
    FIXED_CATEGORIES,
    MAX_BASIS,
    DuesAmount,
    DuesPolicy,
    monthly_dues,
)
from dangjian.models.enums import DuesCategory

D = Decimal
WAGE = [DuesCategory.salaried, DuesCategory.annual_salary, DuesCategory.self_employed]
BASIS_CATEGORIES = [*WAGE, DuesCategory.retired]
FIXED = [
    DuesCategory.student,
    DuesCategory.unemployed,
    DuesCategory.relief,
    DuesCategory.low_income,
]


def dues(category: DuesCategory, basis: str) -> DuesAmount:
    return monthly_dues(category, D(basis))


# ---------------------------------------------------------------- DUES-02 wage brackets


class TestDues02WageBrackets:
    """R: DUES-02 — salaried, annual-salary and self-employed members: 0.5 / 1 / 1.5 / 2 % of
    the whole basis; an upper edge belongs to the lower bracket."""

    @pytest.mark.parametrize("category", WAGE)
    @pytest.mark.parametrize(
        ("basis", "rate", "amount", "bracket"),
        [
            ("0.00", "0.005", "0.00", "3000元（含）以下"),
            ("2999.99", "0.005", "15.00", "3000元（含）以下"),
            ("3000.00", "0.005", "15.00", "3000元（含）以下"),
            ("3000.01", "0.01", "30.00", "3000元以上至5000元（含）"),
            ("5000.00", "0.01", "50.00", "3000元以上至5000元（含）"),
            ("5000.01", "0.015", "75.00", "5000元以上至10000元（含）"),
            ("10000.00", "0.015", "150.00", "5000元以上至10000元（含）"),
            ("10000.01", "0.02", "200.00", "10000元以上"),
            ("25000.00", "0.02", "500.00", "10000元以上"),
        ],
    )
    def test_dues02_every_edge_of_every_wage_category(
        self, category: DuesCategory, basis: str, rate: str, amount: str, bracket: str
    ) -> None:
        assert dues(category, basis) == DuesAmount(D(rate), D(amount), bracket)

    def test_dues02_the_rate_applies_to_the_whole_basis_not_marginally(self) -> None:
        # Marginal would be 3000 × 0.5 % + 1000 × 1 % = 25.00; the rule says 4000 × 1 %.
        assert dues(DuesCategory.salaried, "4000.00").monthly_amount == D("40.00")
        # Crossing an edge by one fen doubles the dues: the whole basis moves up.
        assert dues(DuesCategory.salaried, "3000.00").monthly_amount == D("15.00")
        assert dues(DuesCategory.salaried, "3000.01").monthly_amount == D("30.00")

    def test_dues02_integers_are_accepted_as_whole_yuan(self) -> None:
        assert monthly_dues(DuesCategory.salaried, 3000) == dues(DuesCategory.salaried, "3000.00")


class TestDues02Retired:
    """R: DUES-02 — retired members: 0.5 % up to 5000 yuan inclusive, 1 % above."""

    @pytest.mark.parametrize(
        ("basis", "rate", "amount", "bracket"),
        [
            ("0.00", "0.005", "0.00", "5000元（含）以下"),
            ("2999.99", "0.005", "15.00", "5000元（含）以下"),
            ("3000.01", "0.005", "15.00", "5000元（含）以下"),
            ("4999.99", "0.005", "25.00", "5000元（含）以下"),
            ("5000.00", "0.005", "25.00", "5000元（含）以下"),
            ("5000.01", "0.01", "50.00", "5000元以上"),
            ("10000.01", "0.01", "100.00", "5000元以上"),
        ],
    )
    def test_dues02_retired_edges(self, basis: str, rate: str, amount: str, bracket: str) -> None:
        assert dues(DuesCategory.retired, basis) == DuesAmount(D(rate), D(amount), bracket)


class TestDues02Rounding:
    """Amounts are rounded half-up to the fen; the product itself is exact."""

    @pytest.mark.parametrize(
        ("category", "basis", "amount"),
        [
            (
                DuesCategory.salaried,
                "1001.00",
                "5.01",
            ),  # 5.005 → 5.01 (half up, not to even)
            (DuesCategory.salaried, "1003.00", "5.02"),  # 5.015 → 5.02
            (DuesCategory.salaried, "3333.33", "33.33"),  # 33.3333 → 33.33
            (DuesCategory.salaried, "1234.50", "6.17"),  # 6.1725 → 6.17
            (DuesCategory.salaried, "1234.70", "6.17"),  # 6.1735 → 6.17
            (DuesCategory.salaried, "1234.90", "6.17"),  # 6.1745 → 6.17
            (DuesCategory.salaried, "1235.00", "6.18"),  # 6.175 → 6.18
            (DuesCategory.salaried, "0.01", "0.00"),  # 0.00005 → 0.00
            (DuesCategory.salaried, "1.00", "0.01"),  # 0.005 → 0.01
            (DuesCategory.salaried, "0.99", "0.00"),  # 0.00495 → 0.00
            (DuesCategory.annual_salary, "5333.30", "80.00"),  # 79.9995 → 80.00
            (DuesCategory.self_employed, "6666.67", "100.00"),  # 100.00005 → 100.00
            (DuesCategory.self_employed, "5000.33", "75.00"),  # 75.00495 → 75.00
            (DuesCategory.annual_salary, "12345.67", "246.91"),  # 246.9134 → 246.91
            (DuesCategory.salaried, "10000.25", "200.01"),  # 200.005 → 200.01
            (DuesCategory.retired, "3456.70", "17.28"),  # 17.2835 → 17.28
            (DuesCategory.retired, "3457.00", "17.29"),  # 17.285 → 17.29
            (DuesCategory.retired, "6789.50", "67.90"),  # 67.895 → 67.90
        ],
    )
    def test_dues02_half_up_to_the_fen(
        self, category: DuesCategory, basis: str, amount: str
    ) -> None:
        result = dues(category, basis)
        assert result.monthly_amount == D(amount)
        assert str(result.monthly_amount) == amount  # always two decimals

    def test_the_callers_decimal_context_does_not_matter(self) -> None:
        with localcontext() as ctx:
            ctx.prec = 3
            ctx.rounding = "ROUND_DOWN"
            assert dues(DuesCategory.salaried, "12345.67").monthly_amount == D("246.91")
            assert dues(DuesCategory.salaried, "1001.00").monthly_amount == D("5.01")


# ---------------------------------------------------------------- fixed amounts


class TestDues02FixedAmounts:
    """R: DUES-02 — students, the unemployed, those on relief or 低保 pay 0.20 yuan; farmers an
    amount set per member within the policy's range."""

    @pytest.mark.parametrize("category", FIXED)
    def test_dues02_fixed_categories_pay_twenty_fen(self, category: DuesCategory) -> None:
        result = monthly_dues(category)
        assert result == DuesAmount(None, D("0.20"), "每月固定0.20元")
        assert str(result.monthly_amount) == "0.20"

    @pytest.mark.parametrize("amount", ["0.20", "0.5", "0.50", "0.99", "1.00", "1"])
    def test_dues02_farmer_pays_the_set_amount(self, amount: str) -> None:
        result = monthly_dues(DuesCategory.farmer, fixed_amount=D(amount))
        assert result.rate is None
        assert result.monthly_amount == D(amount)
        assert result.monthly_amount.as_tuple().exponent == -2
        assert result.bracket == "每月0.20元至1.00元"

    @pytest.mark.parametrize("amount", ["0.19", "0.00", "1.01", "5.00"])
    def test_dues02_farmer_amount_outside_the_range(self, amount: str) -> None:
        with pytest.raises(ValueError, match=r"农民党员每月交纳金额应在0\.20元至1\.00元之间"):
            monthly_dues(DuesCategory.farmer, fixed_amount=D(amount))

    def test_dues02_the_policy_sets_the_farmer_range(self) -> None:
        policy = DuesPolicy(farmer_min=D("0.50"), farmer_max=D("2.00"))
        result = monthly_dues(DuesCategory.farmer, fixed_amount=D("2.00"), policy=policy)
        assert result.monthly_amount == D("2.00")
        assert result.bracket == "每月0.50元至2.00元"
        with pytest.raises(ValueError, match=r"应在0\.50元至2\.00元之间（收到 0\.20 元）"):
            monthly_dues(DuesCategory.farmer, fixed_amount=D("0.20"), policy=policy)

    def test_the_default_policy_is_the_national_range(self) -> None:
        assert DuesPolicy() == DuesPolicy(D("0.20"), D("1.00"))
        with pytest.raises(dataclasses.FrozenInstanceError):
            DuesPolicy().farmer_min = D("0.30")  # type: ignore[misc]

    @pytest.mark.parametrize(
        ("low", "high", "message"),
        [
            ("1.00", "0.20", "下限 1.00 元不能高于上限 0.20 元"),
            ("-0.10", "1.00", "不能为负数"),
            ("0.20", "1.005", "至多保留两位小数"),
        ],
    )
    def test_a_bad_policy_is_refused(self, low: str, high: str, message: str) -> None:
        with pytest.raises(ValueError, match=message):
            DuesPolicy(D(low), D(high))


# ---------------------------------------------------------------- errors


class TestErrors:
    """Bad inputs raise ValueError in Chinese; floats raise TypeError (money is never a float)."""

    @pytest.mark.parametrize("category", BASIS_CATEGORIES)
    def test_negative_basis(self, category: DuesCategory) -> None:
        with pytest.raises(ValueError, match=r"月缴费基数不能为负数（收到 -0\.01 元）"):
            dues(category, "-0.01")

    @pytest.mark.parametrize("category", BASIS_CATEGORIES)
    def test_basis_missing(self, category: DuesCategory) -> None:
        label = DUES_CATEGORY_LABELS[category]
        with pytest.raises(ValueError, match=f"请填写「{label}」党员的月缴费基数"):
            monthly_dues(category)

    @pytest.mark.parametrize("category", [*FIXED, DuesCategory.farmer])
    def test_basis_given_for_a_fixed_amount_category(self, category: DuesCategory) -> None:
        with pytest.raises(ValueError, match="按固定金额交纳党费，不填写月缴费基数"):
            monthly_dues(category, D("3000.00"), fixed_amount=D("0.50"))

    @pytest.mark.parametrize("category", BASIS_CATEGORIES)
    def test_fixed_amount_given_for_a_basis_category(self, category: DuesCategory) -> None:
        with pytest.raises(ValueError, match="按月缴费基数和比例计算党费，不填写固定金额"):
            monthly_dues(category, D("3000.00"), fixed_amount=D("0.50"))

    @pytest.mark.parametrize("category", FIXED)
    def test_fixed_amount_given_for_a_twenty_fen_category(self, category: DuesCategory) -> None:
        with pytest.raises(ValueError, match=r"每月固定交纳0\.20元，不填写金额"):
            monthly_dues(category, fixed_amount=D("0.20"))

    def test_farmer_amount_missing(self) -> None:
        with pytest.raises(ValueError, match=r"请填写农民党员每月交纳的金额（0\.20元至1\.00元）"):
            monthly_dues(DuesCategory.farmer)

    @pytest.mark.parametrize("basis", ["3000.001", "0.005", "1E-7"])
    def test_more_than_two_decimal_places(self, basis: str) -> None:
        with pytest.raises(ValueError, match="至多保留两位小数（到分）"):
            dues(DuesCategory.salaried, basis)
        with pytest.raises(ValueError, match="至多保留两位小数（到分）"):
            monthly_dues(DuesCategory.farmer, fixed_amount=D("0.505"))

    def test_trailing_zeros_beyond_the_fen_are_whole_fen(self) -> None:
        assert dues(DuesCategory.salaried, "3000.000") == dues(DuesCategory.salaried, "3000")

    @pytest.mark.parametrize("basis", ["NaN", "Infinity", "-Infinity", "sNaN"])
    def test_not_a_finite_number(self, basis: str) -> None:
        with pytest.raises(ValueError, match="应为有效的数字"):
            dues(DuesCategory.salaried, basis)

    def test_too_large(self) -> None:
        assert dues(DuesCategory.salaried, str(MAX_BASIS)).monthly_amount == D("20000000.00")
        with pytest.raises(ValueError, match=r"不能超过 999999999\.99 元"):
            dues(DuesCategory.salaried, "1000000000.00")

    def test_floats_are_refused(self) -> None:
        with pytest.raises(TypeError, match="float"):
            monthly_dues(DuesCategory.salaried, 3000.0)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="float"):
            monthly_dues(DuesCategory.farmer, fixed_amount=0.5)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="float"):
            DuesPolicy(farmer_min=0.2)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            monthly_dues(DuesCategory.salaried, "3000.00")  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            monthly_dues(DuesCategory.salaried, True)

    def test_unknown_category(self) -> None:
        with pytest.raises(ValueError, match="未知的党费交纳类别：miner"):
            monthly_dues("miner", D("1.00"))
        assert monthly_dues("salaried", D("3000.00")) == dues(DuesCategory.salaried, "3000.00")

    def test_every_category_has_a_chinese_label(self) -> None:
        assert set(DUES_CATEGORY_LABELS) == set(DuesCategory)
        assert DUES_CATEGORY_LABELS[DuesCategory.salaried] == "在职（按月领取工资）"
        assert all(
            any("\u4e00" <= ch <= "\u9fff" for ch in v) for v in DUES_CATEGORY_LABELS.values()
        )
        assert set(rules.BRACKETS) | FIXED_CATEGORIES | {DuesCategory.farmer} == set(DuesCategory)


# ---------------------------------------------------------------- properties

money = st.decimals(
    min_value=D("0.00"),
    max_value=MAX_BASIS,
    places=2,
    allow_nan=False,
    allow_infinity=False,
)
# Most bases people have sit near the edges; draw there often.
near_edges = st.one_of(
    money,
    st.sampled_from([D(e) for e in ("3000", "5000", "10000")]).flatmap(
        lambda edge: st.integers(-300, 300).map(lambda fen: edge + D(fen) / 100)
    ),
)


def direct_rate(category: DuesCategory, basis: Decimal) -> Decimal:
    """R: DUES-02 straight from the table."""
    if category is DuesCategory.retired:
        return D("0.005") if basis <= 5000 else D("0.01")
    if basis <= 3000:
        return D("0.005")
    if basis <= 5000:
        return D("0.01")
    if basis <= 10000:
        return D("0.015")
    return D("0.02")


@given(st.sampled_from(BASIS_CATEGORIES), near_edges)
def test_dues02_equals_the_direct_decimal_formula(category: DuesCategory, basis: Decimal) -> None:
    result = monthly_dues(category, basis)
    rate = direct_rate(category, basis)
    assert result.rate == rate
    assert result.monthly_amount == (basis * rate).quantize(D("0.01"), rounding=ROUND_HALF_UP)


@given(st.sampled_from(BASIS_CATEGORIES), near_edges)
def test_the_amount_is_always_a_whole_number_of_fen(category: DuesCategory, basis: Decimal) -> None:
    amount = monthly_dues(category, basis).monthly_amount
    assert amount == amount.quantize(D("0.01"))
    assert amount.as_tuple().exponent == -2
    assert amount >= 0 and not amount.is_signed()


@given(st.sampled_from(BASIS_CATEGORIES), near_edges, near_edges)
def test_dues02_the_amount_is_monotone_in_the_basis(
    category: DuesCategory, a: Decimal, b: Decimal
) -> None:
    assume(a <= b)
    assert monthly_dues(category, a).monthly_amount <= monthly_dues(category, b).monthly_amount
    assert monthly_dues(category, a).rate <= monthly_dues(category, b).rate  # type: ignore[operator]


@given(st.sampled_from(WAGE), st.sampled_from(WAGE), near_edges)
def test_dues02_the_three_wage_categories_share_one_table(
    one: DuesCategory, other: DuesCategory, basis: Decimal
) -> None:
    assert monthly_dues(one, basis) == monthly_dues(other, basis)


@given(st.decimals(min_value=D("0.20"), max_value=D("1.00"), places=2))
def test_dues02_any_farmer_amount_in_range_is_paid_as_set(amount: Decimal) -> None:
    assert monthly_dues(DuesCategory.farmer, fixed_amount=amount).monthly_amount == amount


def test_the_module_is_pure() -> None:
    """No database or I/O imports, and no floats: the rules can be used anywhere."""
    source = Path(rules.__file__).read_text(encoding="utf-8")
    for forbidden in (
        "sqlalchemy",
        "import asyncio",
        "open(",
        "httpx",
        "float(",
        "import math",
    ):
        assert forbidden not in source
