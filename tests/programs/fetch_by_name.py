"""Everything by name: placeholders fed as "x:0", the loss fetched as "loss:0", the training op
run as "train", tensors found with get_tensor_by_name and ops with get_operation_by_name."""

import numpy as np

from tests.programs._tf import tf

RTOL, ATOL = 1e-5, 1e-6


def main():
    tf.reset_default_graph()
    rng = np.random.RandomState(61)
    data_x = rng.rand(32, 3).astype(np.float32)
    data_y = data_x @ np.array([[1.0], [-2.0], [0.5]], np.float32) + 0.3
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.placeholder(tf.float32, [None, 1], name="y")
    with tf.variable_scope("linear"):
        w = tf.get_variable("w", initializer=tf.constant(np.full([3, 1], 0.1, np.float32)))
        b = tf.get_variable("b", [1], initializer=tf.zeros_initializer())
    prediction = tf.add(tf.matmul(x, w), b, name="prediction")
    loss = tf.reduce_mean(tf.square(prediction - y), name="loss")
    tf.train.GradientDescentOptimizer(0.1).minimize(loss, name="train")

    graph = tf.get_default_graph()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        losses = []
        for _ in range(10):
            _, value = sess.run(["train", "loss:0"], feed_dict={"x:0": data_x, "y:0": data_y})
            losses.append(value)
        fetched = sess.run({"w": "linear/w:0", "b": graph.get_tensor_by_name("linear/b:0")})
        pred = sess.run(graph.get_tensor_by_name("prediction:0"), {"x:0": [[1.0, 1.0, 1.0]]})
    train_op = graph.get_operation_by_name("train")
    return {"losses": np.array(losses), "fetched": fetched, "pred": pred, "train_type": train_op.type,
            "loss_op_type": loss.op.type, "w_name": w.name, "prediction_name": prediction.name}


if __name__ == "__main__":
    print(main())
