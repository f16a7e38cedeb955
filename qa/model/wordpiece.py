"""BERT's WordPiece tokenizer in plain Python, for the question path: the `tokenizers` library
spends longer parsing tokenizer.json than this takes to read the vocabulary and split a
question. It reproduces exactly what `tokenizers` does for one BERT configuration (lower-cased,
accents stripped, Chinese characters split, [CLS] ... [SEP], truncated to the model's length);
`from_file` returns None for any other configuration, and `encode` returns None for a text with
a character outside SAFE, and the caller uses `tokenizers` then. Which characters are letters,
marks or punctuation is a matter of the Unicode version, and `tokenizers` and Python disagree
on characters added lately; tests/test_fast_path.py checks every character of SAFE, and
questions, passages and random text, for the same token ids.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from qa.files import MIB, read_text

# The one configuration reproduced here (bert-base-uncased and the models derived from it).
NORMALIZER = {
    "type": "BertNormalizer",
    "clean_text": True,
    "handle_chinese_chars": True,
    "strip_accents": None,
    "lowercase": True,
}
CONTINUING = "##"
# Code points handled alike here and by `tokenizers` (checked one by one in the tests): Latin,
# Greek, Cyrillic, Armenian, Hebrew, the Latin and Greek extensions, and the punctuation,
# currency, letter-like, number, arrow and other symbol blocks up to supplemental punctuation.
SAFE = ((0x0000, 0x05FF), (0x1E00, 0x2E42))
SPECIAL = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
TOKENIZER_BYTES = (
    64 * MIB
)  # a tokenizer.json: some 700 KB for MiniLM, a few MB for larger vocabularies
# CJK Unified Ideographs and their extensions and compatibility blocks, as BERT defines them.
_CHINESE = (
    (0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F),
    (0x2B740, 0x2B81F), (0x2B820, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F),
)  # fmt: skip
# What _normalize and _words do to ASCII text, the usual question, in one pass each: tab,
# newline and carriage return become spaces, other control characters are dropped; words are
# the runs between spaces and punctuation, each punctuation character a word of its own.
_ASCII_CLEAN = {code: " " if code in (9, 10, 13) else None for code in (*range(32), 127)}
_ASCII_WORDS = re.compile(r"[!-/:-@\[-`{-~]|[^\s!-/:-@\[-`{-~]+")


class WordPiece:
    """Text to token ids: [CLS], the word pieces (at most max_length - 2), [SEP]."""

    def __init__(self, vocab: dict[str, int], max_length: int, max_word: int = 100):
        self.vocab = vocab
        self.max_length = max_length
        self.max_word = max_word
        self.unk, self.cls, self.sep = vocab["[UNK]"], vocab["[CLS]"], vocab["[SEP]"]
        self.special = {token: vocab[token] for token in SPECIAL if token in vocab}

    @classmethod
    def from_file(cls, path: Path, max_length: int) -> WordPiece | None:
        """The tokenizer of a tokenizer.json, or None if it is not the configuration above."""
        spec = json.loads(read_text(Path(path), TOKENIZER_BYTES))
        model = spec.get("model") or {}
        added = spec.get("added_tokens") or []
        if (
            spec.get("normalizer") != NORMALIZER
            or spec.get("pre_tokenizer") != {"type": "BertPreTokenizer"}
            or model.get("type") != "WordPiece"
            or model.get("unk_token") != "[UNK]"
            or model.get("continuing_subword_prefix") != CONTINUING
            or not _bert_template(spec.get("post_processor"))
            or any(not _plain_special(token) for token in added)
            or {token["content"] for token in added} != set(SPECIAL)
            or not all(token in model.get("vocab", {}) for token in SPECIAL)
        ):
            return None
        return cls(model["vocab"], max_length, int(model.get("max_input_chars_per_word", 100)))

    def encode(self, text: str) -> list[int] | None:
        """The token ids, or None for a text with a character outside SAFE."""
        if not text.isascii() and not all(_safe(char) for char in text):
            return None
        pieces: list[int] = []
        for part, special in self._split_special(text):
            if special is not None:
                pieces.append(special)
                continue
            for word in _words(_normalize(part)):
                pieces.extend(self._word_pieces(word))
        return [self.cls, *pieces[: self.max_length - 2], self.sep]

    def _split_special(self, text: str):
        """The text around the special tokens written in it ("[MASK]"), which stand for
        themselves, as `tokenizers` matches them before normalising."""
        start = 0
        while True:
            found = [(text.find(t, start), -len(t), t) for t in self.special if t in text[start:]]
            if not found:
                break
            at, _, token = min(found)
            yield text[start:at], None
            yield token, self.special[token]
            start = at + len(token)
        yield text[start:], None

    def _word_pieces(self, word: str) -> list[int]:
        if len(word) > self.max_word:
            return [self.unk]
        out = []
        start = 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if not start else CONTINUING + word[start:end]
                found = self.vocab.get(piece)
                if found is not None:
                    out.append(found)
                    break
                end -= 1
            else:
                return [self.unk]
            start = end
        return out


def _safe(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in SAFE)


def _bert_template(post: dict | None) -> bool:
    single = (post or {}).get("single") or []
    return (
        (post or {}).get("type") == "TemplateProcessing"
        and [next(iter(item)) for item in single] == ["SpecialToken", "Sequence", "SpecialToken"]
        and single[0]["SpecialToken"]["id"] == "[CLS]"
        and single[2]["SpecialToken"]["id"] == "[SEP]"
    )


def _plain_special(token: dict) -> bool:
    return (
        token.get("special") is True
        and not token.get("single_word")
        and not token.get("lstrip")
        and not token.get("rstrip")
        and token.get("normalized") is False
    )


def _normalize(text: str) -> str:
    """Control characters dropped, white space made a space, Chinese characters spaced out,
    accents stripped (decomposed, non-spacing marks dropped), then lower-cased character by
    character (a final sigma too), in the order `tokenizers` does it."""
    if text.isascii():
        return text.translate(_ASCII_CLEAN).lower()
    out = []
    for char in text:
        code = ord(char)
        if code == 0 or code == 0xFFFD or _is_control(char):
            continue
        if _is_space(char):
            out.append(" ")
        elif any(low <= code <= high for low, high in _CHINESE):
            out.append(f" {char} ")
        else:
            out.append(char)
    text = unicodedata.normalize("NFD", "".join(out))
    return "".join(c.lower() for c in text if unicodedata.category(c) != "Mn")


def _words(text: str) -> list[str]:
    """Split on white space, every punctuation character a word of its own."""
    if text.isascii():
        return _ASCII_WORDS.findall(text)
    words: list[str] = []
    for chunk in text.split():
        current = ""
        for char in chunk:
            if _is_punctuation(char):
                if current:
                    words.append(current)
                    current = ""
                words.append(char)
            else:
                current += char
        if current:
            words.append(current)
    return words


def _is_space(char: str) -> bool:
    return char in "\t\n\r" or char.isspace()


def _is_control(char: str) -> bool:
    """Control, format and private-use characters; not unassigned ones, which `tokenizers`
    keeps as letters."""
    return char not in "\t\n\r" and unicodedata.category(char) in ("Cc", "Cf", "Co", "Cs")


def _is_punctuation(char: str) -> bool:
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")
