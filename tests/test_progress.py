"""Feedback on long work: shown on a terminal's stderr, never on a pipe."""

from __future__ import annotations

import io

from qa.cli import progress
from qa.cli.progress import Feedback


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_terminal_sees_the_stage_the_bar_and_the_rate(monkeypatch):
    monkeypatch.setattr(progress, "DELAY_SECONDS", 0.0)
    screen = Terminal()
    with Feedback("Reading the corpus", stream=screen) as feedback:
        feedback.report(256, 1000)
        feedback.report(512, 1000)
        embedding = screen.getvalue()
        feedback.report(1000, 1000)
    assert "Embedding statements" in embedding and "/1000" in embedding
    assert "512/1000" in embedding and "statements/s" in embedding
    assert "Writing the index" in screen.getvalue()


def test_a_pipe_sees_nothing(monkeypatch):
    monkeypatch.setattr(progress, "DELAY_SECONDS", 0.0)
    pipe = io.StringIO()
    with Feedback(stream=pipe) as feedback:
        feedback.report(256, 1000)
        feedback.report(1000, 1000)
    assert pipe.getvalue() == ""


def test_work_that_ends_at_once_shows_nothing():
    screen = Terminal()
    with Feedback(stream=screen):
        pass
    assert screen.getvalue() == ""
