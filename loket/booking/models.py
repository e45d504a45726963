"""Quota release, capacity rows, bookings, holds."""
