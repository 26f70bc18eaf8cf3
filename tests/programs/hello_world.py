"""Hello world: a string constant fetched from a session (bytes back, as TF1 returns)."""

from tests.programs._tf import tf

RTOL, ATOL = 0.0, 0.0


def main():
    tf.reset_default_graph()
    hello = tf.constant("Hello, TensorFlow!")
    words = tf.constant(["graph", "session"], name="words")
    sess = tf.Session()
    greeting = sess.run(hello)
    fetched = sess.run(words)
    sess.close()
    return {"greeting": greeting, "words": fetched, "dtype": hello.dtype.name,
            "shape": words.get_shape().as_list()}


if __name__ == "__main__":
    print(main())
