"""One frozen settings object: where the corpus, the index and the model are."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_data_path

CHECKOUT = Path(__file__).resolve().parent.parent
ENV_CORPUS = "QA_CORPUS"
ENV_INDEX_DIR = "QA_INDEX_DIR"
ENV_MODEL = "QA_MODEL"
ENV_TOP_K = "QA_TOP_K"
ENV_HISTORY = "QA_HISTORY"
ENV_SKIP_BAD = "QA_SKIP_BAD"


def default_index_dir() -> Path:
    """`index/` of the checkout when running from one, else the user's data directory."""
    if (CHECKOUT / "pyproject.toml").is_file() and (CHECKOUT / "index").is_dir():
        return CHECKOUT / "index"
    return user_data_path("qa") / "index"


def default_history_file() -> Path:
    return user_data_path("qa") / "chat-history"


@dataclass(frozen=True)
class Settings:
    """Everything a front door passes to the engine. None means the default."""

    corpus: tuple[Path, ...] = ()
    index_dir: Path = field(default_factory=default_index_dir)
    model: Path | None = None
    top_k: int = 5
    skip_bad: bool = False

    @classmethod
    def from_env(cls, **given) -> Settings:
        """Options given on the command line win over the environment, which wins over
        the defaults."""
        corpus = given.get("corpus") or [
            Path(p) for p in os.environ.get(ENV_CORPUS, "").split(os.pathsep) if p
        ]
        index_dir = given.get("index_dir") or os.environ.get(ENV_INDEX_DIR) or None
        model = given.get("model") or os.environ.get(ENV_MODEL) or None
        top_k = given.get("top_k") or int(os.environ.get(ENV_TOP_K, "5") or 5)
        skip_bad = bool(given.get("skip_bad")) or os.environ.get(ENV_SKIP_BAD, "") not in ("", "0")
        return cls(
            corpus=tuple(Path(p) for p in corpus),
            index_dir=Path(index_dir) if index_dir else default_index_dir(),
            model=Path(model) if model else None,
            top_k=top_k,
            skip_bad=skip_bad,
        )
