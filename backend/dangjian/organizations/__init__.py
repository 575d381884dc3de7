"""Organisation tree, committees, posts and terms (ORG-01..07)."""
