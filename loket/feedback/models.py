"""Complaints, IKM and IPK surveys."""
