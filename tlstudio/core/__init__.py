"""The engine: plain Python, never imports Qt (data, models, training, evaluation, export)."""
