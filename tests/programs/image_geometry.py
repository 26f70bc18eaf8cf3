"""tf.image geometry on a fixed NHWC batch: resize_images (bilinear and nearest neighbour,
align_corners), flips, crop/pad to bounding box, resize_image_with_crop_or_pad."""

import numpy as np

from tests.programs._tf import tf

RTOL, ATOL = 1e-5, 1e-5


def main():
    tf.reset_default_graph()
    images = np.arange(2 * 4 * 6 * 3, dtype=np.float32).reshape(2, 4, 6, 3) / 10.0
    x = tf.placeholder(tf.float32, [None, 4, 6, 3])
    ops = {
        "bilinear_up": tf.image.resize_images(x, [6, 9]),
        "bilinear_down": tf.image.resize_images(x, [2, 3]),
        "nearest": tf.image.resize_images(x, [8, 12], method=tf.image.ResizeMethod.NEAREST_NEIGHBOR),
        "aligned": tf.image.resize_bilinear(x, [7, 11], align_corners=True),
        "nearest_fn": tf.image.resize_nearest_neighbor(x, [3, 5]),
        "flip_lr": tf.image.flip_left_right(x),
        "flip_ud": tf.image.flip_up_down(x),
        "crop": tf.image.crop_to_bounding_box(x, 1, 2, 2, 3),
        "pad": tf.image.pad_to_bounding_box(x, 1, 0, 6, 7),
        "crop_or_pad": tf.image.resize_image_with_crop_or_pad(x, 3, 8),
    }
    single = tf.image.flip_left_right(tf.constant(images[0]))
    with tf.Session() as sess:
        values = sess.run(ops, {x: images})
        single_value = sess.run(single)
    return {"values": values, "single": single_value,
            "shapes": {k: v.get_shape().as_list() for k, v in ops.items()}}


if __name__ == "__main__":
    print(main())
