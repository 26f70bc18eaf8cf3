"""A tf.keras Sequential MLP on the digits, the Keras 2 tutorial way: `input_shape` on the first
Dense, compile with Adam, sparse categorical cross-entropy and 'accuracy', fit with a
validation split, evaluate and predict."""

import numpy as np

from tests.programs._data import digits, normal
from tests.programs._tf import keras, tf

RTOL, ATOL = 2e-3, 2e-4


def main():
    tf.reset_default_graph()
    keras.backend.clear_session()
    images, labels, _ = digits(320)
    model = keras.Sequential([
        keras.layers.Dense(24, activation="relu", input_shape=(64,)),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    # Random initial values differ between implementations: start both from the same weights.
    model.set_weights([normal([64, 24], 11, 0.2), np.zeros(24, np.float32), normal([24, 10], 12, 0.3),
                       np.zeros(10, np.float32)])
    history = model.fit(images[:256], labels[:256], batch_size=32, epochs=3, validation_split=0.25,
                        shuffle=False, verbose=0)
    loss, accuracy = model.evaluate(images[256:], labels[256:], batch_size=64, verbose=0)
    return {"history": {k: np.array(v) for k, v in history.history.items()}, "epochs": history.epoch,
            "evaluate": np.array([loss, accuracy]), "predict": model.predict(images[:4]),
            "metrics_names": model.metrics_names, "weight_names": [w.name for w in model.weights],
            "params": model.count_params()}


if __name__ == "__main__":
    print(main())
