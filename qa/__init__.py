"""qa: ask questions of news statements and get back only what was actually said.

The package is in layers, each importing only from the layers below it (the import-linter
contracts in pyproject.toml, checked by the tests): qa.cli; qa.evaluation beside qa.serve;
qa.chat; qa.present; qa.answer; qa.question beside qa.store; qa.corpus beside qa.model; and the
base modules qa.settings, qa.folders, qa.files, qa.errors and qa.text. Importing qa itself
imports nothing.
"""

__version__ = "0.1.0"
