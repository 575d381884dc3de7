"""Contract: an organisation-subtree filter is written only in `dangjian/authz/` (STYLE habit 3,
ARCHITECTURE "authz/"). Product code asks `authz.paths` (`subtree`, `any_subtree`, `is_within`,
`is_strictly_within`, …) or the principal (`readable`, `can`, `can_below`).

The scan reads every module's syntax tree and flags a prefix match on a materialised path:
`<…path…>.startswith(x)`, `.like(…path…)`, `.ilike(…)`, `.istartswith(…)`, a `startswith` whose
argument mentions a path, and `a.startswith(p) for p in <…paths…>` — unless every argument is a
string literal (a URL prefix such as "/api/", not an organisation)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import dangjian

PACKAGE_DIR = Path(dangjian.__file__).resolve().parent
AUTHZ_DIR = PACKAGE_DIR / "authz"
PREFIX_METHODS = {"startswith", "istartswith", "like", "ilike", "not_like", "not_ilike"}


def _mentions_path(node: ast.AST) -> bool:
    return "path" in ast.unparse(node).lower()


def _literal(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def subtree_filters(source: str) -> list[tuple[int, str]]:
    """(line, code) of every hand-written subtree filter in `source`."""
    tree = ast.parse(source)
    # names bound by `for p in <something about paths>` in a comprehension or loop
    path_bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.comprehension, ast.For, ast.AsyncFor)) and _mentions_path(
            node.iter
        ):
            path_bound |= _names(node.target)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in PREFIX_METHODS
        ):
            continue
        args = [*node.args, *(k.value for k in node.keywords if k.arg != "autoescape")]
        if not args or all(_literal(a) for a in args):
            continue
        receiver = node.func.value
        touches_path = _mentions_path(receiver) or any(_mentions_path(a) for a in args)
        bound = (_names(receiver) | set().union(*(_names(a) for a in args))) & path_bound
        if touches_path or bound:
            found.append((node.lineno, ast.unparse(node)))
    return found


def test_no_subtree_filter_is_written_outside_authz() -> None:
    offenders = [
        f"{module.relative_to(PACKAGE_DIR)}:{line}: {code}"
        for module in sorted(PACKAGE_DIR.rglob("*.py"))
        if AUTHZ_DIR not in module.parents
        for line, code in subtree_filters(module.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "subtree filters belong in dangjian/authz/paths.py:\n" + "\n".join(
        offenders
    )


def test_the_authz_helpers_are_where_the_prefix_match_lives() -> None:
    """The scan does see the one real prefix match (so an empty result above means something)."""
    found = subtree_filters((AUTHZ_DIR / "paths.py").read_text(encoding="utf-8"))
    assert any("column.startswith(path_of(org_or_path)" in code for _, code in found)


@pytest.mark.parametrize(
    "code",
    [
        # the shapes that were written by hand before authz/paths.py existed
        "stmt.where(Organization.path.startswith(org.path, autoescape=True))",
        "member_org.path.startswith(org.path, autoescape=True)",
        "AuditLog.subject_path.startswith(org.path, autoescape=True)",
        "or_(*(Organization.path.startswith(b.path, autoescape=True) for b in branches))",
        "sum(n for path, n in by_path if path.startswith(b.path))",
        "any(found[1].startswith(p) for p in writable_paths)",
        "any(branch.path.startswith(p) and branch.path != p for p in principal.paths_with(cap))",
        "new_parent.path.startswith(org.path)",
        "stmt.where(Organization.path.like(org.path + '%'))",
        "stmt.where(Organization.path.like(func.concat(prefix, '%')))",
    ],
)
def test_the_scan_flags_hand_written_subtree_filters(code: str) -> None:
    assert subtree_filters(code)


@pytest.mark.parametrize(
    "code",
    [
        'is_api = scope["path"].startswith("/api/")',
        'path.startswith("assets/")',
        "AuditLog.action.startswith(prefix, autoescape=True)",
        "User.username.contains(q, autoescape=True)",
        "stmt.where(subtree(Organization.path, org))",
        "principal.readable(Organization.path, Cap.roster_read)",
    ],
)
def test_the_scan_leaves_other_prefix_matches_alone(code: str) -> None:
    assert subtree_filters(code) == []
