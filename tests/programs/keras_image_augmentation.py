"""Real-time image augmentation in the idiom of keras' cifar10_cnn example: an
`ImageDataGenerator` (shifts, rotation, zoom, horizontal flips, feature-wise centring and std
normalization) is `fit` on 8x8 digit images, its seeded `flow(x, y, batch_size, seed=...)`
feeds `fit_generator`, and the model is evaluated on test images standardized the same way
(`datagen.standardize`) and through `evaluate_generator` / `predict_generator`.

Keras 2 draws the augmentations from numpy's global generator, reseeded per batch when `flow`
has a seed, so the augmented batches (and so the whole training) are the same in every
implementation; `fit_generator` runs without batch shuffling, so the batches are drawn in order
(and the iterator reshuffles its samples at each epoch's end)."""

import numpy as np

from tests.programs._data import digits, normal
from tests.programs._tf import keras, tf

RTOL, ATOL = 2e-4, 2e-5


def main():
    tf.reset_default_graph()
    keras.backend.clear_session()
    images, labels, _ = digits(240, flat=False)
    images = images.astype(np.float32) * 16.0  # pixel values 0..16, rescaled below
    x_train, y_train = images[:200], keras.utils.to_categorical(labels[:200], 10)
    x_test, y_test = images[200:], keras.utils.to_categorical(labels[200:], 10)

    datagen = keras.preprocessing.image.ImageDataGenerator(
        featurewise_center=True, featurewise_std_normalization=True, rotation_range=10,
        width_shift_range=0.125, height_shift_range=1, zoom_range=0.1, horizontal_flip=True,
        fill_mode="nearest", rescale=1 / 16.0)
    datagen.fit(x_train)
    first_batch = datagen.flow(x_train, y_train, batch_size=5, seed=3).next()

    model = keras.Sequential([
        keras.layers.Conv2D(4, (3, 3), padding="same", activation="relu", input_shape=(8, 8, 1)),
        keras.layers.MaxPooling2D((2, 2)),
        keras.layers.Flatten(),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.RMSprop(0.005), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    model.set_weights([normal([3, 3, 1, 4], 1, 0.4), np.zeros(4, np.float32), normal([64, 10], 2, 0.2),
                       np.zeros(10, np.float32)])
    history = model.fit_generator(datagen.flow(x_train, y_train, batch_size=25, seed=7),
                                  steps_per_epoch=8, epochs=3, shuffle=False, verbose=0)
    standardized = np.stack([datagen.standardize(image.copy()) for image in x_test])
    evaluated = model.evaluate(standardized, y_test, verbose=0)
    plain = keras.preprocessing.image.ImageDataGenerator(
        featurewise_center=True, featurewise_std_normalization=True, rescale=1 / 16.0)
    plain.fit(x_train)
    test_flow = plain.flow(x_test, y_test, batch_size=10, shuffle=False)
    by_generator = model.evaluate_generator(test_flow, steps=4, workers=0)
    predicted = model.predict_generator(plain.flow(x_test, batch_size=10, shuffle=False), steps=4, workers=0)
    return {"mean": datagen.mean, "std": datagen.std, "first_batch_x": first_batch[0],
            "first_batch_y": first_batch[1], "history": {k: np.array(v) for k, v in history.history.items()},
            "evaluate": np.array(evaluated, np.float32),
            "evaluate_generator": np.array(by_generator, np.float32),
            "predict_generator": predicted, "batches_per_epoch": len(test_flow)}


if __name__ == "__main__":
    print(main())
