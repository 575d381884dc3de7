"""待办: what the caller has to do, computed from the records of every module (issue 18)."""
