"""Pure units, no database: ID numbers, passwords, tokens, scope, masking, encryption, org rules.

Each section states the behaviour the rest of the platform relies on; Hypothesis properties cover
the inputs a handful of examples cannot (every date, every tree shape, every ID number).
"""

from __future__ import annotations

import base64
import dataclasses
import json
import string
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from conftest import TEST_PASSWORD_HASHING as CHEAP
from hypothesis import given, settings
from hypothesis import strategies as st
from jose import jwt
from pydantic import ValidationError
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, insert, select

from dangjian import cli
from dangjian.authz.capabilities import Cap
from dangjian.authz.masking import mask_id_number, mask_phone
from dangjian.authz.paths import common_ancestor, is_strictly_within, is_within
from dangjian.authz.paths import minimal as minimal_paths
from dangjian.authz.principal import Grant, Principal, PrincipalKind
from dangjian.core import clock, idcard
from dangjian.core.config import Settings, get_settings
from dangjian.core.crypto import PersonalDataCipher
from dangjian.core.security import (
    ARGON2_MINIMUM,
    Argon2Parameters,
    create_access_token,
    decode_access_token,
    generate_password,
    hash_password,
    password_needs_rehash,
    password_problems,
    verify_password,
)
from dangjian.models.enums import OrgKind, PostKind
from dangjian.organizations.rules import (
    TermStatus,
    add_months,
    add_years,
    may_stand_under,
    post_allowed_at,
    term_status,
)

KEY = "unit-test-signing-key-0123456789-abcdefghijklmnop"
OTHER_KEY = "another-signing-key-0123456789-abcdefghijklmnopqr"
VALID_IDS = ["11010519491231002X", "440524188001010014"]


# --- core/idcard: GB 11643-1999 citizen ID numbers -------------------------------------------


@pytest.mark.parametrize("number", VALID_IDS)
def test_check_digit_of_known_valid_numbers(number: str) -> None:
    assert idcard.check_digit(number[:17]) == number[17]
    assert idcard.is_valid(number)


def test_lowercase_x_check_digit_is_accepted() -> None:
    assert idcard.is_valid("11010519491231002x")


def test_wrong_check_digit_is_rejected() -> None:
    for wrong in "0123456789X":
        if wrong != "X":
            assert not idcard.is_valid("11010519491231002" + wrong)
    assert not idcard.is_valid("440524188001010013")


def test_impossible_birth_date_is_rejected_even_with_a_correct_check_digit() -> None:
    body = "110105" + "20230230" + "002"  # 30 February
    assert not idcard.is_valid(body + idcard.check_digit(body))
    body = "110105" + "20231301" + "002"  # month 13
    assert not idcard.is_valid(body + idcard.check_digit(body))


@pytest.mark.parametrize(
    "number",
    [
        "",
        "1101051949123100",
        "11010519491231002",
        "11010519491231002X0",
        "110105194912310021X",
        "1101051949123100XX",
        "11010519491231002Y",
    ],
)
def test_wrong_length_or_characters_are_rejected(number: str) -> None:
    assert not idcard.is_valid(number)


def test_a_trailing_newline_is_not_a_valid_id_number() -> None:
    """`$` in the pattern also matches before a final "\\n": a 19-character string passes."""
    assert not idcard.is_valid("11010519491231002X\n")


def test_only_ascii_digits_make_a_valid_id_number() -> None:
    """`\\d` matches any Unicode digit: full-width "１１０１…" passes and would get another blind
    index than the same number in ASCII digits (a duplicate that escapes the uniqueness check)."""
    full_width = "".join(
        chr(ord(c) - ord("0") + 0xFF10) if c.isdigit() else c for c in "11010519491231002X"
    )
    assert not idcard.is_valid(full_width)


def test_birth_date_and_gender_are_decoded() -> None:
    assert idcard.birth_date_of("11010519491231002X") == date(1949, 12, 31)
    assert idcard.gender_of("11010519491231002X") == "female"  # 17th digit 2
    assert idcard.birth_date_of("440524188001010014") == date(1880, 1, 1)
    assert idcard.gender_of("440524188001010014") == "male"  # 17th digit 1
    assert idcard.birth_date_of("110105" + "20230230" + "0021") is None


