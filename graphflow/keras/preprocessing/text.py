"""`keras.preprocessing.text`: Keras 2's text utilities: `text_to_word_sequence`, `one_hot`,
`hashing_trick` and `Tokenizer` (word index by frequency, texts to index sequences, sequences to
binary/count/tfidf/freq matrices, JSON round trip). Plain Python and numpy: nothing here builds
graph ops.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'


def text_to_word_sequence(text: str, filters: str = DEFAULT_FILTERS, lower: bool = True,
                          split: str = " ") -> list[str]:
    """Splits a text into words: lowercased, every `filters` character turned into `split`.

    Args:
        text: the text.
        filters: characters to drop (each becomes a separator).
        lower: lowercase first.
        split: the word separator.

    Returns:
        The non-empty words in order.
    """
    if lower:
        text = text.lower()
    text = text.translate(str.maketrans({c: split for c in filters}))
    return [word for word in text.split(split) if word]


def hashing_trick(text: str, n: int, hash_function: Callable[[str], int] | str | None = None,
                  filters: str = DEFAULT_FILTERS, lower: bool = True, split: str = " ") -> list[int]:
    """The words of `text` hashed into [1, n) (0 is left for padding).

    Args:
        text: the text.
        n: the size of the hashing space.
        hash_function: a function of a word, or "md5" (stable across processes); default Python's
            `hash` (randomized per process unless PYTHONHASHSEED is set).
        filters, lower, split: as `text_to_word_sequence`.

    Returns:
        One integer in [1, n) per word.
    """
    if hash_function is None:
        hash_function = hash
    elif hash_function == "md5":
        def hash_function(word: str) -> int:
            return int(hashlib.md5(word.encode()).hexdigest(), 16)
    return [(hash_function(word) % (n - 1) + 1) for word in text_to_word_sequence(text, filters, lower, split)]


def one_hot(text: str, n: int, filters: str = DEFAULT_FILTERS, lower: bool = True,
            split: str = " ") -> list[int]:
    """Keras 2's `one_hot`: `hashing_trick` with Python's `hash` (an index per word, not a vector)."""
    return hashing_trick(text, n, hash_function=hash, filters=filters, lower=lower, split=split)


class Tokenizer:
    """Turns texts into sequences of word indices (1 = the most frequent word) or into matrices.

    Args:
        num_words: keep only the `num_words - 1` most frequent words when converting (the index
            itself keeps every word); None keeps all.
        filters, lower, split: as `text_to_word_sequence`.
        char_level: every character is a token.
        oov_token: a token given index 1 that replaces words outside the index (or beyond
            `num_words`) when converting; None drops them.
        document_count: the starting number of documents (for `tfidf`).
    """

    def __init__(self, num_words: int | None = None, filters: str = DEFAULT_FILTERS, lower: bool = True,
                 split: str = " ", char_level: bool = False, oov_token: str | None = None,
                 document_count: int = 0, **kwargs: Any) -> None:
        if "nb_words" in kwargs:  # Keras 1's name
            num_words = kwargs.pop("nb_words")
        if kwargs:
            raise TypeError(f"Tokenizer: unrecognized keyword arguments: {sorted(kwargs)}")
        self.num_words, self.filters, self.lower, self.split = num_words, filters, lower, split
        self.char_level, self.oov_token, self.document_count = char_level, oov_token, document_count
        self.word_counts: OrderedDict[str, int] = OrderedDict()
        self.word_docs: defaultdict[str, int] = defaultdict(int)
        self.index_docs: defaultdict[int, int] = defaultdict(int)
        self.word_index: dict[str, int] = {}
        self.index_word: dict[int, str] = {}

    def _tokens(self, text: Any) -> list[str]:
        if self.char_level or isinstance(text, list):
            if self.lower:
                text = [t.lower() for t in text] if isinstance(text, list) else text.lower()
            return list(text)
        return text_to_word_sequence(text, self.filters, self.lower, self.split)

    def fit_on_texts(self, texts: Iterable[Any]) -> None:
        """Counts the words of `texts` (strings, or lists of tokens) and rebuilds `word_index`
        (most frequent first; ties in order of first appearance; `oov_token` first if set)."""
        for text in texts:
            self.document_count += 1
            tokens = self._tokens(text)
            for word in tokens:
                self.word_counts[word] = self.word_counts.get(word, 0) + 1
            for word in set(tokens):
                self.word_docs[word] += 1
        ordered = sorted(self.word_counts.items(), key=lambda item: item[1], reverse=True)
        vocabulary = ([] if self.oov_token is None else [self.oov_token]) + [word for word, _ in ordered]
        self.word_index = {word: index for index, word in enumerate(vocabulary, start=1)}
        self.index_word = {index: word for word, index in self.word_index.items()}
        for word, count in self.word_docs.items():
            self.index_docs[self.word_index[word]] = count

    def fit_on_sequences(self, sequences: Iterable[Iterable[int]]) -> None:
        """Counts in how many documents each index appears (what `tfidf` needs without texts)."""
        sequences = list(sequences)
        self.document_count += len(sequences)
        for sequence in sequences:
            for index in set(sequence):
                self.index_docs[index] += 1

    def _kept(self, index: int | None) -> int | None:
        """The index a token converts to: itself, the OOV index, or None (dropped)."""
        oov = self.word_index.get(self.oov_token) if self.oov_token is not None else None
        if index is None:
            return oov
        if self.num_words and index >= self.num_words:
            return oov
        return index

    def texts_to_sequences_generator(self, texts: Iterable[Any]) -> Iterator[list[int]]:
        """Yields the index sequence of each text (see `texts_to_sequences`)."""
        for text in texts:
            kept = (self._kept(self.word_index.get(word)) for word in self._tokens(text))
            yield [index for index in kept if index is not None]

    def texts_to_sequences(self, texts: Iterable[Any]) -> list[list[int]]:
        """Each text as a list of word indices; unknown words and words beyond `num_words` become
        the OOV index, or are dropped without `oov_token`."""
        return list(self.texts_to_sequences_generator(texts))

    def sequences_to_texts_generator(self, sequences: Iterable[Iterable[int]]) -> Iterator[str]:
        """Yields each sequence back as a space-joined text (see `sequences_to_texts`)."""
        for sequence in sequences:
            words = []
            for number in sequence:
                kept = self._kept(number if number in self.index_word else None)
                if kept is not None:
                    words.append(self.index_word[kept])
            yield " ".join(words)

    def sequences_to_texts(self, sequences: Iterable[Iterable[int]]) -> list[str]:
        """Index sequences back to texts (the inverse of `texts_to_sequences`, up to filtering)."""
        return list(self.sequences_to_texts_generator(sequences))

    def texts_to_matrix(self, texts: Iterable[Any], mode: str = "binary") -> np.ndarray:
        """`sequences_to_matrix(texts_to_sequences(texts), mode)`."""
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences: list[list[int]], mode: str = "binary") -> np.ndarray:
        """One row per sequence, one column per index below `num_words` (or the index size + 1).

        Args:
            sequences: lists of indices.
            mode: "binary" (1 where present), "count", "freq" (count / sequence length) or
                "tfidf" ((1 + log count) * log(1 + documents / (1 + documents with the index))).

        Returns:
            A float64 array `[len(sequences), num_words]`.

        Raises:
            ValueError: no `num_words` and nothing fitted, `tfidf` before fitting, an unknown mode.
        """
        if self.num_words:
            width = self.num_words
        elif self.word_index:
            width = len(self.word_index) + 1
        else:
            raise ValueError("Specify a dimension (`num_words` argument), or fit on some text data first.")
        if mode not in ("binary", "count", "freq", "tfidf"):
            raise ValueError(f"Unknown vectorization mode: {mode}")
        if mode == "tfidf" and not self.document_count:
            raise ValueError("Fit the Tokenizer on some data before using tfidf mode.")
        matrix = np.zeros((len(sequences), width))
        for row, sequence in enumerate(sequences):
            if not len(sequence):
                continue
            counts: dict[int, int] = defaultdict(int)
            for index in sequence:
                if index < width:
                    counts[index] += 1
            for index, count in counts.items():
                if mode == "count":
                    matrix[row, index] = count
                elif mode == "freq":
                    matrix[row, index] = count / len(sequence)
                elif mode == "binary":
                    matrix[row, index] = 1
                else:
                    idf = np.log(1 + self.document_count / (1 + self.index_docs.get(index, 0)))
                    matrix[row, index] = (1 + np.log(count)) * idf
        return matrix

    def get_config(self) -> dict[str, Any]:
        """The tokenizer's arguments and counts (JSON strings for the dictionaries, as Keras 2)."""
        return {"num_words": self.num_words, "filters": self.filters, "lower": self.lower, "split": self.split,
                "char_level": self.char_level, "oov_token": self.oov_token,
                "document_count": self.document_count, "word_counts": json.dumps(self.word_counts),
                "word_docs": json.dumps(self.word_docs), "index_docs": json.dumps(self.index_docs),
                "index_word": json.dumps(self.index_word), "word_index": json.dumps(self.word_index)}

    def to_json(self, **kwargs: Any) -> str:
        """The tokenizer as JSON (`tokenizer_from_json` reads it back); kwargs go to `json.dumps`."""
        return json.dumps({"class_name": type(self).__name__, "config": self.get_config()}, **kwargs)


def tokenizer_from_json(json_string: str) -> Tokenizer:
    """A `Tokenizer` from `Tokenizer.to_json()`'s output."""
    config = dict(json.loads(json_string)["config"])
    tables = {key: json.loads(config.pop(key)) for key in
              ("word_counts", "word_docs", "index_docs", "word_index", "index_word")}
    tokenizer = Tokenizer(**config)
    tokenizer.word_counts = OrderedDict(tables["word_counts"])
    tokenizer.word_docs = defaultdict(int, tables["word_docs"])
    tokenizer.index_docs = defaultdict(int, {int(k): v for k, v in tables["index_docs"].items()})
    tokenizer.word_index = tables["word_index"]
    tokenizer.index_word = {int(k): v for k, v in tables["index_word"].items()}
    return tokenizer
