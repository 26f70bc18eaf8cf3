"""keras.preprocessing.text: text_to_word_sequence and Tokenizer (word index, sequences with
num_words and oov_token, char_level, the four matrix modes, JSON round trip), against values
recorded from tf_keras 2.21 (/work/scratch/s23/rec/tok_tf.py) on the same texts."""

import json

import numpy as np
import pytest

from graphflow.keras.preprocessing.text import (
    Tokenizer,
    hashing_trick,
    text_to_word_sequence,
    tokenizer_from_json,
)

TEXTS = ["The cat sat on the mat.", "The dog ate my homework!", "Cat and dog: friends?", "the the THE end"]
CONVERT = TEXTS + ["unknown cat words"]
MATRIX_TEXTS = TEXTS[:2] + ["zebra cat cat"]

# tf_keras' results, keyed by the Tokenizer's arguments (JSON)
RECORDED = {'{}': {'seqs': [[1, 2, 4, 5, 1, 6], [1, 3, 7, 8, 9], [2, 10, 3, 11], [1, 1, 1, 12], [2]],
        'back': ['the cat sat on the mat',
                 'the dog ate my homework',
                 'cat and dog friends',
                 'the the the end',
                 'cat'],
        'word_index': {'the': 1,
                       'cat': 2,
                       'dog': 3,
                       'sat': 4,
                       'on': 5,
                       'mat': 6,
                       'ate': 7,
                       'my': 8,
                       'homework': 9,
                       'and': 10,
                       'friends': 11,
                       'end': 12}},
 '{"num_words": 5}': {'seqs': [[1, 2, 4, 1], [1, 3], [2, 3], [1, 1, 1], [2]],
                      'back': ['the cat sat the', 'the dog', 'cat dog', 'the the the', 'cat'],
                      'binary': [[0.0, 1.0, 1.0, 0.0, 1.0],
                                 [0.0, 1.0, 0.0, 1.0, 0.0],
                                 [0.0, 0.0, 1.0, 0.0, 0.0]],
                      'count': [[0.0, 2.0, 1.0, 0.0, 1.0],
                                [0.0, 1.0, 0.0, 1.0, 0.0],
                                [0.0, 0.0, 2.0, 0.0, 0.0]],
                      'freq': [[0.0, 0.5, 0.25, 0.0, 0.25],
                               [0.0, 0.5, 0.0, 0.5, 0.0],
                               [0.0, 0.0, 1.0, 0.0, 0.0]],
                      'tfidf': [[0.0, 1.1736002, 0.8472979, 0.0, 1.0986123],
                                [0.0, 0.6931472, 0.0, 0.8472979, 0.0],
                                [0.0, 0.0, 1.4346, 0.0, 0.0]]},
 '{"num_words": 5, "oov_token": "<OOV>"}': {'seqs': [[2, 3, 1, 1, 2, 1],
                                                     [2, 4, 1, 1, 1],
                                                     [3, 1, 4, 1],
                                                     [2, 2, 2, 1],
                                                     [1, 3, 1]],
                                            'back': ['the cat <OOV> <OOV> the <OOV>',
                                                     'the dog <OOV> <OOV> <OOV>',
                                                     'cat <OOV> dog <OOV>',
                                                     'the the the <OOV>',
                                                     '<OOV> cat <OOV>']},
 '{"char_level": true, "num_words": 6}': {'seqs': [[2, 4, 3, 1, 5, 2, 1, 5, 2, 1, 1, 2, 4, 3, 1, 5, 2],
                                                   [2, 4, 3, 1, 1, 5, 2, 3, 1, 1, 4, 3],
                                                   [5, 2, 1, 5, 1, 1, 3],
                                                   [2, 4, 3, 1, 2, 4, 3, 1, 2, 4, 3, 1, 3],
                                                   [1, 5, 2, 1]],
                                          'back': ['t h e   a t   a t     t h e   a t',
                                                   't h e     a t e     h e',
                                                   'a t   a     e',
                                                   't h e   t h e   t h e   e',
                                                   '  a t  ']}}


def test_text_to_word_sequence_filters_and_lowercases():
    assert text_to_word_sequence("Hello, World!  it's\tme") == ["hello", "world", "it's", "me"]


@pytest.mark.parametrize("arguments", sorted(RECORDED))
def test_tokenizer_matches_tf_keras(arguments):
    tokenizer = Tokenizer(**json.loads(arguments))
    tokenizer.fit_on_texts(TEXTS)
    want = RECORDED[arguments]
    if "word_index" in want:
        assert tokenizer.word_index == want["word_index"]
        assert tokenizer.index_word == {i: w for w, i in want["word_index"].items()}
    sequences = tokenizer.texts_to_sequences(CONVERT)
    assert sequences == want["seqs"]
    assert tokenizer.sequences_to_texts(sequences) == want["back"]
    for mode in ("binary", "count", "freq", "tfidf"):
        if mode in want:
            np.testing.assert_allclose(tokenizer.texts_to_matrix(MATRIX_TEXTS, mode=mode), want[mode],
                                       rtol=1e-6, atol=1e-7)


def test_tfidf_formula_and_fit_on_sequences():
    tokenizer = Tokenizer(num_words=4)
    tokenizer.fit_on_sequences([[1, 2], [2, 2, 3], [3]])
    matrix = tokenizer.sequences_to_matrix([[2, 2, 1, 7]], mode="tfidf")
    idf = lambda docs: np.log(1 + 3 / (1 + docs))  # noqa: E731
    np.testing.assert_allclose(matrix, [[0.0, idf(1), (1 + np.log(2)) * idf(2), 0.0]])


def test_errors_and_json_round_trip():
    with pytest.raises(ValueError, match="num_words"):
        Tokenizer().sequences_to_matrix([[1]])
    with pytest.raises(ValueError, match="tfidf"):
        Tokenizer(num_words=3).sequences_to_matrix([[1]], mode="tfidf")
    tokenizer = Tokenizer(num_words=6, oov_token="?")
    tokenizer.fit_on_texts(TEXTS)
    with pytest.raises(ValueError, match="mode"):
        tokenizer.texts_to_matrix(TEXTS, mode="onehot")
    with pytest.raises(TypeError, match="bogus"):
        Tokenizer(bogus=1)
    restored = tokenizer_from_json(tokenizer.to_json())
    assert restored.word_index == tokenizer.word_index and restored.index_word == tokenizer.index_word
    assert restored.texts_to_sequences(CONVERT) == tokenizer.texts_to_sequences(CONVERT)
    np.testing.assert_array_equal(restored.texts_to_matrix(TEXTS, "tfidf"),
                                  tokenizer.texts_to_matrix(TEXTS, "tfidf"))


def test_hashing_trick_md5_is_stable_and_in_range():
    codes = hashing_trick("a b a c", 5, hash_function="md5")
    assert codes[0] == codes[2] and all(1 <= c < 5 for c in codes)
    import hashlib
    assert codes[1] == int(hashlib.md5(b"b").hexdigest(), 16) % 4 + 1
