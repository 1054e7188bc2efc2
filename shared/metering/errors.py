"""Errors of the metering-file readers: a whole file refused, or one row refused (the file goes on)."""


class MeteringFileError(ValueError):
    """The file as a whole cannot be read (unknown name, archive with other than one file...)."""


class InvalidFileNameError(MeteringFileError):
    """The name matches none of the distributor metering file names."""


class RowError(ValueError):
    """One row is refused; the message starts with the offending field."""
