"""Who may see and do what: capabilities per post, the scope filter, masking.

This is the only place an organisation-subtree filter is written (ROLES.md, rules of access 1–3).
"""
