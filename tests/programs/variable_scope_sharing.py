"""Variable sharing with variable_scope/get_variable: reuse=True, scope.reuse_variables(),
AUTO_REUSE, nested scopes, name_scope not affecting get_variable names, and the errors TF1
raises for a duplicate or a missing variable."""

from tests.programs._tf import tf

RTOL, ATOL = 1e-6, 0.0


def conv_relu(x, size):
    weights = tf.get_variable("weights", [size, size], initializer=tf.constant_initializer(0.5))
    biases = tf.get_variable("biases", [size], initializer=tf.constant_initializer(0.1))
    return tf.nn.relu(tf.matmul(x, weights) + biases)


def main():
    tf.reset_default_graph()
    x = tf.ones([1, 3])
    with tf.variable_scope("layer1"):
        first = conv_relu(x, 3)
    with tf.variable_scope("layer1", reuse=True):
        again = conv_relu(x, 3)
    with tf.variable_scope("layer2") as scope:
        second = conv_relu(first, 3)
        scope.reuse_variables()
        shared = conv_relu(first, 3)
    for _ in range(2):
        with tf.variable_scope("auto", reuse=tf.AUTO_REUSE):
            counter = tf.get_variable("counter", [], initializer=tf.zeros_initializer())
    with tf.variable_scope("outer"):
        with tf.name_scope("ignored"):
            inner = tf.get_variable("inner", [2], initializer=tf.ones_initializer())
            op_in_name_scope = tf.add(inner, 1.0)
        with tf.variable_scope("nested"):
            nested = tf.get_variable("v", [1])
    errors = {}
    try:
        with tf.variable_scope("layer1"):
            tf.get_variable("weights", [3, 3])
    except ValueError:
        errors["duplicate"] = "ValueError"
    try:
        with tf.variable_scope("missing", reuse=True):
            tf.get_variable("nothing", [1])
    except ValueError:
        errors["missing"] = "ValueError"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = sess.run([first, again, second, shared])
    return {"values": values, "variables": [v.name for v in tf.global_variables()], "counter": counter.name,
            "inner": inner.name, "op_in_name_scope": op_in_name_scope.name, "nested": nested.name,
            "errors": errors, "scope_name": tf.get_variable_scope().name}


if __name__ == "__main__":
    print(main())
