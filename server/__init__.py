"""resilint's front ends: the command line and the language server."""

#: The distribution's version, spelled out so that the server need not load package metadata
#: before it answers `initialize` (tests/test_packaging.py keeps it equal to pyproject.toml's).
__version__ = "0.1.0"