@settings(max_examples=300, deadline=None)
@given(
    born=st.dates(min_value=date(1920, 1, 1), max_value=date(2010, 12, 31)),
    sequence=st.integers(0, 99),
    male=st.booleans(),
    area=st.sampled_from(["110105", "440524", "320102", "510104"]),
)
def test_make_always_builds_a_valid_number_that_round_trips(
    born: date, sequence: int, male: bool, area: str
) -> None:
    number = idcard.make(area, born, sequence, male)
    assert len(number) == 18 and number.startswith(area)
    assert idcard.is_valid(number)
    assert idcard.birth_date_of(number) == born
    assert idcard.gender_of(number) == ("male" if male else "female")


# --- core/security: password policy (等保 level 3) ----------------------------------------------


def problems(password: str, username: str = "") -> list[str]:
    return password_problems(password, min_length=8, min_classes=3, username=username)


def test_a_short_password_is_refused() -> None:
    assert problems("Ab1#xyz") == ["密码长度至少 8 位"]


@pytest.mark.parametrize("password", ["abcdefghij", "abcdefgh12", "ABCDEFGH##", "12345678#@"])
def test_a_password_with_fewer_than_three_classes_is_refused(password: str) -> None:
    assert any("至少 3 类" in p for p in problems(password))


@pytest.mark.parametrize("password", ["Xk9mvtrw", "xk9m#trw", "XK9M#TRW", "Xkqm#trw"])
def test_three_of_four_classes_suffice(password: str) -> None:
    assert problems(password) == []


@pytest.mark.parametrize("password", ["P@ssw0rd", "p@ssw0rd", "DANGJIAN@2026", "Admin@123"])
def test_a_common_password_is_refused_whatever_its_case(password: str) -> None:
    assert "密码过于常见，请换一个" in problems(password)


def test_a_password_containing_the_username_is_refused_whatever_its_case() -> None:
    assert "密码不能包含用户名" in problems("My-ZhangSan-9", username="zhangsan")
    assert problems("My-Lisi-9x", username="zhangsan") == []


def test_an_acceptable_password_has_no_problems() -> None:
    assert problems("Hongqi#Shequ-7", username="secretary") == []


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=8, max_value=40))
def test_generated_passwords_pass_the_strictest_policy(length: int) -> None:
    password = generate_password(length)
    assert len(password) == length
    assert password_problems(password, min_length=8, min_classes=4) == []


def test_generated_passwords_differ() -> None:
    assert len({generate_password() for _ in range(20)}) == 20


# --- core/security: password hashing --------------------------------------------------------


def test_hash_is_argon2id_and_verifies() -> None:
    hashed = hash_password("Hongqi#Shequ-7", CHEAP)
    assert hashed.startswith("$argon2id$")
    assert verify_password("Hongqi#Shequ-7", hashed, CHEAP)
    assert not verify_password("Hongqi#Shequ-8", hashed, CHEAP)
    assert hash_password("Hongqi#Shequ-7", CHEAP) != hashed  # salted


def test_long_passwords_are_not_truncated() -> None:
    password = "".join(string.ascii_letters[i % 52] for i in range(199)) + "!"
    assert len(password) == 200
    hashed = hash_password(password, CHEAP)
    assert verify_password(password, hashed, CHEAP)
    assert not verify_password(password[:-1] + "?", hashed, CHEAP)
    assert not verify_password(password[:72], hashed, CHEAP)


def test_no_hash_never_verifies() -> None:
    assert verify_password("anything", None, CHEAP) is False
    assert verify_password("", None, CHEAP) is False


def test_hash_uses_the_configured_parameters_and_older_hashes_keep_verifying() -> None:
    other = Argon2Parameters(time_cost=2, memory_kib=1024, parallelism=2)
    made = hash_password("Hongqi#Shequ-7", other)
    assert made.startswith("$argon2id$v=19$m=1024,t=2,p=2$")
    assert hash_password("Hongqi#Shequ-7", CHEAP).startswith("$argon2id$v=19$m=8,t=1,p=1$")
    # the hash carries its own parameters: it verifies whatever the configured ones are now
    assert verify_password("Hongqi#Shequ-7", made, CHEAP)
    assert not verify_password("Hongqi#Shequ-8", made, CHEAP)
    # and is due for a rehash (at the next sign-in) when any parameter differs, up or down
    assert not password_needs_rehash(made, other)
    for changed in (
        dataclasses.replace(other, time_cost=1),
        dataclasses.replace(other, time_cost=3),
        dataclasses.replace(other, memory_kib=2048),
        dataclasses.replace(other, parallelism=1),
        CHEAP,
    ):
        assert password_needs_rehash(made, changed), changed


