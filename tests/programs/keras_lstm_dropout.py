"""A Keras text classifier in the idiom of keras' imdb_lstm / reuters_mlp examples: a `Tokenizer`
(num_words, oov_token) fit on short reviews, `texts_to_sequences`, `pad_sequences`, a binary
`texts_to_matrix`, then `Embedding` + `LSTM(dropout=0.2, recurrent_dropout=0.3)` + `Dense`.

Dropout draws differ between implementations, so what is compared is deterministic: inference
(`predict`, `evaluate`: no dropout) from the same weights, the configs, and facts about the
training phase that hold for any generator: one input mask and one recurrent mask per sequence,
fixed over time, of 0 and 1/keep, dropping about the rate (shown with identity SimpleRNNs)."""

import numpy as np

from tests.programs._data import normal
from tests.programs._tf import keras, tf

RTOL, ATOL = 1e-4, 1e-5

GOOD = ["great", "fun", "loved", "superb", "moving", "best"]
BAD = ["boring", "awful", "worst", "dull", "bad", "weak"]
FILLER = ["the", "film", "was", "and", "plot", "acting", "a", "story"]


def reviews(count: int, seed: int):
    """Short texts: filler words with two or three words of the label's sentiment."""
    rng = np.random.RandomState(seed)
    texts, labels = [], []
    for i in range(count):
        label = i % 2
        words = list(rng.choice(FILLER, 5)) + list(rng.choice(GOOD if label else BAD, 2 + i % 2))
        rng.shuffle(words)
        texts.append(" ".join(words).capitalize() + "!")
        labels.append(label)
    return texts, np.array(labels, np.float32)


def dropout_facts(K, rate_name: str) -> list:
    """An identity SimpleRNN: its training-phase outputs show the drawn mask (see module doc)."""
    units, steps = 8, 5
    layer = keras.layers.SimpleRNN(units, activation=None, use_bias=False, return_sequences=True,
                                   **{rate_name: 0.5})
    inputs = keras.layers.Input((steps, units))
    outputs = layer(inputs)
    layer.set_weights([np.eye(units, dtype=np.float32), np.eye(units, dtype=np.float32)])
    run = K.function([inputs, K.learning_phase()], [outputs])
    x = np.zeros((200, steps, units), np.float32)
    x[:, 0] = 1.0  # one impulse: later steps only carry the recurrent state
    trained, inferred = run([x, 1])[0], run([x, 0])[0]
    if rate_name == "dropout":  # h_0 = mask * 1; later inputs are zero, so h_t = h_0 (recurrence I)
        mask = trained[:, 0]
        fixed = bool(np.allclose(trained, trained[:, :1]))
    else:  # h_0 = 1; h_t = h_{t-1} * mask: powers of one mask
        mask = trained[:, 1]
        fixed = bool(np.allclose(trained[:, 2], mask * mask))
    values = sorted(set(np.round(mask, 4).ravel().tolist()))
    return [values, fixed, bool(0.35 < float(np.mean(mask == 0)) < 0.65), bool(np.allclose(inferred, 1.0))]


def main():
    tf.reset_default_graph()
    keras.backend.clear_session()
    K = keras.backend
    texts, labels = reviews(96, 0)
    tokenizer = keras.preprocessing.text.Tokenizer(num_words=16, oov_token="<unk>")
    tokenizer.fit_on_texts(texts[:72])
    sequences = tokenizer.texts_to_sequences(texts)
    padded = keras.preprocessing.sequence.pad_sequences(sequences, maxlen=8)
    matrix = tokenizer.texts_to_matrix(texts[:4], mode="binary")

    model = keras.Sequential([keras.layers.Embedding(16, 6, input_length=8),
                              keras.layers.LSTM(5, dropout=0.2, recurrent_dropout=0.3,
                                                recurrent_activation="sigmoid"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    model.set_weights([normal([16, 6], 1, 0.5), normal([6, 20], 2, 0.4), normal([5, 20], 3, 0.4),
                       np.zeros(20, np.float32), normal([5, 1], 4, 0.5), np.zeros(1, np.float32)])
    predicted = model.predict(padded[72:])
    evaluated = model.evaluate(padded[72:], labels[72:], verbose=0)
    history = model.fit(padded[:72], labels[:72], batch_size=12, epochs=2, verbose=0)
    lstm_config = model.layers[1].get_config()
    return {"word_index": tokenizer.word_index, "sequences": sequences[:4], "padded": padded[:4],
            "matrix": matrix, "predict": predicted, "evaluate": np.array(evaluated, np.float32),
            "dropout": [lstm_config["dropout"], lstm_config["recurrent_dropout"]],
            "trained": [sorted(history.history), bool(np.all(np.isfinite(history.history["loss"])))],
            "input_dropout_facts": dropout_facts(K, "dropout"),
            "recurrent_dropout_facts": dropout_facts(K, "recurrent_dropout")}


if __name__ == "__main__":
    print(main())
