"""Ways of running a graph: InteractiveSession with Tensor.eval / Operation.run, eval with an
explicit session, sess.run on nested structures, tf.get_default_session, and a graph passed
to Session(graph=...)."""

from tests.programs._tf import tf

RTOL, ATOL = 1e-6, 0.0


def main():
    tf.reset_default_graph()
    sess = tf.InteractiveSession()
    a = tf.Variable([1.0, 2.0])
    b = tf.constant([3.0, 4.0])
    a.initializer.run()
    sub = tf.subtract(a, b)
    evaluated = sub.eval()
    doubled = (a * 2).eval()
    default_is_interactive = tf.get_default_session() is sess
    sess.close()

    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [])
        y = x * 3.0
        z = tf.constant(1)
    with tf.Session(graph=graph) as other:
        nested = other.run({"pair": (y, z), "list": [y, [z]]}, {x: 2.0})
        explicit = y.eval(session=other, feed_dict={x: 4.0})
        with other.as_default():
            inside = y.eval({x: 5.0})
    return {"evaluated": evaluated, "doubled": doubled, "default_is_interactive": default_is_interactive,
            "nested": nested, "explicit": explicit, "inside": inside, "graph_of_y": y.graph is graph}


if __name__ == "__main__":
    print(main())