def test_hashing_defaults_are_the_library_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    # argon2-cffi's (RFC 9106 low-memory profile), which passlib uses too: 3 passes, 64 MiB, 4 lanes
    assert Argon2Parameters() == Argon2Parameters(time_cost=3, memory_kib=65536, parallelism=4)
    for name in ("TIME_COST", "MEMORY_KIB", "PARALLELISM"):  # the test process sets cheap ones
        monkeypatch.delenv(f"DANGJIAN_PASSWORD_HASH_{name}")
    assert Settings(environment="production").password_hashing == Argon2Parameters()
    assert Argon2Parameters().below(ARGON2_MINIMUM) == []


def _hashing(environment: str, params: Argon2Parameters) -> Settings:
    return Settings(
        environment=environment,
        password_hash_time_cost=params.time_cost,
        password_hash_memory_kib=params.memory_kib,
        password_hash_parallelism=params.parallelism,
    )


@pytest.mark.parametrize(
    ("params", "named"),
    [
        (
            CHEAP,
            "DANGJIAN_PASSWORD_HASH_TIME_COST=1 < 2, DANGJIAN_PASSWORD_HASH_MEMORY_KIB=8 < 19456",
        ),
        (
            dataclasses.replace(ARGON2_MINIMUM, time_cost=1),
            "DANGJIAN_PASSWORD_HASH_TIME_COST=1 < 2",
        ),
        (
            dataclasses.replace(ARGON2_MINIMUM, memory_kib=19455),
            "DANGJIAN_PASSWORD_HASH_MEMORY_KIB=19455 < 19456",
        ),
    ],
)
def test_weak_hashing_is_refused_outside_development_and_test(
    params: Argon2Parameters, named: str
) -> None:
    for environment in ("production", "staging"):
        with pytest.raises(ValidationError) as refused:
            _hashing(environment, params)
        message = str(refused.value)
        assert (
            f"password hashing too weak for DANGJIAN_ENVIRONMENT={environment}: {named}." in message
        )
        assert "the minimum (OWASP) is TIME_COST 2, MEMORY_KIB 19456, PARALLELISM 1" in message
    for environment in ("development", "test"):
        assert _hashing(environment, params).password_hashing == params
    assert _hashing("production", ARGON2_MINIMUM).password_hashing == ARGON2_MINIMUM


def test_hashing_memory_below_what_argon2_needs_is_refused_everywhere() -> None:
    with pytest.raises(ValidationError, match="at least 8 × DANGJIAN_PASSWORD_HASH_PARALLELISM"):
        _hashing("test", Argon2Parameters(time_cost=1, memory_kib=8, parallelism=2))
    with pytest.raises(ValidationError, match="greater than or equal to 1"):
        _hashing("test", Argon2Parameters(time_cost=0, memory_kib=8, parallelism=1))


def test_weak_hashing_stops_the_cli_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("DANGJIAN_ENVIRONMENT", "production")
    monkeypatch.setenv("DANGJIAN_PASSWORD_HASH_TIME_COST", "3")
    monkeypatch.setenv("DANGJIAN_PASSWORD_HASH_MEMORY_KIB", "4096")
    get_settings.cache_clear()
    assert cli.main(["export-openapi", "--output", str(tmp_path / "o.json")]) == 2
    err = capsys.readouterr().err
    assert "配置有误" in err and "DANGJIAN_PASSWORD_HASH_MEMORY_KIB=4096 < 19456" in err
    assert not (tmp_path / "o.json").exists()


# --- core/security: access tokens (JWT) -----------------------------------------------------


def b64url(data: bytes | dict[str, object]) -> str:
    raw = json.dumps(data).encode() if isinstance(data, dict) else data
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def claims(**overrides: object) -> dict[str, object]:
    now = int(time.time())
    payload: dict[str, object] = {
        "sub": "7",
        "sid": "session-1",
        "typ": "access",
        "iat": now,
        "exp": now + 600,
        "jti": "abc",
    }
    payload.update(overrides)
    return payload


