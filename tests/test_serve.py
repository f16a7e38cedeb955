"""`qa serve` over real HTTP: answers equal to `qa ask --json` and the chat's follow-ups, bad
input as a 4xx with one sentence, hostile corpus text kept as text, and the page in a real
headless browser where one is installed."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from conftest import FakeEncoder, write
from typer.testing import CliRunner

from qa.cli import app
from qa.present import formats
from qa.serve.server import Server
from qa.serve.service import Service

ROOT = Path(__file__).resolve().parent.parent
CANONICAL = "What did Italy say about peacekeepers?"
SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=\"document.title='owned'\">"
HOSTILE = [
    f"{SCRIPT} Peacekeepers will not be sent, Italian Prime Minister Giorgia Meloni said on March 3.",
    f'"{IMAGE} Peacekeepers must be ready," Canadian Defense Minister Bill Blair said on March 5.',
]
runner = CliRunner()


@contextmanager
def serving(engine, **options):
    server = Server(Service(engine, **options), "127.0.0.1", 0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.url.rstrip("/")
    finally:
        server.shutdown()
        server.server_close()


def fetch(url: str, data: bytes | None = None, headers: dict | None = None, method=None):
    """(status, headers, body bytes) of one request, a 4xx or 5xx included."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def ask_url(base: str, question: str, **params) -> str:
    return f"{base}/api/ask?{urlencode({'q': question, **params})}"


def cli_json(real_index_dir, question: str) -> str:
    result = runner.invoke(app, ["ask", question, "--json", "--index-dir", str(real_index_dir)])
    return result.stdout


@pytest.fixture(scope="module")
def real_server(real_engine):
    with serving(real_engine) as base:
        yield base


@pytest.fixture
def hostile_engine(tmp_path):
    """A corpus whose lines hold markup and script, over the fake encoder (no model needed)."""
    from qa.answer.engine import Engine
    from qa.settings import Settings

    corpus = write(tmp_path / "hostile.txt", "\n".join(HOSTILE) + "\n")
    engine = Engine(Settings(corpus=(corpus,), index_dir=tmp_path / "hostile-index"))
    engine.__dict__["encoder"] = engine.__dict__["query_encoder"] = FakeEncoder()
    return engine.load()


@pytest.fixture
def hostile_server(hostile_engine):
    with serving(hostile_engine) as base:
        yield base


# -- the API ------------------------------------------------------------------------------
def test_the_canonical_question_has_meloni_s_two_statements_on_top(real_server):
    status, headers, body = fetch(ask_url(real_server, CANONICAL))
    assert status == 200 and headers["Content-Type"] == "application/json; charset=utf-8"
    top = json.loads(body)["passages"][:2]
    assert [p["speaker"] for p in top] == ["Giorgia Meloni's office", "Giorgia Meloni"]
    assert [p["source"] for p in top] == [
        "000_8e297ec4f5d0d494.txt:10",
        "000_8e297ec4f5d0d494.txt:13",
    ]


@pytest.mark.parametrize(
    "question",
    [
        CANONICAL,
        "What did Japan say about security guarantees?",  # a filter that finds nothing
        "What is the best recipe for borscht?",  # nothing answers
        "Who said the best security guarantee are the Ukrainians themselves?",
        "What will Russia do next?",  # a kind of question not answered with passages
    ],
)
def test_answers_are_those_of_qa_ask_json(real_server, real_index_dir, question):
    status, _, body = fetch(ask_url(real_server, question))
    assert status == 200
    printed = cli_json(real_index_dir, question)
    assert json.loads(body) == json.loads(printed)
    assert body.decode("utf-8") == printed  # byte for byte


def test_post_answers_as_get(real_server):
    _, _, got = fetch(ask_url(real_server, CANONICAL))
    data = json.dumps({"q": CANONICAL}).encode()
    status, _, posted = fetch(f"{real_server}/api/ask", data, {"Content-Type": "application/json"})
    assert status == 200 and posted == got


