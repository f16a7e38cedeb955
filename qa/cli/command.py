"""What every `qa` command does around its own work: text from outside mended before anything
sees it, Ctrl-C and output that cannot be written turned into the exit status a Unix tool
gives, and the standard streams checked before a command starts.

Exit statuses: 130 after Ctrl-C; 1 when the output cannot be written: quietly for a reader
that went away (a broken pipe, as click and Python's documentation do), else with one sentence
on stderr ("cannot write output: no space left on device"); a write error is never status 0.
"""

from __future__ import annotations

import errno
import os
import sys

import click
from typer.core import TyperCommand

from qa.text import mend

# Errors of writing to stdout: the reader went away, the stream is closed, the disk is full.
OUTPUT_ERRORS = {errno.EPIPE, errno.EBADF, errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG}


class Command(TyperCommand):
    """A `qa` command: arguments and environment values with bytes that were not UTF-8 are
    mended (U+FFFD) once parsed, except paths, which name files as the bytes given; an empty
    entry of a list of paths (`QA_CORPUS=a.txt:`) is skipped."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        rest = super().parse_args(ctx, args)
        for param in self.params:
            if param.name in ctx.params:
                ctx.params[param.name] = _mended(param, ctx.params[param.name])
        return rest

    def invoke(self, ctx: click.Context):
        try:
            result = super().invoke(ctx)
            if sys.stdout is not None:
                sys.stdout.flush()  # a full disk or a closed pipe shows here at the latest
            return result
        except KeyboardInterrupt:
            say("Interrupted.")
            raise click.exceptions.Exit(130) from None
        except OSError as error:
            if not is_output_error(error):
                raise
            raise click.exceptions.Exit(output_failed(error)) from None


def _mended(param: click.Parameter, value):
    if isinstance(param.type, click.Path):
        if isinstance(value, tuple | list):
            return type(value)(v for v in value if v != "")
        return value
    if isinstance(value, str):
        return mend(value)
    if isinstance(value, tuple | list):
        return type(value)(mend(v) if isinstance(v, str) else v for v in value)
    return value


def is_output_error(error: OSError) -> bool:
    """An error of writing the output rather than of reading or writing a file (which names
    the file, or is turned into a QaError by the code that writes it)."""
    return error.errno in OUTPUT_ERRORS and error.filename is None


def output_failed(error: OSError) -> int:
    """The exit status for output that cannot be written, after saying why (except to a reader
    that went away). Standard output is pointed at /dev/null, so that Python's own flush when
    it exits neither fails again nor prints a second message."""
    _silence_stdout()
    if error.errno != errno.EPIPE:
        reason = (error.strerror or os.strerror(error.errno or 0)).lower()
        say(f"Error: cannot write output: {reason}.")
    return 1


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, AttributeError, ValueError):
        pass  # no file descriptor (a test's capture): nothing is flushed at exit either


def say(line: str) -> None:
    """One line on stderr, whatever can be written there (nothing when it is closed)."""
    try:
        if sys.stderr is not None:
            sys.stderr.write(mend(line) + "\n")
            sys.stderr.flush()
    except (OSError, ValueError):
        pass


def check_streams() -> int | None:
    """Before a command runs: a closed stderr becomes /dev/null (so no file the command opens
    takes its descriptor, and messages are dropped as a shell would drop them); a closed stdout
    stops the command with status 1, since nothing it answers could be seen."""
    if sys.stderr is None or not _open(2):
        try:
            if not _open(2):
                os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
            sys.stderr = open(2, "w", errors="backslashreplace", closefd=False)  # noqa: SIM115
        except OSError:
            sys.stderr = None
    if sys.stdout is None or not _open(1):
        try:
            if not _open(1):
                os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # keeps descriptor 1 taken
        except OSError:
            pass
        say("Error: cannot write output: standard output is closed.")
        return 1
    return None


def _open(descriptor: int) -> bool:
    try:
        os.fstat(descriptor)
        return True
    except OSError:
        return False
