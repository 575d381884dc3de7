"""Sign-in, sessions, refresh, clients, second factor, passwords."""
