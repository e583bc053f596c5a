"""Run folders on disk: the folder API, the run list, and the model card."""
