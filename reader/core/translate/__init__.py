"""Offline translation: Argos model packages (catalogue, download, install) and the service.

Kept import-light on purpose: submodules pull in argostranslate/ctranslate2 only when used.
"""