def test_access_token_round_trip() -> None:
    token, expires = create_access_token(
        subject="42", session_id="sess-9", key=KEY, ttl_seconds=600
    )
    decoded = decode_access_token(token, key=KEY)
    assert decoded is not None
    assert decoded.subject == "42" and decoded.session_id == "sess-9"
    assert decoded.expires_at == expires.replace(microsecond=0)
    assert timedelta(seconds=590) < decoded.expires_at - datetime.now(UTC) <= timedelta(seconds=600)
    assert jwt.get_unverified_header(token)["alg"] == "HS256"


def test_a_remembered_token_still_expires_by_the_clock() -> None:
    # the signature check is remembered per token (core/security.py); expiry is not
    token, expires = create_access_token(subject="42", session_id="s", key=KEY, ttl_seconds=600)
    assert decode_access_token(token, key=KEY) is not None
    assert decode_access_token(token, key=KEY) is not None  # the remembered answer
    with clock.freeze(expires + timedelta(seconds=1)):
        assert decode_access_token(token, key=KEY) is None
    assert decode_access_token(token, key=OTHER_KEY) is None  # remembered per key too


def test_alg_none_token_is_rejected() -> None:
    unsigned = f"{b64url({'alg': 'none', 'typ': 'JWT'})}.{b64url(claims())}."
    assert decode_access_token(unsigned, key=KEY) is None
    assert decode_access_token(unsigned + b64url(b"x"), key=KEY) is None


def test_token_signed_with_another_key_is_rejected() -> None:
    token, _ = create_access_token(subject="42", session_id="s", key=OTHER_KEY, ttl_seconds=600)
    assert decode_access_token(token, key=KEY) is None


def test_tampered_payload_is_rejected() -> None:
    token, _ = create_access_token(subject="42", session_id="s", key=KEY, ttl_seconds=600)
    header, payload, signature = token.split(".")
    forged = b64url(json.loads(base64.urlsafe_b64decode(payload + "==")) | {"sub": "1"})
    assert decode_access_token(f"{header}.{forged}.{signature}", key=KEY) is None
    flipped = payload[:5] + ("A" if payload[5] != "A" else "B") + payload[6:]
    assert decode_access_token(f"{header}.{flipped}.{signature}", key=KEY) is None


def test_expired_token_is_rejected() -> None:
    token, _ = create_access_token(subject="42", session_id="s", key=KEY, ttl_seconds=-10)
    assert decode_access_token(token, key=KEY) is None


@pytest.mark.parametrize("typ", ["refresh", "client", None])
def test_token_that_is_not_an_access_token_is_rejected(typ: str | None) -> None:
    token = jwt.encode(claims(typ=typ), KEY, algorithm="HS256")
    assert decode_access_token(token, key=KEY) is None


def test_token_without_expiry_or_session_is_rejected() -> None:
    no_exp = claims()
    del no_exp["exp"]
    assert decode_access_token(jwt.encode(no_exp, KEY, algorithm="HS256"), key=KEY) is None
    assert decode_access_token(jwt.encode(claims(sid=5), KEY, algorithm="HS256"), key=KEY) is None


def test_hs512_token_with_the_right_key_is_rejected() -> None:
    token = jwt.encode(claims(), KEY, algorithm="HS512")
    assert jwt.decode(token, KEY, algorithms=["HS512"])["sub"] == "7"  # genuinely well signed
    assert decode_access_token(token, key=KEY) is None


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "....", "eyJ.eyJ.sig"])
def test_garbage_is_rejected(garbage: str) -> None:
    assert decode_access_token(garbage, key=KEY) is None


# --- authz/principal: scope by materialised path (ROLES.md rule of access 1) ----------------


def principal(*paths: str, cap: Cap = Cap.org_read) -> Principal:
    grants = [
        Grant(organization_id=i, path=p, capabilities=frozenset({cap}))
        for i, p in enumerate(paths, start=1)
    ]
    return Principal(kind=PrincipalKind.post_holder, session_id="s", grants=grants)


