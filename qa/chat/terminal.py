"""`qa chat` at a terminal (prompt-toolkit, with history and name completion) or over a pipe
(one answer per line), and the JSON a reply is printed as."""

from __future__ import annotations

import os
import sys
import threading

from qa.answer.engine import Engine
from qa.chat.conversation import _NEWLINE, COMMANDS, LINE_LIMIT, Conversation, Reply
from qa.errors import QaError
from qa.settings import Settings, history_file
from qa.text import mend

# How long the greeting waits for the corpus to load, to say what it holds (a built index of
# the seeds loads in a third of a second); a longer load, such as a first build, leaves the
# prompt usable at once, and what it holds is said before the first answer.
GREETING_WAIT = 1.0


def reply_json(reply: Reply) -> dict | None:
    """A reply as `qa chat --json` prints it (and `qa serve` sends it): an answer as `qa ask
    --json` gives it, the sources or filters of the last one, or a message; None for none."""
    from qa.present.formats import versioned

    answer = reply.answer
    if reply.show == "answer" and answer is not None:
        return versioned(answer.to_json())
    if reply.show == "sources" and answer is not None:
        passages = [p.to_json() for p in answer.passages]
        return versioned({"type": "sources", "question": answer.question, "passages": passages})
    if reply.show == "filters" and answer is not None:
        understood = answer.understood.to_json()
        return versioned({"type": "filters", "question": answer.question, "understood": understood})
    if reply.lines:
        key = "error" if reply.show == "error" else "message"
        return versioned({key: " ".join(reply.lines)})
    return None


def _render(reply: Reply, console, as_json: bool, pager: dict | None = None) -> None:
    """Print a reply; with `pager` (the interactive chat's colour and whether to page), an
    answer taller than the terminal goes through the pager (qa/chat/pager.py)."""
    from qa.present.formats import json_text, neutralise
    from qa.present.render import render_answer, render_sources, understood_label

    if as_json:
        shown = reply_json(reply)
        if shown is not None:
            print(json_text(shown), flush=True)
        return
    if reply.show == "answer" and reply.answer is not None:

        def render(console) -> None:
            for line in reply.lines:
                console.print(neutralise(line))
            render_answer(console, reply.answer, chat=True)

        if pager is None:
            render(console)
        else:
            from qa.chat.pager import show

            show(render, pager["color"], pager["enabled"], console.file)
        return
    elif reply.show == "sources" and reply.answer is not None:
        render_sources(console, reply.answer)
    elif reply.show == "filters" and reply.answer is not None:
        label = neutralise(understood_label(reply.answer))
        console.print(label or "No filters; the whole question is the topic.")
    for line in reply.lines:
        console.print(neutralise(line))


def piped_lines(stream):
    """The lines of piped input as text: bytes that are not in the input's encoding become
    U+FFFD rather than ending the chat, and a line is read LINE_LIMIT bytes at most (the rest
    of a longer one is skipped; the question reader keeps fewer characters than that)."""
    source = getattr(stream, "buffer", None)
    if source is None:  # already text (a test's StringIO)
        yield from (mend(line) for line in stream)
        return
    encoding = getattr(stream, "encoding", None) or "utf-8"
    while raw := source.readline(LINE_LIMIT):
        if len(raw) == LINE_LIMIT and not raw.endswith(b"\n"):
            while (rest := source.readline(LINE_LIMIT)) and not rest.endswith(b"\n"):
                pass
        text = raw.decode(encoding, "replace")
        yield from _NEWLINE.split(text)[: -1 if _NEWLINE.search(text[-1:]) else None]


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
    settings: Settings,
    as_json: bool = False,
    color: bool | None = None,
    input=None,
    output=None,
    pager: bool = True,
) -> int:
    """The chat. With a terminal, an interactive prompt; otherwise piped lines."""
    from qa.present.render import make_console

    engine = Engine(settings)
    console = make_console(color)
    interactive = input is not None or (sys.stdin.isatty() and sys.stdout.isatty())
    if not interactive:
        engine.load()  # a corpus or index that cannot be used stops here, as an error
        return run_piped(engine, piped_lines(sys.stdin), console, as_json)
    paging = {"color": color, "enabled": pager}
    return _interactive(engine, console, as_json, input, output, paging)


def corpus_files(engine: Engine) -> str:
    """The corpus's file names as the greeting shows them: the bundled seeds by that name."""
    if not engine.settings.corpus:
        return "the bundled seeds"
    names = [os.path.basename(str(p)) for p in engine.corpus_paths]
    return ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def summary(engine: Engine) -> str:
    """What the loaded corpus holds, for the greeting: "Loaded 39 statements from the bundled
    seeds (said Dec. 28 to March 22)." The dates are the earliest and latest written ones."""
    import numpy as np

    from qa.present.formats import neutralise

    store = engine.store
    count = int(store.size)
    span = ""
    if count:
        facts = store.facts(np.arange(count, dtype=np.int64))
        dated = np.flatnonzero(facts.said_lo <= facts.said_hi)
        if len(dated):
            first = int(dated[np.argmin(facts.said_lo[dated])])
            last = int(dated[np.argmax(facts.said_hi[dated])])
            said = [s.said_on.text for s in store.statements([first, last])]
            span = f" (said {said[0]} to {said[1]})" if said[0] != said[1] else f" (said {said[0]})"
    noun = "statement" if count == 1 else "statements"
    return neutralise(f"Loaded {count} {noun} from {corpus_files(engine)}{span}.")


def _interactive(
    engine: Engine, console, as_json: bool, input=None, output=None, paging=None
) -> int:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
    from prompt_toolkit.completion import Completer, Completion
    from prompt_toolkit.history import FileHistory, InMemoryHistory

    from qa.corpus.speakers import matches

    loading: dict = {"error": None}

    def load() -> None:
        try:
            engine.load()
        except QaError as error:
            loading["error"] = error
            return
        # The index's pages go into memory while the person types (qa/store/embedded/warm.py).
        threading.Thread(target=engine.warm, daemon=True).start()

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
                reader = engine.reader
                options += sorted(set(reader.speaker_aliases.values()))
                options += engine.gazetteer.place_names()
            for option in options:
                if matches(word, option):  # any word of a name: "Zel", "Meln", "Ye"
                    yield Completion(option, start_position=-len(word))

    history_path = str(history_file())
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
    console.print(
        f"Ask about the statements of {corpus_files(engine)}; /help lists commands, Ctrl-D leaves."
    )
    conversation = Conversation(engine)
    loader.join(GREETING_WAIT)
    greeted = False
    while True:
        if not greeted and not loader.is_alive() and loading["error"] is None:
            console.print(summary(engine))  # once loaded: at once for an index already built
            greeted = True
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
        if not greeted and not loader.is_alive():
            console.print(summary(engine))
            greeted = True
        reply = conversation.handle(line)
        if reply.show == "quit":
            break
        _render(reply, console, as_json, paging)
    return 0
