"""`qa chat`: a conversation with follow-ups. The conversation logic (`Conversation`) is plain;
the terminal loop uses prompt-toolkit, and piped input gets one answer per line."""

from __future__ import annotations

import json
import os
import sys
import threading
from dataclasses import dataclass

from qa.answer import Answer, Engine, answer
from qa.errors import QaError
from qa.settings import ENV_HISTORY, Settings, default_history_file

COMMANDS = {
    "/help": "list what you can type",
    "/sources": "show the full statements and sources of the last answer",
    "/filters": "show what was understood from the last question",
    "/quit": "leave (Ctrl-D does too)",
}
HELP = [
    "Ask a question about the statements, e.g. What did Italy say about peacekeepers?",
    "Follow-ups reuse the last topic: And Canada?  What about in January?",
    "more — show the next passages of the last answer",
    *(f"{name} — {text}" for name, text in COMMANDS.items()),
]


@dataclass(frozen=True)
class Reply:
    """What the conversation returns for one line: an answer, lines of text, or quit."""

    answer: Answer | None = None
    lines: tuple[str, ...] = ()
    show: str = "answer"  # answer | sources | text | quit | error


class Conversation:
    """Keeps the last answer so that follow-ups, "more" and slash commands can use it."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.last: Answer | None = None

    def handle(self, line: str) -> Reply:
        text = line.strip()
        if not text:
            return Reply(show="text")
        lowered = text.lower()
        if lowered in {"/quit", "/exit", "quit", "exit"}:
            return Reply(show="quit")
        if lowered == "/help":
            return Reply(lines=tuple(HELP), show="text")
        if lowered.startswith("/"):
            return self._command(lowered)
        if lowered in {"more", "more.", "next", "/more"}:
            if self.last is None or not self.last.answered:
                return Reply(lines=("There is no answer to show more of yet.",), show="text")
            shown = self.last.offset + len(self.last.passages)
            if shown >= self.last.available:
                return Reply(lines=("No more passages for this question.",), show="text")
            self.last = answer(
                self.engine, self.last.question, self._context_of(self.last), offset=shown
            )
            return Reply(answer=self.last)
        try:
            context = self.last.understood if self.last else None
            self.last = answer(self.engine, text, context)
        except QaError as error:
            return Reply(lines=(str(error),), show="error")
        return Reply(answer=self.last)

    def _context_of(self, previous: Answer):
        # "more" repeats the same question with the context it was asked in.
        return previous.understood if previous.understood.follow_up else None

    def _command(self, command: str) -> Reply:
        if command == "/sources":
            if self.last is None:
                return Reply(lines=("Ask a question first.",), show="text")
            return Reply(answer=self.last, show="sources")
        if command == "/filters":
            if self.last is None:
                return Reply(lines=("Ask a question first.",), show="text")
            return Reply(answer=self.last, show="filters")
        return Reply(lines=(f"Unknown command {command}; type /help.",), show="error")


def _render(reply: Reply, console, as_json: bool) -> None:
    from qa.render import neutralise, render_answer, render_sources, understood_label

    if as_json:
        if reply.show in {"answer", "sources", "filters"} and reply.answer is not None:
            print(json.dumps(reply.answer.to_json(), ensure_ascii=False), flush=True)
        elif reply.lines:
            key = "error" if reply.show == "error" else "message"
            print(json.dumps({key: " ".join(reply.lines)}, ensure_ascii=False), flush=True)
        return
    if reply.show == "answer" and reply.answer is not None:
        render_answer(console, reply.answer)
    elif reply.show == "sources" and reply.answer is not None:
        render_sources(console, reply.answer)
    elif reply.show == "filters" and reply.answer is not None:
        label = neutralise(understood_label(reply.answer))
        console.print(label or "No filters; the whole question is the topic.")
    for line in reply.lines:
        console.print(neutralise(line))


def run_piped(engine: Engine, lines, console, as_json: bool) -> int:
    """One answer per input line; returns the exit code."""
    conversation = Conversation(engine)
    for line in lines:
        reply = conversation.handle(line)
        if reply.show == "quit":
            break
        _render(reply, console, as_json)
        if not as_json:
            console.print()
    return 0


def run_chat(
    settings: Settings, as_json: bool = False, color: bool | None = None, input=None, output=None
) -> int:
    """The chat. With a terminal, an interactive prompt; otherwise piped lines."""
    from qa.render import make_console

    engine = Engine(settings)
    console = make_console(color)
    interactive = input is not None or (sys.stdin.isatty() and sys.stdout.isatty())
    if not interactive:
        engine.load()  # a corpus or index that cannot be used stops here, as an error
        return run_piped(engine, sys.stdin, console, as_json)
    return _interactive(engine, console, as_json, input, output)


def _interactive(engine: Engine, console, as_json: bool, input=None, output=None) -> int:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
    from prompt_toolkit.completion import Completer, Completion
    from prompt_toolkit.history import FileHistory, InMemoryHistory

    from qa.speakers import matches

    loading: dict = {"error": None}

    def load() -> None:
        try:
            engine.load()
        except QaError as error:
            loading["error"] = error

    # The model and index load while the prompt is already usable.
    loader = threading.Thread(target=load, daemon=True)
    loader.start()

    class Names(Completer):
        def get_completions(self, document, complete_event):
            word = document.get_word_before_cursor(WORD=True)
            if not word:
                return
            options = list(COMMANDS) + ["more"]
            if not loader.is_alive() and loading["error"] is None:
                reader = engine.searcher.reader
                options += sorted(set(reader.speaker_aliases.values()))
                options += engine.searcher.gazetteer.place_names()
            for option in options:
                if matches(word, option):  # any word of a name: "Zel", "Meln", "Ye"
                    yield Completion(option, start_position=-len(word))

    history_path = os.environ.get(ENV_HISTORY) or str(default_history_file())
    try:
        os.makedirs(os.path.dirname(history_path), exist_ok=True)
        history = FileHistory(history_path)
    except OSError:
        history = InMemoryHistory()
    session = PromptSession(
        history=history,
        auto_suggest=AutoSuggestFromHistory(),
        completer=Names(),
        input=input,
        output=output,
    )
    console.print("Ask about the statements; /help lists commands, Ctrl-D leaves.")
    conversation = Conversation(engine)
    while True:
        try:
            line = session.prompt("qa> ")
        except KeyboardInterrupt:
            continue
        except EOFError:
            break
        if line.strip() and not line.strip().startswith("/") and loader.is_alive():
            console.print("Loading the model and index…")
            loader.join()
        if loading["error"] is not None:
            print(f"Error: {loading['error']}", file=sys.stderr)
            return 2
        reply = conversation.handle(line)
        if reply.show == "quit":
            break
        _render(reply, console, as_json)
    return 0