def test_top_k_and_filters_are_those_of_qa_ask(real_server, real_index_dir):
    _, _, body = fetch(ask_url(real_server, "security guarantees", top_k="2"))
    args = ["ask", "security guarantees", "--top-k", "2", "--json"]
    printed = runner.invoke(app, [*args, "--index-dir", str(real_index_dir)]).stdout
    assert json.loads(body) == json.loads(printed) and len(json.loads(body)["passages"]) == 2
    _, _, body = fetch(ask_url(real_server, "statements", speaker="Lavrov"))
    args = ["ask", "statements", "--speaker", "Lavrov", "--json"]
    printed = runner.invoke(app, [*args, "--index-dir", str(real_index_dir)]).stdout
    assert json.loads(body) == json.loads(printed)


def test_follow_ups_are_those_of_qa_chat_json(real_server, real_engine, capsys):
    from qa.chat.terminal import run_piped
    from qa.present.render import make_console

    lines = [CANONICAL, "And Canada?", "Only in March.", "/filters", "more", "/nonsense"]
    run_piped(real_engine, lines, make_console(False), as_json=True)
    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    status, headers, body = fetch(ask_url(real_server, lines[0]))
    conversation = headers["Qa-Conversation"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{24}", conversation)
    replies = [json.loads(body)]
    for line in lines[1:]:
        status, headers, body = fetch(ask_url(real_server, line, conversation=conversation))
        assert headers["Qa-Conversation"] == conversation
        assert status == (400 if line == "/nonsense" else 200), body
        replies.append(json.loads(body))
    assert replies == printed
    assert replies[1]["understood"]["follow_up"] and replies[1]["understood"]["affiliations"] == [
        "Canada"
    ]
    # a follow-up without the conversation is a new question
    _, _, alone = fetch(ask_url(real_server, "And Canada?"))
    assert json.loads(alone)["understood"]["topic"] != "peacekeepers"


def test_quit_ends_the_conversation(real_server):
    _, headers, _ = fetch(ask_url(real_server, CANONICAL))
    conversation = headers["Qa-Conversation"]
    status, headers, body = fetch(ask_url(real_server, "/quit", conversation=conversation))
    assert status == 200 and "Qa-Conversation" not in headers
    status, _, body = fetch(ask_url(real_server, "And Canada?", conversation=conversation))
    assert status == 400 and "not known" in json.loads(body)["error"]


def one_sentence(body: bytes) -> str:
    data = json.loads(body)
    assert list(data) == ["error"], data
    sentence = data["error"]
    assert re.fullmatch(r"[A-Z][^\n]*[.?]", sentence), sentence
    assert "Traceback" not in sentence and not re.search(r"\.\s+[A-Z]", sentence), sentence
    return sentence


@pytest.mark.parametrize(
    "path, status, words",
    [
        ("/api/ask", 400, "missing"),
        ("/api/ask?q=", 400, "empty"),
        ("/api/ask?q=%20%20", 400, "empty"),
        ("/api/ask?q=?!", 400, "no words"),
        (f"/api/ask?q={'a' * 1001}", 400, "longer than 1000"),
        ("/api/ask?q=What&conversation=not-a-real-one", 400, "not known"),
        ("/api/ask?q=What&conversation=", 400, "not known"),
        ("/api/ask?q=What&qq=1", 400, "Unknown parameter qq"),
        ("/api/ask?q=a&q=b", 400, "once"),
        ("/api/ask?q=%ff", 400, "UTF-8"),
        ("/api/ask?q=peace&top_k=0", 400, "top_k"),
        ("/api/ask?q=peace&top_k=many", 400, "top_k"),
        ("/api/ask?q=peace&since=the+day+after+never", 400, ""),
        ("/api/ask?q=And+Canada%3F&conversation=x&speaker=Zelensky", 400, ""),
        ("/nothing-here", 404, "nothing here"),
        ("/page.html", 404, ""),
        ("/api/", 404, ""),
    ],
)
def test_bad_input_gets_a_4xx_with_one_sentence(real_server, path, status, words):
    got, headers, body = fetch(real_server + path)
    assert got == status, body
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert words in one_sentence(body)


@pytest.mark.parametrize(
    "data, words",
    [
        (b"not json", "not a JSON object"),
        (b"[1, 2]", "not a JSON object"),
        (b'{"q": 5}', "must be a string"),
        (b'{"q": "peace", "x": "1"}', "Unknown parameter x"),
        (b"\xff\xfe", "not a JSON object"),
    ],
)
def test_a_bad_post_body_gets_a_4xx_with_one_sentence(real_server, data, words):
    status, _, body = fetch(f"{real_server}/api/ask", data, {"Content-Type": "application/json"})
    assert status == 400 and words in one_sentence(body)


def test_methods_and_hosts_that_are_refused(real_server):
    status, _, body = fetch(f"{real_server}/api/ask?q=peace", method="DELETE")
    assert status == 501 and one_sentence(body)
    status, _, body = fetch(f"{real_server}/", b"{}", method="POST")
    assert status == 405 and one_sentence(body)
    # a page elsewhere that names 127.0.0.1 by a name of its own gets nothing
    status, _, body = fetch(f"{real_server}/api/health", headers={"Host": "evil.example:80"})
    assert status == 400 and "localhost only" in one_sentence(body)


def test_health_and_the_page_with_its_headers(real_server):
    status, _, body = fetch(f"{real_server}/api/health")
    assert status == 200 and json.loads(body) == {"status": "ok"}
    status, headers, page = fetch(f"{real_server}/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    policy = headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and headers["X-Content-Type-Options"] == "nosniff"
    assert b'<script src="/page.js" defer></script>' in page and b"<script>" not in page
    for name in ("page.js", "page.css"):
        status, _, text = fetch(f"{real_server}/{name}")
        assert status == 200 and text


def test_the_page_builds_the_document_with_text_only():
    script = (ROOT / "qa" / "serve" / "page.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script, sink
    page = (ROOT / "qa" / "serve" / "page.html").read_text(encoding="utf-8")
    assert not re.search(r"\son\w+\s*=", page) and "<script>" not in page  # no inline script


def test_the_view_has_the_labels_the_terminal_shows(real_server):
    _, _, body = fetch(f"{real_server}/api/view?{urlencode({'q': CANONICAL})}")
    data = json.loads(body)
    shown = data["view"]
    assert shown["understood"] == "by: Italy; topic: peacekeepers"
    passages = [p for group in shown["groups"] for p in group["passages"]]
    assert shown["groups"][0]["label"].startswith("Italy — ")
    assert passages[0]["who"] == "Giorgia Meloni's office, Prime Minister, Italy"
    assert passages[1]["date"] == "undated (between March 5 and March 15, inferred)"
    assert passages[0]["source"] == "000_8e297ec4f5d0d494.txt:10"
    assert passages[0]["citation"].endswith("source: 000_8e297ec4f5d0d494.txt:10")
    further = [p["further"] for p in passages if p["further"]]
    assert further and set(further) <= {formats.FURTHER, formats.FLOOR}
    assert data["reply"] == json.loads(fetch(ask_url(real_server, CANONICAL))[2])
    _, _, body = fetch(
        f"{real_server}/api/view?{urlencode({'q': 'Why does Italy refuse to send troops?'})}"
    )
    shown = json.loads(body)["view"]
    assert shown["closest"] and shown["closest_label"] == "Closest, but not an answer:"


# -- hostile corpus text ---------------------------------------------------------------------
def test_hostile_corpus_text_is_json_text_never_markup(hostile_server):
    status, headers, body = fetch(ask_url(hostile_server, "Who talked about peacekeepers?"))
    assert status == 200 and headers["X-Content-Type-Options"] == "nosniff"
    texts = {p["statement"] for p in json.loads(body)["passages"]}
    assert texts == set(h.strip() for h in HOSTILE)
    _, _, body = fetch(f"{hostile_server}/api/view?q=peacekeepers")
    shown = json.loads(body)["view"]
    words = [p["text"] for group in shown["groups"] for p in group["passages"]]
    assert any(SCRIPT in w for w in words) and any(IMAGE in w for w in words)


def test_conversations_are_bounded_and_answered_one_at_a_time(hostile_engine):
    with serving(hostile_engine, max_conversations=2) as base:
        first = fetch(ask_url(base, "peacekeepers"))[1]["Qa-Conversation"]
        results: list[int] = []

        def ask() -> None:
            results.append(fetch(ask_url(base, "Who talked about peacekeepers?"))[0])

        threads = [threading.Thread(target=ask) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert results == [200] * 6
        status, _, body = fetch(ask_url(base, "And Canada?", conversation=first))
        assert status == 400 and "not known" in one_sentence(body)


# -- the command ------------------------------------------------------------------------------
def test_qa_serve_prints_its_url_and_answers(real_engine, real_index_dir):
    command = [
        sys.executable,
        "-m",
        "qa",
        "serve",
        "--port",
        "0",
        "--index-dir",
        str(real_index_dir),
    ]
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True) as process:  # fmt: skip
        try:
            line = process.stdout.readline()
            url = re.search(r"Serving (http://127\.0\.0\.1:\d+/) ", line).group(1)
            status, _, body = fetch(url + "api/ask?q=" + quote(CANONICAL))
            assert status == 200 and json.loads(body)["passages"][0]["speaker"].startswith(
                "Giorgia"
            )
            assert fetch(url)[0] == 200
        finally:
            process.terminate()
            process.wait(timeout=30)


def test_a_port_in_use_is_one_sentence(real_engine, real_index_dir):
    with serving(real_engine) as base:
        port = base.rsplit(":", 1)[1]
        result = runner.invoke(app, ["serve", "--port", port, "--index-dir", str(real_index_dir)])
    assert result.exit_code == 2
    assert re.fullmatch(
        rf"Error: Cannot listen on 127\.0\.0\.1 port {port}: [^\n]+\.\n", result.stderr
    )


def test_serve_help_has_examples_and_every_option_help():
    result = runner.invoke(app, ["serve", "--help"], env={"COLUMNS": "300", "TERM": "dumb"})
    text = re.sub(r"\s+", " ", re.sub(r"[│╭╮╰╯─]", " ", result.output))
    assert result.exit_code == 0 and "Examples:" in text and "$ qa serve --port 0" in text
    for option in ("--host", "--port", "--corpus", "--index-dir", "--top-k"):
        assert option in text
    import typer

    for param in typer.main.get_command(app).commands["serve"].params:
        if param.name != "help":
            assert param.help and re.sub(r"\s+", " ", param.help) in text, param.name


# -- the page in a real browser -----------------------------------------------------------------
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


@pytest.fixture
def browser(tmp_path):
    """Debian's chromium, headless, driven through its chromedriver with selenium."""
    if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        pytest.skip(
            "no browser to test the page in: install Debian's chromium and chromium-driver "
            "(/usr/bin/chromium and /usr/bin/chromedriver)"
        )
    webdriver = pytest.importorskip(
        "selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')"
    )
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1200,1600", f"--user-data-dir={tmp_path / 'profile'}",
    ):  # fmt: skip
        options.add_argument(flag)
    service = webdriver.ChromeService(executable_path=str(CHROMEDRIVER))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def submit(driver, field: str, text: str, replies: int) -> list:
    """Type into the question or follow-up box and wait for the page to show `replies`."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    box = driver.find_element(By.ID, field)
    box.clear()
    box.send_keys(text)
    box.submit()
    wait = WebDriverWait(driver, 60)
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#replies .reply")) == replies)
    return driver.find_elements(By.CSS_SELECTOR, "#replies .reply")


def no_alert(driver) -> bool:
    from selenium.common.exceptions import NoAlertPresentException

    try:
        _ = driver.switch_to.alert
    except NoAlertPresentException:
        return True
    return False


def test_the_page_asks_the_canonical_question_and_a_follow_up(browser, real_server):
    from selenium.webdriver.common.by import By

    browser.get(real_server + "/")
    assert browser.title.startswith("qa")
    [reply] = submit(browser, "question", CANONICAL, 1)
    assert reply.find_element(By.CSS_SELECTOR, ".understood").text == (
        "Understood: by: Italy; topic: peacekeepers"
    )
    assert reply.find_element(By.CSS_SELECTOR, ".group").text.startswith("Italy — ")
    passages = reply.find_elements(By.CSS_SELECTOR, ".passage")
    whos = [p.find_element(By.CSS_SELECTOR, ".who").text for p in passages]
    assert whos[:2] == [
        "Giorgia Meloni's office, Prime Minister, Italy",
        "Giorgia Meloni, Prime Minister, Italy",
    ]
    first, second = (p.find_element(By.TAG_NAME, "blockquote").text for p in passages[:2])
    assert first.startswith("Italy does not plan to participate in a peacekeeping force")
    assert second.startswith('"We need to think about more durable solutions"')
    meta = passages[1].find_element(By.CSS_SELECTOR, ".meta").text
    for label in ("undated (between March 5 and March 15, inferred)", "mixed",
                  "000_8e297ec4f5d0d494.txt:13"):  # fmt: skip
        assert label in meta
    further = [p.text for p in browser.find_elements(By.CSS_SELECTOR, ".further")]
    assert further and all(
        f.endswith((f"· {formats.FURTHER}", f"· {formats.FLOOR}")) for f in further
    )
    assert len(browser.find_elements(By.CSS_SELECTOR, ".passage .copy")) == len(passages)

    follow = browser.find_element(By.ID, "follow")
    assert follow.is_displayed()
    replies = submit(browser, "followup", "And Canada?", 2)
    understood = replies[1].find_element(By.CSS_SELECTOR, ".understood").text
    assert understood == "Understood: by: Canada; topic: peacekeepers; (follow-up)"
    assert no_alert(browser)


def test_the_copy_button_copies_the_passage_and_its_attribution(browser, real_server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(real_server + "/")
    browser.execute_cdp_cmd(
        "Browser.grantPermissions",
        {"origin": real_server, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]},
    )
    [reply] = submit(browser, "question", CANONICAL, 1)
    button = reply.find_element(By.CSS_SELECTOR, ".passage .copy")
    button.click()
    WebDriverWait(browser, 10).until(lambda d: button.text != "Copy citation")
    assert button.text == "Copied"
    copied = browser.execute_async_script(
        "navigator.clipboard.readText().then(arguments[0], () => arguments[0](null));"
    )
    assert copied.startswith("Italy does not plan to participate in a peacekeeping force")
    assert copied.endswith("— Giorgia Meloni's office, Prime Minister, Italy, March 15, "
                           "source: 000_8e297ec4f5d0d494.txt:10")  # fmt: skip


def test_the_page_shows_hostile_corpus_text_as_text(browser, hostile_server):
    from selenium.webdriver.common.by import By

    browser.get(hostile_server + "/")
    title = browser.title
    [reply] = submit(browser, "question", "Who talked about peacekeepers?", 1)
    quoted = [q.text for q in reply.find_elements(By.TAG_NAME, "blockquote")]
    assert any(SCRIPT in q for q in quoted) and any(IMAGE in q for q in quoted)
    # nothing of the corpus became an element, ran, or changed the page
    assert browser.find_elements(By.CSS_SELECTOR, "#replies script, #replies img") == []
    assert len(browser.find_elements(By.TAG_NAME, "script")) == 1
    assert no_alert(browser) and browser.title == title
    # nor does a question holding markup
    [reply] = submit(browser, "question", f"{IMAGE} peacekeepers {SCRIPT}", 1)
    assert reply.find_element(By.CSS_SELECTOR, ".asked").text == f"{IMAGE} peacekeepers {SCRIPT}"
    assert browser.find_elements(By.CSS_SELECTOR, "#replies script, #replies img") == []
    assert no_alert(browser) and browser.title == title
