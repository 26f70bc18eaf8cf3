"""Names TF1 gives: unique suffixes (Variable_1, add_1), nested name_scopes, ops listed from
the graph in creation order, get_tensor_by_name, a name reused after a scope closes."""

from tests.programs._tf import tf

RTOL, ATOL = 0.0, 0.0


def main():
    tf.reset_default_graph()
    a = tf.Variable(1.0)
    b = tf.Variable(2.0)
    c = a + b
    d = a + b
    with tf.name_scope("block"):
        e = tf.multiply(c, d)
        with tf.name_scope("inner"):
            f = tf.identity(e, name="out")
    with tf.name_scope("block"):
        g = tf.constant(3.0, name="three")
    named = tf.add(f, g, name="result")
    graph = tf.get_default_graph()
    ops = [op.name for op in graph.get_operations() if op.type not in ("Assign", "Identity", "Const")
           or op.name.startswith("block")]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        value = sess.run(graph.get_tensor_by_name("result:0"))
    return {"names": [t.name for t in (a, b, c, d, e, f, g, named)], "ops": ops, "value": value}


if __name__ == "__main__":
    print(main())
