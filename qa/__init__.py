"""qa: ask questions of news statements and get back only what was actually said."""

__version__ = "0.1.0"
