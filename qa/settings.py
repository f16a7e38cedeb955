"""One frozen settings object: where the corpus, the index and the model are, read from the
options given, then the environment, then the configuration file, then the defaults; and where
qa keeps the user's own files (the configuration file, the chat history)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_config_path, user_data_path, user_state_path

from qa.errors import QaError
from qa.files import MIB, read_text
from qa.text import mend

PACKAGE = Path(__file__).resolve().parent
CHECKOUT = PACKAGE.parent
ENV_CORPUS = "QA_CORPUS"
ENV_INDEX_DIR = "QA_INDEX_DIR"
ENV_COLLECTION = "QA_COLLECTION"
ENV_MODEL = "QA_MODEL"
ENV_TOP_K = "QA_TOP_K"
ENV_HISTORY = "QA_HISTORY"
ENV_CONFIG = "QA_CONFIG"
CONFIG_BYTES = MIB  # a configuration file larger than this is not one
ENV_SKIP_BAD = "QA_SKIP_BAD"
ENV_STORE = "QA_STORE"
ENV_URI = "QA_URI"
STORES = ("embedded", "milvus")
TRUE_WORDS = {"1", "true", "t", "yes", "y", "on"}
FALSE_WORDS = {"", "0", "false", "f", "no", "n", "off"}


class SettingsError(QaError):
    """An option or environment variable has a value that cannot be used."""


def in_checkout() -> bool:
    """True when qa runs from its source checkout (an editable install or the tests)."""
    return (CHECKOUT / "pyproject.toml").is_file() and (CHECKOUT / "seeds").is_dir()


def bundled_path(name: str) -> Path:
    """A bundled folder (`seeds`, `evals`): the checkout's top-level folder when running from
    one, else the copy the wheel carries inside the package (see pyproject's package-dir)."""
    if in_checkout() and (CHECKOUT / name).is_dir():
        return CHECKOUT / name
    return PACKAGE / name


def default_index_dir() -> Path:
    """`index/` of the checkout when running from one, else the user's data directory."""
    if in_checkout() and (CHECKOUT / "index").is_dir():
        return CHECKOUT / "index"
    return user_data_path("qa") / "index"


def default_history_file() -> Path:
    """The chat history: QA_HISTORY, else `chat-history` in the user's state folder
    ($XDG_STATE_HOME/qa, ~/.local/state/qa), where history belongs; a history left in the data
    folder by an earlier version is moved there on first use (see `history_file`)."""
    return Path(os.environ.get(ENV_HISTORY) or user_state_path("qa") / "chat-history")


def history_file() -> Path:
    """The chat history to read and append to, after moving the one an earlier version kept in
    the data folder; when it cannot be moved, the old one goes on being used."""
    chosen = default_history_file()
    old = user_data_path("qa") / "chat-history"
    if os.environ.get(ENV_HISTORY) or chosen.exists() or not old.is_file():
        return chosen
    try:
        chosen.parent.mkdir(parents=True, exist_ok=True)
        os.replace(old, chosen)
    except OSError:
        return old
    return chosen


def config_file() -> Path:
    """The configuration file: QA_CONFIG, else `config.toml` in the user's config folder
    ($XDG_CONFIG_HOME/qa, ~/.config/qa). It need not exist."""
    return Path(os.environ.get(ENV_CONFIG) or user_config_path("qa") / "config.toml")


def read_config(path: Path | None = None) -> dict:
    """The configuration file's tables as read ({} when there is none); a file that cannot be
    read or is not TOML is a SettingsError naming it."""
    path = path or config_file()
    try:
        text = read_text(path, CONFIG_BYTES)
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "problem", None) or getattr(error, "strerror", None) or error
        raise SettingsError(f"Cannot read the configuration file {path}: {reason}.") from None
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"The configuration file {path} is not valid TOML: {error}.") from None


def env_text(name: str) -> str:
    """An environment value that is text, not a path: bytes that were not UTF-8 become U+FFFD
    (paths keep them, to name the file given)."""
    return mend(os.environ.get(name, ""))


def env_flag(name: str) -> bool:
    value = env_text(name).strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise SettingsError(f"{name}={env_text(name)!r} is not a yes/no value; use 1 or 0.")


def env_int(name: str, default: int, low: int, high: int) -> int:
    value = env_text(name).strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        raise SettingsError(
            f"{name}={value!r} is not a whole number from {low} to {high}; "
            f"unset it or give a number such as {default}."
        )
    return number


@dataclass(frozen=True)
class Settings:
    """Everything a front door passes to the engine. None means the default. `index_dir` is
    the folder of one collection (see qa.collections); `index_root` holds every collection."""

    corpus: tuple[Path, ...] = ()
    index_dir: Path = field(default_factory=default_index_dir)
    model: Path | None = None
    top_k: int = 5
    skip_bad: bool = False
    index_root: Path | None = None
    collection: str | None = None
    store: str = (
        "embedded"  # or "milvus": a Milvus collection (see qa/store/milvus/collection.py) at `uri`
    )
    uri: str | None = None

    @classmethod
    def from_env(cls, **given) -> Settings:
        """Options given on the command line win over the environment, which wins over
        the defaults. A bad environment value is a SettingsError naming the variable."""
        from qa.folders import choose

        corpus = given.get("corpus") or [
            Path(p) for p in os.environ.get(ENV_CORPUS, "").split(os.pathsep) if p
        ]
        root = given.get("index_dir") or os.environ.get(ENV_INDEX_DIR) or None
        root = Path(root) if root else default_index_dir()
        model = given.get("model") or os.environ.get(ENV_MODEL) or None
        top_k = given.get("top_k") or env_int(ENV_TOP_K, 5, 1, 100)
        skip_bad = bool(given.get("skip_bad")) or env_flag(ENV_SKIP_BAD)
        name = given.get("collection") or env_text(ENV_COLLECTION) or None
        store = (given.get("store") or env_text(ENV_STORE) or "embedded").strip().lower()
        if store not in STORES:
            raise SettingsError(f"There is no store {store!r}; use {' or '.join(STORES)}.")
        uri = given.get("uri") or env_text(ENV_URI) or None
        if store == "milvus":
            # The collection is a Milvus collection of that name, not a folder of indexes.
            corpus, folder = tuple(Path(p) for p in corpus), root
        else:
            corpus, folder = choose(root, tuple(Path(p) for p in corpus), name)
        return cls(
            corpus=corpus,
            index_dir=folder,
            model=Path(model) if model else None,
            top_k=top_k,
            skip_bad=skip_bad,
            index_root=root,
            collection=name,
            store=store,
            uri=uri,
        )
