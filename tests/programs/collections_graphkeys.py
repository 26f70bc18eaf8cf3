"""Collections: tf.add_to_collection / get_collection with scope filters, the standard
GraphKeys (trainable, global, local, losses, regularization), and get_collection_ref."""

from tests.programs._tf import tf

RTOL, ATOL = 1e-6, 0.0


def main():
    tf.reset_default_graph()
    with tf.variable_scope("model"):
        w = tf.get_variable("w", [2, 2], initializer=tf.ones_initializer(),
                            regularizer=lambda t: tf.reduce_sum(tf.abs(t)))
        frozen = tf.Variable(3.0, trainable=False, name="frozen")
    other = tf.Variable([1.0, 2.0], name="other")
    local = tf.Variable(0, name="local", collections=[tf.GraphKeys.LOCAL_VARIABLES], trainable=False)
    loss = tf.reduce_sum(w) + tf.reduce_sum(other)
    tf.add_to_collection(tf.GraphKeys.LOSSES, loss)
    tf.add_to_collection("activations", tf.nn.relu(other, name="act"))
    tf.add_to_collections(["mine", "yours"], w)
    ref = tf.get_collection_ref("mine")
    ref.append(other)
    with tf.Session() as sess:
        sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
        regularization = sess.run(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES))
        local_value = sess.run(local)
    names = lambda key, scope=None: [t.name for t in tf.get_collection(key, scope)]
    return {"trainable": names(tf.GraphKeys.TRAINABLE_VARIABLES),
            "global": names(tf.GraphKeys.GLOBAL_VARIABLES),
            "model_scope": names(tf.GraphKeys.GLOBAL_VARIABLES, "model"),
            "local": names(tf.GraphKeys.LOCAL_VARIABLES), "losses": names(tf.GraphKeys.LOSSES),
            "activations": names("activations"), "mine": names("mine"), "yours": names("yours"),
            "regularization": regularization, "local_value": local_value,
            "regularization_names": names(tf.GraphKeys.REGULARIZATION_LOSSES),
            "frozen_trainable": frozen in tf.trainable_variables()}


if __name__ == "__main__":
    print(main())
