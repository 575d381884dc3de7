"""The in-app inbox: every user has one (notices, agendas, resolutions, reminders)."""
