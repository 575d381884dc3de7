"""Contract: every audit action and entity the code can write, and every stored enum, has a
Chinese label on screen (issue 18 item 4).

The vocabulary is derived from the source: the syntax tree of every module is read for the
`action=` / `entity=` arguments of `audit.record(...)` and of the helpers that pass theirs on
(a parameter named `action` or `entity`, given by keyword or by position), and the StrEnums of
`models/enums.py` are enumerated. The result must equal the committed
`frontend/src/locales/backend-vocabulary.json`, which `src/__tests__/labels.spec.ts` checks
against the SPA's label tables (and the labels the exports print, `audit/labels.py`, against the
SPA's wording) (`src/locales/enums.ts`): a new action, entity or enum value fails
here until the file is regenerated (`DANGJIAN_WRITE_VOCABULARY=1 .venv/bin/pytest
tests/backend/test_labels.py`), and fails there until it has a Chinese label."""

from __future__ import annotations

import ast
import inspect
import json
import os
import re
from enum import StrEnum
from pathlib import Path

import dangjian
from dangjian.audit.labels import action_label, entity_label
from dangjian.authz.principal import PrincipalKind
from dangjian.models import enums

PACKAGE_DIR = Path(dangjian.__file__).resolve().parent
VOCABULARY = PACKAGE_DIR.parents[1] / "frontend" / "src" / "locales" / "backend-vocabulary.json"
# An action is dotted ("member.import"), an entity one word ("member_import").
SHAPES = {"action": re.compile(r"[a-z_]+(\.[a-z_]+)+"), "entity": re.compile(r"[a-z_]+")}

# Audit values built by formatting rather than written out: where, and what they can be.
# A new formatted value fails `test_every_formatted_audit_value_is_listed` until added here.
FORMATTED = {
    ("users/service.py", "{action}_refused"): [
        "user.update_refused",
        "user.password_reset_refused",
    ],
}

# Stored enum → the SPA's label group (src/locales/enums.ts `enumLabels`).
ENUM_GROUPS: dict[type[StrEnum], str] = {
    enums.OrgKind: "orgKind",
    enums.OrgCategory: "orgCategory",
    enums.PostKind: "postKind",
    enums.MemberKind: "memberKind",
    enums.Gender: "gender",
    enums.MemberStatus: "memberStatus",
    enums.ClientKind: "clientKind",
    enums.MeetingType: "meetingType",
    enums.MeetingStatus: "meetingStatus",
    enums.AttendeeRole: "attendeeRole",
    enums.Attendance: "meetingAttendance",
    enums.LeaveStatus: "meetingLeaveStatus",
    enums.Exclusion: "meetingExclusion",
    enums.AgendaStatus: "meetingAgendaStatus",
    enums.FollowUp: "meetingFollowUp",
    enums.AttachmentPurpose: "attachmentPurpose",
    enums.VoteRule: "meetingVoteRule",
    enums.PaymentKind: "duesPaymentKind",
    enums.PaymentMethod: "duesPaymentMethod",
    enums.ExemptionKind: "duesExemptionKind",
    enums.ExemptionStatus: "duesExemptionStatus",
    enums.DuesCategory: "duesCategory",
    PrincipalKind: "principalKind",
}


def _modules() -> list[tuple[str, ast.Module]]:
    return [
        (str(p.relative_to(PACKAGE_DIR)), ast.parse(p.read_text(encoding="utf-8")))
        for p in sorted(PACKAGE_DIR.rglob("*.py"))
    ]


def _positions(trees: list[tuple[str, ast.Module]], param: str) -> dict[str, set[int]]:
    """Function name → the positional index of its parameter `param` (every definition)."""
    out: dict[str, set[int]] = {}
    for _, tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                names = [a.arg for a in node.args.posonlyargs + node.args.args]
                if param in names:
                    out.setdefault(node.name, set()).add(names.index(param))
    return out


def _callee(call: ast.Call) -> str | None:
    f = call.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None