def test_a_grant_covers_its_subtree_and_nothing_else() -> None:
    p = principal("/1/2/")
    assert p.can(Cap.org_read, "/1/2/")
    assert p.can(Cap.org_read, "/1/2/3/")
    assert p.can(Cap.org_read, "/1/2/3/4/6/")
    assert not p.can(Cap.org_read, "/1/20/")  # string-prefix look-alike
    assert not p.can(Cap.org_read, "/1/")  # the parent
    assert not p.can(Cap.org_read, "/12/")
    assert not p.can(Cap.org_manage, "/1/2/")  # another capability


def test_global_capability_covers_everything() -> None:
    p = Principal(
        kind=PrincipalKind.admin,
        session_id="s",
        grants=[],
        global_capabilities=frozenset({Cap.audit_read}),
    )
    assert p.can(Cap.audit_read, "/99/")
    assert not p.can(Cap.org_read, "/99/")


def test_records_name_the_person_and_post_never_the_login_name() -> None:
    """Issue 18 item 4: what business records store (collector, recorder, exported by) is the
    person's name with their post; the audit log keeps the login name in `identity`."""
    from dangjian.models import User

    def who(name: str, *posts: PostKind) -> Principal:
        user = User(username="zhangsan", display_name=name)
        return Principal(
            kind=PrincipalKind.post_holder, session_id="s", grants=[], user=user, posts=posts
        )

    assert who("张三", PostKind.organization_member).label == "张三（组织委员）"
    # the highest post is named when several are held
    assert who("张三", PostKind.secretary, PostKind.clerk).label == "张三（书记）"
    assert who("张三").label == "张三"  # a member without a post
    assert who("东风社区组织委员", PostKind.organization_member).label == "东风社区组织委员"
    assert who("张三", PostKind.clerk).identity == "张三（zhangsan）"


def test_is_within_counts_the_organisation_itself_and_not_look_alikes() -> None:
    assert is_within("/1/2/", "/1/2/") and is_within("/1/2/3/", "/1/2/")
    assert not is_within("/1/20/", "/1/2/") and not is_within("/1/", "/1/2/")
    assert is_strictly_within("/1/2/3/", "/1/2/") and not is_strictly_within("/1/2/", "/1/2/")
    assert not is_strictly_within("/1/20/", "/1/2/")


def test_common_ancestor_is_the_deepest_shared_organisation() -> None:
    assert common_ancestor("/1/2/3/", "/1/2/9/") == "/1/2/"
    assert common_ancestor("/1/2/", "/1/20/") == "/1/"
    assert common_ancestor("/1/", "/5/") is None


def test_minimal_drops_covered_paths() -> None:
    assert minimal_paths(["/1/2/3/", "/1/2/", "/1/20/", "/1/2/", "/5/"]) == [
        "/5/",
        "/1/2/",
        "/1/20/",
    ]
    assert minimal_paths(["/1/2/3/", "/1/", "/1/2/"]) == ["/1/"]
    assert minimal_paths([]) == []


@pytest.fixture(scope="module")
def org_table() -> tuple[object, Table]:
    engine = create_engine("sqlite://")
    table = Table(
        "orgs",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("path", String(255), nullable=False),
    )
    table.metadata.create_all(engine)
    return engine, table


def sql_scope(
    org_table: tuple[object, Table], p: Principal, cap: Cap, paths: list[str]
) -> set[str]:
    engine, table = org_table
    with engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(table.delete())
        conn.execute(insert(table), [{"id": i, "path": path} for i, path in enumerate(paths, 1)])
        return set(conn.scalars(select(table.c.path).where(p.readable(table.c.path, cap))))


DEMO_PATHS = [
    "/1/",
    "/1/2/",
    "/1/2/3/",
    "/1/2/3/4/",
    "/1/2/3/4/6/",
    "/1/12/",
    "/1/20/",
    "/1/20/21/",
    "/14/",
    "/2/",
]


def test_readable_selects_the_subtree_only(org_table: tuple[object, Table]) -> None:
    assert sql_scope(org_table, principal("/1/2/"), Cap.org_read, DEMO_PATHS) == {
        "/1/2/",
        "/1/2/3/",
        "/1/2/3/4/",
        "/1/2/3/4/6/",
    }
    assert sql_scope(org_table, principal("/1/2/", "/14/"), Cap.org_read, DEMO_PATHS) == {
        "/1/2/",
        "/1/2/3/",
        "/1/2/3/4/",
        "/1/2/3/4/6/",
        "/14/",
    }


