"""Scoring a model: task metrics, baselines, and evaluation on another labelled file."""
