"""A tf.keras LSTM classifier on variable-length padded sequences: each digit image is read as
a sequence of pixel rows, cut to between 4 and 8 rows and zero-padded to 8, and a `Masking` layer
makes the LSTM skip the padding (and the all-blank rows). Sequential with `input_shape=(None, 8)`
(any sequence length), compiled with Adam and sparse categorical cross-entropy, fit with a
validation split; evaluate, and predict on batches padded to 8 and to 6 steps."""

import numpy as np

from tests.programs._data import digits, normal
from tests.programs._tf import keras, tf

RTOL, ATOL = 2e-3, 2e-4


def padded_rows(images: np.ndarray, steps: int = 8) -> np.ndarray:
    """(n, 64) images -> (n, steps, 8) row sequences, entry i keeping 4 + i % 5 rows (at most steps)."""
    rows = images.reshape(-1, 8, 8)[:, :steps].copy()
    for i, seq in enumerate(rows):
        seq[min(4 + i % 5, steps):] = 0.0
    return rows


def main():
    tf.reset_default_graph()
    keras.backend.clear_session()
    images, labels, _ = digits(300)
    sequences = padded_rows(images)
    model = keras.Sequential([
        keras.layers.Masking(mask_value=0.0, input_shape=(None, 8)),
        # tf.compat.v1.keras' LSTM is Keras 2's v1 layer (recurrent_activation="hard_sigmoid" by
        # default); graphflow follows tf_keras' default "sigmoid": named here so both run the same.
        keras.layers.LSTM(16, recurrent_activation="sigmoid"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    # Random initial values differ between implementations: start both from the same weights.
    model.set_weights([normal([8, 64], 21, 0.3), normal([16, 64], 22, 0.2), np.zeros(64, np.float32),
                       normal([16, 10], 23, 0.3), np.zeros(10, np.float32)])
    history = model.fit(sequences[:240], labels[:240], batch_size=24, epochs=4, validation_split=0.2,
                        shuffle=False, verbose=0)
    loss, accuracy = model.evaluate(sequences[240:], labels[240:], batch_size=30, verbose=0)
    return {"history": {k: np.array(v) for k, v in history.history.items()}, "epochs": history.epoch,
            "evaluate": np.array([loss, accuracy]), "predict_8_steps": model.predict(sequences[:5]),
            "predict_6_steps": model.predict(padded_rows(images[:5], steps=6)),
            "metrics_names": model.metrics_names, "weight_names": [w.name for w in model.weights],
            "output_shape": list(model.output_shape), "params": model.count_params()}


if __name__ == "__main__":
    print(main())
