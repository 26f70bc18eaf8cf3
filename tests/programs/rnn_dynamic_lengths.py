"""A variable-length sequence regression with tf.nn.dynamic_rnn and sequence_length: a GRU reads
sequences padded to 6 steps and predicts the sum of the valid steps from its final state,
trained by RMSProp; padded outputs must stay zero and the final state is the last valid one."""

import numpy as np

from tests.programs._data import load_deterministic
from tests.programs._tf import tf

RTOL, ATOL = 2e-4, 2e-5


def main():
    tf.reset_default_graph()
    rng = np.random.RandomState(5)
    lengths = rng.randint(1, 7, size=16).astype(np.int32)
    values = rng.uniform(-1, 1, size=(16, 6, 2)).astype(np.float32)
    values[np.arange(6)[None, :] >= lengths[:, None]] = 0.0
    targets = values[..., 0].sum(1, keepdims=True) - values[..., 1].sum(1, keepdims=True)
    x = tf.placeholder(tf.float32, [None, None, 2], name="x")
    seq_len = tf.placeholder(tf.int32, [None], name="seq_len")
    target = tf.placeholder(tf.float32, [None, 1], name="target")
    cell = tf.nn.rnn_cell.GRUCell(8)
    outputs, state = tf.nn.dynamic_rnn(cell, x, sequence_length=seq_len, dtype=tf.float32)
    prediction = tf.layers.dense(state, 1, name="head")
    loss = tf.losses.mean_squared_error(target, prediction)
    train = tf.train.RMSPropOptimizer(0.01).minimize(loss)
    feed = {x: values, seq_len: lengths, target: targets}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        load_deterministic(sess, tf.trainable_variables(), seed=3)
        losses = [sess.run([train, loss], feed)[1] for _ in range(10)]
        out, final = sess.run([outputs, state], feed)
    padded_zero = bool(np.all(out[np.arange(6)[None, :] >= lengths[:, None]] == 0.0))
    last_valid = out[np.arange(16), np.maximum(lengths - 1, 0)]
    return {"losses": np.array(losses), "final_state": final, "padded_outputs_zero": padded_zero,
            "state_is_last_valid_output": bool(np.allclose(final, last_valid, atol=1e-6)),
            "variables": [v.name for v in tf.trainable_variables()]}


if __name__ == "__main__":
    print(main())