def test_readable_without_grants_selects_nothing_and_global_selects_all(
    org_table: tuple[object, Table],
) -> None:
    assert sql_scope(org_table, principal("/1/2/"), Cap.org_manage, DEMO_PATHS) == set()
    admin = Principal(
        kind=PrincipalKind.admin,
        session_id="s",
        grants=[],
        global_capabilities=frozenset({Cap.org_read}),
    )
    assert sql_scope(org_table, admin, Cap.org_read, DEMO_PATHS) == set(DEMO_PATHS)


def test_readable_treats_like_wildcards_literally(org_table: tuple[object, Table]) -> None:
    assert sql_scope(org_table, principal("/1_/"), Cap.org_read, ["/1_/", "/12/", "/1_/3/"]) == {
        "/1_/",
        "/1_/3/",
    }
    assert sql_scope(org_table, principal("/%/"), Cap.org_read, ["/%/", "/12/"]) == {"/%/"}


@st.composite
def trees(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """A random organisation tree (ids chosen so that "2" and "20" style look-alikes occur) and
    a random set of granted paths within it."""
    ids = draw(st.lists(st.integers(1, 40), min_size=1, max_size=25, unique=True))
    paths: list[str] = []
    for i, org_id in enumerate(ids):
        parent = draw(st.none() | st.integers(0, i - 1)) if i else None
        paths.append(f"{paths[parent] if parent is not None else '/'}{org_id}/")
    granted = draw(st.lists(st.sampled_from(paths), max_size=4))
    return paths, granted


@settings(max_examples=150, deadline=None)
@given(trees())
def test_readable_equals_path_prefix_semantics(
    org_table: tuple[object, Table], tree: tuple[list[str], list[str]]
) -> None:
    paths, granted = tree
    p = principal(*granted)
    expected = {path for path in paths if any(path.startswith(g) for g in granted)}
    assert sql_scope(org_table, p, Cap.org_read, paths) == expected
    assert {path for path in paths if p.can(Cap.org_read, path)} == expected
    minimal = minimal_paths(granted)
    assert {path for path in paths if any(path.startswith(g) for g in minimal)} == expected
    assert all(not a.startswith(b) for a in minimal for b in minimal if a != b)


# --- authz/masking (ROLES.md rule of access 3) ----------------------------------------------


def test_id_number_shows_first_four_and_last_four() -> None:
    assert mask_id_number("11010519491231002X") == "1101**********002X"


def test_phone_shows_last_four() -> None:
    assert mask_phone("13800138000") == "*******8000"
    assert mask_phone("1234") == "****"


@pytest.mark.parametrize("value", [None, ""])
def test_empty_values_pass_through(value: str | None) -> None:
    assert mask_id_number(value) == value
    assert mask_phone(value) == value


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789X", min_size=18, max_size=18))
def test_masked_id_number_never_shows_more_than_eight_characters(number: str) -> None:
    masked = mask_id_number(number)
    assert masked is not None and len(masked) == 18
    assert masked[4:14] == "*" * 10
    assert masked[:4] == number[:4] and masked[-4:] == number[-4:]
    assert sum(c != "*" for c in masked) <= 8


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=string.digits, min_size=1, max_size=20))
def test_masked_phone_never_shows_more_than_four_characters(phone: str) -> None:
    masked = mask_phone(phone)
    assert masked is not None and len(masked) == len(phone)
    assert sum(c != "*" for c in masked) <= 4


# --- core/crypto: personal data at rest -----------------------------------------------------

CIPHER = PersonalDataCipher("unit-test-data-key-0123456789-abcdefghijklmnopq")


def test_encrypt_decrypt_round_trip() -> None:
    for value in ["11010519491231002X", "13800138000", "北京市东城区东风街道 1 号", ""]:
        token = CIPHER.encrypt(value)
        assert value == "" or value not in token
        assert CIPHER.decrypt(token) == value


def test_same_value_encrypts_differently_each_time() -> None:
    assert CIPHER.encrypt("11010519491231002X") != CIPHER.encrypt("11010519491231002X")


