"""Offline dictionaries in StarDict format: reading, installing, and Vietnamese-aware look-up."""
