"""Cross-cutting foundations: settings, database, security, errors, pagination, types."""
