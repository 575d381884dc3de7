"""Meetings and organisation life (三会一课)."""
