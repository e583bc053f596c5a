"""Insight into data and models: explanations, label audit, calibration, learning curves."""
