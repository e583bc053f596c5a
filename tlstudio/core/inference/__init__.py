"""Predictions from a finished run folder."""