def test_another_key_cannot_decrypt() -> None:
    token = CIPHER.encrypt("11010519491231002X")
    with pytest.raises(Exception):  # noqa: B017 - cryptography's InvalidTag
        PersonalDataCipher("a-different-data-key-0123456789-abcdefghijk").decrypt(token)


def test_blind_index_is_deterministic_and_normalised() -> None:
    index = CIPHER.blind_index("11010519491231002X")
    assert index == CIPHER.blind_index("11010519491231002X")
    assert index == CIPHER.blind_index("  11010519491231002x \n")
    assert index != CIPHER.blind_index("440524188001010014")
    assert len(index) == 64 and "11010519491231002X" not in index


def test_blind_index_depends_on_the_key() -> None:
    other = PersonalDataCipher("a-different-data-key-0123456789-abcdefghijk")
    assert other.blind_index("11010519491231002X") != CIPHER.blind_index("11010519491231002X")


# --- organizations/rules ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(2025, 12, 31), TermStatus.ok),  # one day before the 6-month mark
        (date(2026, 1, 1), TermStatus.due_soon),  # exactly 6 months before the end
        (date(2026, 5, 15), TermStatus.due_soon),
        (date(2026, 7, 1), TermStatus.due_soon),  # the end day itself
        (date(2026, 7, 2), TermStatus.overdue),  # the day after
    ],
)
def test_term_status_edges_org_04(today: date, status: TermStatus) -> None:
    """ORG-04: a to-do 6 months before 换届 and when overdue."""
    assert term_status(date(2026, 7, 1), today) == status


def test_term_status_six_months_before_a_month_end_org_04() -> None:
    """ORG-04: 31 August − 6 months is 28 February (clamped), which is already due."""
    assert term_status(date(2026, 8, 31), date(2026, 2, 27)) == TermStatus.ok
    assert term_status(date(2026, 8, 31), date(2026, 2, 28)) == TermStatus.due_soon


def test_add_years_clamps_29_february() -> None:
    assert add_years(date(2024, 2, 29), 5) == date(2029, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)
    assert add_years(date(2021, 7, 1), 5) == date(2026, 7, 1)


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2026, 8, 31), -6) == date(2026, 2, 28)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert add_months(date(2026, 2, 15), -14) == date(2024, 12, 15)


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31)), st.integers(-120, 120))
def test_add_months_lands_in_the_right_month(start: date, months: int) -> None:
    result = add_months(start, months)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
    assert result.day == start.day or (
        result.day < start.day and (result + timedelta(days=1)).day == 1
    )


@pytest.mark.parametrize(
    ("child", "parent", "allowed"),
    [
        (OrgKind.branch, OrgKind.community, True),
        (OrgKind.community, OrgKind.street, True),
        (OrgKind.group, OrgKind.branch, True),
        (OrgKind.group, OrgKind.group, False),
        (OrgKind.community, OrgKind.branch, False),
        (OrgKind.street, OrgKind.community, False),
        (OrgKind.street, None, True),
        (OrgKind.home_unit, None, True),
        (OrgKind.branch, None, False),
        (OrgKind.group, None, False),
    ],
)
def test_may_stand_under_org_01(child: OrgKind, parent: OrgKind | None, allowed: bool) -> None:
    """ORG-01: street → community → branch → group."""
    assert may_stand_under(child, parent) is allowed


@pytest.mark.parametrize("kind", list(OrgKind))
def test_group_leader_only_at_a_group_org_05(kind: OrgKind) -> None:
    """ORG-05: 党小组长 is a post of a 党小组; street staff sit at the street."""
    assert post_allowed_at(PostKind.group_leader, kind) is (kind is OrgKind.group)
    assert post_allowed_at(PostKind.street_staff, kind) is (kind is OrgKind.street)


@pytest.mark.parametrize(
    "post",
    [PostKind.secretary, PostKind.deputy_secretary, PostKind.organization_member, PostKind.clerk],
)
def test_committee_posts_are_not_held_at_a_group_org_05(post: PostKind) -> None:
    assert not post_allowed_at(post, OrgKind.group)
    assert post_allowed_at(post, OrgKind.community)
    assert post_allowed_at(post, OrgKind.branch)
