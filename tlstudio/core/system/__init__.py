"""This machine: devices and precisions, the environment report, and where TL Studio keeps files."""
