"""A step counter incremented with assign_add and read under control_dependencies (the value
after the increment), tf.group of updates, and assign / assign_sub chains."""

from tests.programs._tf import tf

RTOL, ATOL = 1e-6, 0.0


def main():
    tf.reset_default_graph()
    counter = tf.Variable(0, name="counter")
    total = tf.Variable(0.0, name="total")
    inc = tf.assign_add(counter, 1)
    with tf.control_dependencies([inc]):
        read_after = tf.identity(counter)
    update = tf.group(tf.assign_add(total, 2.5), tf.assign_sub(counter, 0))
    state = tf.Variable(10, name="state")
    new_value = tf.add(state, 1)
    update_state = tf.assign(state, new_value)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        reads = [sess.run(read_after) for _ in range(3)]
        for _ in range(2):
            sess.run(update)
        states = []
        for _ in range(3):
            sess.run(update_state)
            states.append(sess.run(state))
        final = sess.run([counter, total])
    return {"reads": reads, "states": states, "final": final, "group_type": update.type}


if __name__ == "__main__":
    print(main())
