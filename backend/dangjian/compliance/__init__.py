"""What is due and overdue, per organisation and per person, from the work-system policies."""
