"""The evaluation set: questions, paraphrase triples and conversation turns read from TOML,
each with the statements that answer it or the reason it should be declined, in parts (tuning,
and held-out when written)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from qa.errors import QaError, UnsafeFileError
from qa.files import MIB, read_text
from qa.settings import bundled_path

PARTS = ("tuning", "held-out")
TRIPLE_WAYS = ("plain", "role", "typo")


class EvaluationError(QaError):
    """The evaluation file is missing, malformed or refers to statements that do not exist."""


def default_questions_path() -> Path:
    return bundled_path("evals") / "questions.toml"


def default_heldout_path() -> Path:
    return bundled_path("evals") / "heldout.toml"


def default_parts() -> dict[str, Path]:
    """The evaluation parts present in the checkout: tuning always, held-out when written."""
    parts = {"tuning": default_questions_path()}
    if default_heldout_path().exists():
        parts["held-out"] = default_heldout_path()
    return parts


@dataclass(frozen=True)
class EvalQuery:
    id: str
    category: str
    question: str
    answers: tuple[str, ...]
    speaker: str | None = None
    abstain: str | None = None
    conversation: str | None = None
    said_on: str | None = None
    triple: str | None = None


QUESTIONS_BYTES = 16 * MIB  # a question file of some 100,000 questions


def load_questions(path: Path) -> list[EvalQuery]:
    """Questions, paraphrase triples and conversation turns, in the order they are asked."""
    try:
        data = tomllib.loads(read_text(Path(path), QUESTIONS_BYTES))
    except UnsafeFileError as error:  # a pipe, a device or too large: refused, never read
        raise EvaluationError(str(error)) from None
    except OSError as error:
        raise EvaluationError(f"Cannot read {path}: {error.strerror}.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise EvaluationError(f"{path} is not valid TOML: {error}.") from None
    queries = []
    for item in data.get("question", []):
        queries.append(_query(item, item.get("category", "other"), None, path))
    for triple in data.get("triple", []):
        asked = triple.get("questions", [])
        if len(asked) != len(TRIPLE_WAYS) or "id" not in triple:
            raise EvaluationError(f"{path}: a triple needs an id and three questions.")
        for way, question in zip(TRIPLE_WAYS, asked):
            item = {**triple, "id": f"{triple['id']}#{way}", "question": question}
            queries.append(_query(item, "triple", None, path, triple=triple["id"]))
    for conversation in data.get("conversation", []):
        for i, turn in enumerate(conversation.get("turn", [])):
            turn = {**turn, "id": f"{conversation['id']}#{i + 1}"}
            queries.append(_query(turn, "conversation", conversation["id"], path))
    ids = [q.id for q in queries]
    if len(set(ids)) != len(ids):
        raise EvaluationError(f"{path} repeats a question id.")
    return queries


def _query(
    item: dict, category: str, conversation: str | None, path: Path, triple: str | None = None
) -> EvalQuery:
    if "question" not in item or "id" not in item:
        raise EvaluationError(f"{path}: every question needs an id and a question.")
    answers = tuple(item.get("answers", []))
    if not answers and not item.get("abstain"):
        raise EvaluationError(f"{path}: {item['id']} has no answers and no abstain reason.")
    return EvalQuery(
        item["id"],
        category,
        item["question"],
        answers,
        item.get("speaker"),
        item.get("abstain"),
        conversation,
        item.get("said_on"),
        triple,
    )
