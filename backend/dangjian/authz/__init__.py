"""Who may see and do what: capabilities per post, the scope filter, masking.

This is the only place an organisation-subtree filter is written (ROLES.md, rules of access 1–3):
`authz.paths` (`subtree`, `any_subtree`, `is_within`, `is_strictly_within`) and, per caller,
`Principal.readable(path_column, cap)` / `Principal.can(cap, path)`. A contract test
(tests/backend/test_contract_scope.py) fails on one written anywhere else.
"""
