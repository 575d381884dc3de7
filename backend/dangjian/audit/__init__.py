"""Append-only, hash-chained audit log (ROLES.md rule of access 5)."""
