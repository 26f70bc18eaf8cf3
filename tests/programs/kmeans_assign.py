"""K-means written with graph ops: pairwise distances by broadcasting, argmin assignments,
unsorted_segment_sum for the new centroids, tf.assign to update them, a fixed number of steps."""

import numpy as np

from tests.programs._tf import tf

RTOL, ATOL = 1e-5, 1e-6


def main():
    tf.reset_default_graph()
    rng = np.random.RandomState(181)
    centers = np.array([[0.0, 0.0], [3.0, 3.0], [0.0, 4.0]], np.float32)
    points = np.concatenate([c + 0.5 * rng.randn(30, 2) for c in centers]).astype(np.float32)
    k = 3
    vectors = tf.constant(points)
    centroids = tf.Variable(tf.constant(points[[0, 30, 60]] + 0.3))
    expanded_vectors = tf.expand_dims(vectors, 0)
    expanded_centroids = tf.expand_dims(centroids, 1)
    distances = tf.reduce_sum(tf.square(tf.subtract(expanded_vectors, expanded_centroids)), 2)
    assignments = tf.argmin(distances, 0)
    sums = tf.unsorted_segment_sum(vectors, assignments, k)
    counts = tf.unsorted_segment_sum(tf.ones_like(vectors), assignments, k)
    update_centroids = tf.assign(centroids, sums / counts)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(5):
            sess.run(update_centroids)
        centroid_values, assignment_values = sess.run([centroids, assignments])
    return {"centroids": centroid_values, "assignments": assignment_values}


if __name__ == "__main__":
    print(main())
