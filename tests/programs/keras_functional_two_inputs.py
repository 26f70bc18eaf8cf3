"""A tf.keras functional model with two inputs and two outputs: Input, concatenate, a shared
hidden layer, per-output losses and loss_weights given as dicts, fit with validation_data,
train_on_batch and evaluate (the logs keys of each output)."""

import numpy as np

from tests.programs._data import digits, normal
from tests.programs._tf import keras, tf

RTOL, ATOL = 2e-3, 2e-4


def main():
    tf.reset_default_graph()
    keras.backend.clear_session()
    images, labels, _ = digits(192)
    left, right = images[:, :32], images[:, 32:]
    ink = images.sum(axis=1, keepdims=True) / 64.0
    in_left = keras.Input(shape=(32,), name="left")
    in_right = keras.Input(shape=(32,), name="right")
    merged = keras.layers.concatenate([in_left, in_right])
    hidden = keras.layers.Dense(16, activation="tanh", name="hidden")(merged)
    digit = keras.layers.Dense(10, activation="softmax", name="digit")(hidden)
    amount = keras.layers.Dense(1, name="ink")(hidden)
    model = keras.Model(inputs=[in_left, in_right], outputs=[digit, amount])
    model.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.5),
                  loss={"digit": "sparse_categorical_crossentropy", "ink": "mse"},
                  loss_weights={"digit": 1.0, "ink": 0.5}, metrics={"digit": ["acc"]})
    model.set_weights([normal([64, 16], 21, 0.2), np.zeros(16, np.float32), normal([16, 10], 22, 0.3),
                       np.zeros(10, np.float32), normal([16, 1], 23, 0.3), np.zeros(1, np.float32)])
    history = model.fit({"left": left[:128], "right": right[:128]}, {"digit": labels[:128], "ink": ink[:128]},
                        batch_size=16, epochs=2, shuffle=False, verbose=0,
                        validation_data=([left[128:], right[128:]], [labels[128:], ink[128:]]))
    batch_logs = model.train_on_batch([left[:16], right[:16]], [labels[:16], ink[:16]])
    scores = model.evaluate([left[128:], right[128:]], [labels[128:], ink[128:]], verbose=0)
    probabilities, predicted_ink = model.predict([left[:3], right[:3]])
    return {"history": {k: np.array(v) for k, v in history.history.items()},
            "train_on_batch": np.array(batch_logs), "evaluate": np.array(scores),
            "metrics_names": model.metrics_names, "layers": [layer.name for layer in model.layers],
            "probabilities": probabilities, "ink": predicted_ink}


if __name__ == "__main__":
    print(main())
