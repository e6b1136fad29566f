"""Sync engine and reference hub. No Qt here."""
