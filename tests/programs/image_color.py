"""tf.image color and value ops on uint8 pixels: convert_image_dtype, rgb_to_grayscale,
adjust_brightness, adjust_contrast, per_image_standardization (a constant image too), clipping."""

import numpy as np

from tests.programs._tf import tf

RTOL, ATOL = 1e-5, 1e-5


def main():
    tf.reset_default_graph()
    rng = np.random.RandomState(121)
    pixels = rng.randint(0, 256, size=(2, 5, 5, 3)).astype(np.uint8)
    raw = tf.placeholder(tf.uint8, [None, 5, 5, 3])
    images = tf.cast(raw, tf.float32) / 255.0
    ops = {
        "brightness": tf.image.adjust_brightness(images, 0.2),
        "contrast": tf.image.adjust_contrast(images, 1.8),
        "standardized": tf.image.per_image_standardization(images[0]),
        "converted": tf.image.convert_image_dtype(raw, tf.float32),
        "grayscale": tf.image.rgb_to_grayscale(images),
        "clipped": tf.clip_by_value(tf.image.adjust_brightness(images, 0.5), 0.0, 1.0),
        "constant_standardized": tf.image.per_image_standardization(tf.ones([3, 3, 1])),
    }
    with tf.Session() as sess:
        values = sess.run(ops, {raw: pixels})
    return {"values": values}


if __name__ == "__main__":
    print(main())
