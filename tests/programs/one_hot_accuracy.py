"""tf.one_hot (depth, on/off values, axis, int labels fed as lists) and the argmax-accuracy idiom
with tf.equal + tf.cast, and the count of correct predictions."""

from tests.programs._tf import tf

RTOL, ATOL = 1e-6, 0.0


def main():
    tf.reset_default_graph()
    labels = tf.placeholder(tf.int32, [None])
    logits = tf.placeholder(tf.float32, [None, 4])
    one_hot = tf.one_hot(labels, 4)
    custom = tf.one_hot(labels, 4, on_value=5.0, off_value=-1.0)
    columns = tf.one_hot(labels, 4, axis=0)
    as_int = tf.one_hot(labels, 3, dtype=tf.int32)
    prediction = tf.argmax(logits, 1)
    correct = tf.equal(prediction, tf.argmax(one_hot, 1))
    accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
    count = tf.reduce_sum(tf.cast(correct, tf.int32))
    feed = {labels: [0, 3, 1, 2, 3], logits: [[0.1, 0.2, 0.3, 0.4], [1, 0, 0, 2], [0, 5, 1, 1],
                                              [3, 3, 0, 0], [0, 0, 0, 1]]}
    with tf.Session() as sess:
        values = sess.run({"one_hot": one_hot, "custom": custom, "columns": columns, "as_int": as_int,
                           "prediction": prediction, "correct": correct, "accuracy": accuracy,
                           "count": count}, feed_dict=feed)
        out_of_range = sess.run(one_hot, {labels: [-1, 4]})
    values["out_of_range"] = out_of_range
    return values


if __name__ == "__main__":
    print(main())