def audit_values(param: str) -> tuple[set[str], list[tuple[str, str]]]:
    """The constant values given for `param` (`action` or `entity`) to any function taking it,
    and the formatted ones as (module, template)."""
    trees = _modules()
    positions = _positions(trees, param)
    values: set[str] = set()
    formatted: list[tuple[str, str]] = []
    for module, tree in trees:
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            given = [k.value for k in call.keywords if k.arg == param]
            for i in positions.get(_callee(call) or "", set()):
                if i < len(call.args):
                    given.append(call.args[i])
            for node in given:
                if not isinstance(node, ast.JoinedStr):  # a literal, or literals in `a if c else b`
                    values.update(
                        n.value
                        for n in ast.walk(node)
                        if isinstance(n, ast.Constant)
                        and isinstance(n.value, str)
                        and SHAPES[param].fullmatch(n.value)
                    )
                else:
                    text = "".join(
                        str(v.value)
                        if isinstance(v, ast.Constant)
                        else "{" + ast.unparse(v.value) + "}"
                        for v in node.values
                        if isinstance(v, ast.Constant | ast.FormattedValue)
                    )
                    formatted.append((module, text))
    return values, formatted


def vocabulary() -> dict[str, object]:
    actions, formatted = audit_values("action")
    for key in formatted:
        actions.update(FORMATTED.get(key, []))
    entities, _ = audit_values("entity")
    return {
        "auditAction": sorted(actions),
        "auditEntity": sorted(entities),
        # What the backend's exports print (audit/labels.py): labels.spec.ts checks it is the
        # SPA's wording, so the audit log reads the same on screen and in its .xlsx export.
        "exportLabels": {
            "auditAction": {a: action_label(a) for a in sorted(actions)},
            "auditEntity": {e: entity_label(e) for e in sorted(entities)},
        },
        "enums": {group: sorted(e) for e, group in sorted(ENUM_GROUPS.items(), key=lambda x: x[1])},
    }


def test_the_scan_finds_what_is_written_by_keyword_by_position_and_by_formatting() -> None:
    v = vocabulary()
    actions, entities = v["auditAction"], v["auditEntity"]
    assert isinstance(actions, list) and isinstance(entities, list)
    assert "member.import" in actions  # audit.record(action=...)
    assert "meeting.create" in actions  # meetings' record(session, principal, "meeting.create", …)
    assert "user.update_refused" in actions  # f"{action}_refused"
    assert "meeting.attendance_correct" in actions  # "…" if after_the_fact else "…"
    assert "store_true" not in actions  # argparse's action= is no audit action
    assert {"meeting", "resolution", "notification", "member_import", "meeting_ledger"} <= set(
        entities
    )


def test_every_formatted_audit_value_is_listed() -> None:
    for param in ("action", "entity"):
        _, formatted = audit_values(param)
        assert set(formatted) <= set(FORMATTED), f"list what {formatted} can produce in FORMATTED"


def test_every_stored_enum_has_a_label_group() -> None:
    stored = {
        obj
        for _, obj in inspect.getmembers(enums, inspect.isclass)
        if issubclass(obj, StrEnum) and obj is not StrEnum and obj.__module__ == enums.__name__
    }
    assert stored <= set(ENUM_GROUPS), f"map {stored - set(ENUM_GROUPS)} in ENUM_GROUPS"


def test_the_committed_vocabulary_is_current() -> None:
    current = json.dumps(vocabulary(), ensure_ascii=False, indent=2) + "\n"
    if os.environ.get("DANGJIAN_WRITE_VOCABULARY") == "1":
        VOCABULARY.write_text(current, encoding="utf-8")
    committed = VOCABULARY.read_text(encoding="utf-8") if VOCABULARY.exists() else ""
    assert committed == current, (
        f"{VOCABULARY.name} is stale: run DANGJIAN_WRITE_VOCABULARY=1 .venv/bin/pytest "
        "tests/backend/test_labels.py, then give every new value a Chinese label in "
        "frontend/src/locales/enums.ts"
    )
