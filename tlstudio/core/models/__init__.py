"""Pretrained models: where they come from, checks of their files, safe loading, model-data fit."""
