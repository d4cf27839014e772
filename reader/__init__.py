"""Bilingual Reader: read a document beside its offline machine translation."""

__version__ = "0.1.0"
