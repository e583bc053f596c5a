"""Settings of a run: the ``RunConfig`` schema, presets, and how settings become CLI flags and back."""
