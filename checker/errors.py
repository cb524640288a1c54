"""Errors that carry a message meant for the person using the workbench."""


class CheckerError(Exception):
    """Base class: the message is shown as is, on one line, without a traceback."""


class InputError(CheckerError):
    """The text or file given to check cannot be used."""


class CorpusError(CheckerError):
    """A corpus file cannot be read or parsed."""


class IndexMissingError(CheckerError):
    """No index exists where one was expected."""


class IndexMismatchError(CheckerError):
    """The index on disk was built with another model or dimension, or is damaged."""


class ModelError(CheckerError):
    """The embedding model cannot be loaded."""


class ConfigError(CheckerError, ValueError):
    """A setting (a CHECKER_* environment variable) has a value that cannot be used."""
