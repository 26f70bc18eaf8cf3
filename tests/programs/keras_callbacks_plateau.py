"""A Keras 2 Sequential classifier on the digits trained the way the training-practice articles
do: `fit(callbacks=[...])` with EarlyStopping on val_loss (patience, restore_best_weights),
ReduceLROnPlateau (factor, patience, min_lr), ModelCheckpoint(save_best_only=True) with an
epoch/val_loss file name, CSVLogger, and a LambdaCallback that records the learning rate seen at
each epoch's end. min_delta thresholds make the plateau and early stop happen on a smooth run."""

import os
import tempfile

import numpy as np

from tests.programs._data import digits, normal
from tests.programs._tf import keras, tf

RTOL, ATOL = 2e-3, 2e-4


def main():
    tf.reset_default_graph()
    keras.backend.clear_session()
    images, labels, one_hot = digits(400)
    model = keras.models.Sequential()
    model.add(keras.layers.Dense(32, activation="relu", input_shape=(64,)))
    model.add(keras.layers.Dropout(0.0))
    model.add(keras.layers.Dense(10, activation="softmax"))
    model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.SGD(lr=0.3),
                  metrics=["accuracy"])
    model.set_weights([normal([64, 32], 31, 0.2), np.zeros(32, np.float32), normal([32, 10], 32, 0.3),
                       np.zeros(10, np.float32)])
    learning_rates = []
    record_lr = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: learning_rates.append(
            float(keras.backend.get_value(model.optimizer.lr))))
    with tempfile.TemporaryDirectory() as folder:
        callbacks = [
            keras.callbacks.EarlyStopping(monitor="val_loss", min_delta=0.02, patience=2,
                                          restore_best_weights=True),
            keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.1, min_delta=0.05, patience=1,
                                              min_lr=1e-3),
            keras.callbacks.ModelCheckpoint(os.path.join(folder, "weights.{epoch:02d}-{val_loss:.2f}.h5"),
                                            monitor="val_loss", save_best_only=True, save_weights_only=True),
            keras.callbacks.CSVLogger(os.path.join(folder, "log.csv")),
            record_lr,
        ]
        history = model.fit(images[:320], one_hot[:320], batch_size=32, epochs=12, shuffle=False, verbose=0,
                            validation_data=(images[320:], one_hot[320:]), callbacks=callbacks)
        saved = sorted(name for name in os.listdir(folder) if name.endswith(".h5"))
        with open(os.path.join(folder, "log.csv")) as handle:
            csv_header = handle.readline().strip().split(",")
    stopped = callbacks[0].stopped_epoch
    val_loss = model.evaluate(images[320:], one_hot[320:], verbose=0)[0]
    return {"history": {k: np.array(v) for k, v in history.history.items() if k != "lr"},
            "epochs_run": len(history.epoch), "stopped_epoch": stopped,
            "learning_rates": np.array(learning_rates),
            "checkpoints": [name.split("-")[0] for name in saved], "csv_header": sorted(csv_header),
            "restored_val_loss": val_loss, "best_val_loss": min(history.history["val_loss"])}


if __name__ == "__main__":
    print(main())
