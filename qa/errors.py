"""Named errors. The engine raises them; the front doors turn them into one sentence."""


class QaError(Exception):
    """Base of every error a user can be shown as one sentence."""


class CorpusError(QaError):
    """A corpus file is missing, unreadable or malformed."""


class GazetteerError(QaError):
    """A gazetteer or corpus metadata file cannot be read."""


class ModelError(QaError):
    """The embedding model is missing, unreadable or not the expected weights."""


class IndexStateError(QaError):
    """An index on disk is missing, locked, unwritable or does not match its manifest."""

    def __init__(self, message: str, reason: str | None = None):
        super().__init__(message)
        self.reason = reason  # why the index cannot be used, in a few words, when known


class QuestionError(QaError):
    """A question or a filter cannot be understood."""


class UnsafeFileError(QaError, OSError):
    """A file qa was to read is not a regular file, or is larger than such a file can be. An
    OSError too, so code that treats an unreadable file as absent or damaged does so for it."""

    def __init__(self, path, problem: str, kind: str):
        super().__init__(f"{path} {problem}.")
        self.path, self.problem, self.kind = path, problem, kind  # kind: directory, type, size

    def __str__(self) -> str:
        return f"{self.path} {self.problem}."
