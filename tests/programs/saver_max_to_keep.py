"""Periodic checkpoints with tf.train.Saver(max_to_keep=2): global_step suffixes, the
checkpoint state listing the kept paths, restoring an older one, and a Saver over a var_list
dict that renames variables on restore."""

import os
import tempfile

import numpy as np

from tests.programs._tf import tf

RTOL, ATOL = 1e-6, 0.0


def main():
    tf.reset_default_graph()
    with tempfile.TemporaryDirectory() as folder:
        prefix = os.path.join(folder, "model")
        step = tf.Variable(0, name="step", trainable=False)
        weight = tf.Variable(np.zeros(3, np.float32), name="weight")
        increment = tf.group(tf.assign_add(step, 1), tf.assign_add(weight, [1.0, 2.0, 3.0]))
        saver = tf.train.Saver(max_to_keep=2)
        paths = []
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(4):
                sess.run(increment)
                paths.append(os.path.basename(saver.save(sess, prefix, global_step=step)))
            state = tf.train.get_checkpoint_state(folder)
            kept = [os.path.basename(p) for p in state.all_model_checkpoint_paths]
            latest = os.path.basename(state.model_checkpoint_path)
            saver.restore(sess, os.path.join(folder, kept[0]))
            older = sess.run([step, weight])
        other = tf.Variable(np.zeros(3, np.float32), name="other")
        renamed = tf.train.Saver({"weight": other})
        with tf.Session() as sess:
            renamed.restore(sess, tf.train.latest_checkpoint(folder))
            restored_other = sess.run(other)
    return {"paths": paths, "kept": kept, "latest": latest, "older": older, "restored_other": restored_other}


if __name__ == "__main__":
    print(main())
