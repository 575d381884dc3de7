"""Work-system policies: named parameters with defaults in code, set per organisation, inherited
down the tree and versioned by effective date."""
