"""The same TF1 programs run on TensorFlow (tf.compat.v1) and on graphflow give the same names,
fetch structures, error classes and numbers. Skipped where TensorFlow is not installed (it is
never a dependency of graphflow): `pip install tensorflow-cpu` in a scratch environment."""

from __future__ import annotations

import collections

import numpy as np
import pytest

import graphflow as gf

tf1 = pytest.importorskip("tensorflow").compat.v1
tf1.disable_v2_behavior()

IMPLS = {"tensorflow": tf1, "graphflow": gf}


def on_both(program):
    """Runs `program(tf)` in a fresh graph of each implementation; returns both results."""
    results = {}
    for name, tf in IMPLS.items():
        graph = tf.Graph()
        with graph.as_default():
            results[name] = program(tf)
    return results["tensorflow"], results["graphflow"]


def assert_same_values(expected, got, rtol=1e-6, atol=1e-6):
    assert type(got) is type(expected) or isinstance(got, np.ndarray | np.generic)
    if isinstance(expected, dict):
        assert expected.keys() == got.keys()
        for k in expected:
            assert_same_values(expected[k], got[k], rtol, atol)
    elif isinstance(expected, (list, tuple)):
        assert len(expected) == len(got)
        for e, g in zip(expected, got):
            assert_same_values(e, g, rtol, atol)
    elif expected is None:
        assert got is None
    else:
        e, g = np.asarray(expected), np.asarray(got)
        assert e.shape == g.shape and e.dtype == g.dtype, (e.shape, e.dtype, g.shape, g.dtype)
        if e.dtype.kind == "f":
            np.testing.assert_allclose(g, e, rtol=rtol, atol=atol)
        else:
            np.testing.assert_array_equal(g, e)


def test_op_names_match():
    def program(tf):
        x = tf.placeholder(tf.float32, [None, 3], name="x")
        with tf.name_scope("layer"):
            w = tf.Variable(tf.ones([3, 2]), name="w")
            y = tf.matmul(x, w) * 2.0 + 1.0
        _ = [-y, y / 2.0, y ** 2, tf.abs(y), y[:, 0], tf.transpose(y), tf.exp(y), y - 1.0,
             tf.reshape(y, [-1]), tf.stack([y, y]), tf.constant(3.0), tf.constant(4.0, name="c"),
             tf.add(y, y), tf.multiply(y, y, name="product")]
        return [op.name for op in tf.get_default_graph().get_operations()]

    expected, got = on_both(program)
    assert got == expected


def test_fetch_structures_and_values():
    Pair = collections.namedtuple("Pair", "a b")

    def program(tf):
        a = tf.constant([[1.0, 2.0], [3.0, 4.0]])
        b = tf.constant(3, tf.int64)
        with tf.Session() as sess:
            return sess.run({"a": a, "list": [a, (b, tf.no_op())], "pair": Pair(a, b),
                             "scalar": tf.reduce_sum(a)})

    expected, got = on_both(program)
    assert isinstance(got["pair"], Pair) and isinstance(got["list"][1], tuple)
    assert_same_values(expected, got)


def test_op_values():
    rng = np.random.default_rng(0)
    xs = rng.normal(size=(4, 5)).astype(np.float32)
    idx = np.array([3, 0, 3], np.int32)

    def program(tf):
        x = tf.placeholder(tf.float32, [None, 5])
        outs = [x[1:3, ::2], x[..., -1], x[:, tf.newaxis, 2], tf.concat([x, x], 0),
                tf.stack([x, x], axis=2), tf.unstack(x, axis=1)[3], tf.split(x, [2, 3], 1)[1],
                tf.gather(x, idx), tf.gather(x, idx, axis=1), tf.one_hot(idx, 4),
                tf.pad(x, [[1, 0], [2, 2]]), tf.pad(x, [[1, 1], [1, 2]], mode="REFLECT"),
                tf.tile(x, [2, 1]), tf.transpose(x), tf.expand_dims(x, 1),
                tf.squeeze(tf.expand_dims(x, 0)), tf.range(1, 10, 3), tf.reverse(x, [1]),
                tf.clip_by_value(x, -0.5, 0.5), tf.reduce_max(x, axis=1, keepdims=True),
                tf.reduce_mean(x), tf.reduce_prod(x, 0), tf.argmax(x, 1), tf.argmin(x, 0),
                tf.where(x > 0), tf.where(x > 0, x, -x), tf.boolean_mask(x, x[:, 0] > 0),
                tf.sequence_mask([1, 3], 4), tf.sigmoid(x), tf.tanh(x), tf.rsqrt(tf.abs(x)),
                tf.log1p(tf.abs(x)), tf.round(x * 3.0), tf.floor(x), tf.sign(x),
                tf.maximum(x, 0.1), tf.cast(x * 10.0, tf.int32), x // 0.3, x % 0.3,
                tf.matmul(x, x, transpose_b=True), tf.reduce_any(x > 1.0, axis=0),
                tf.shape(x), tf.size(x), tf.rank(x), tf.zeros_like(x), tf.fill([2, 2], 7)]
        with tf.Session() as sess:
            return sess.run(outs, {x: xs})

    expected, got = on_both(program)
    for k, (e, g) in enumerate(zip(expected, got)):
        try:
            assert_same_values(e, g, rtol=1e-5, atol=1e-6)
        except AssertionError as err:
            raise AssertionError(f"output {k}: {err}") from None


def test_gradient_values():
    rng = np.random.default_rng(1)
    xs = rng.normal(size=(3, 4))
    ws = rng.normal(size=(4, 2))

    def program(tf):
        x = tf.placeholder(tf.float64, [3, 4])
        w = tf.constant(ws)
        h = tf.tanh(tf.matmul(x, w))
        loss = (tf.reduce_mean(tf.square(h)) + tf.reduce_sum(tf.gather(x, [0, 0, 2]) ** 2)
                + tf.reduce_max(tf.concat([x, -x], 1)) + tf.reduce_sum(x[1:, ::2] * 3.0)
                + tf.reduce_sum(tf.pad(x, [[1, 1], [0, 1]], mode="SYMMETRIC") * 0.5)
                + tf.reduce_sum(tf.sigmoid(tf.transpose(x)) * tf.tile(x[:1], [4, 1])[:, :3]))
        (g,) = tf.gradients(loss, [x])
        (gg,) = tf.gradients(tf.reduce_sum(g * g), [x])
        with tf.Session() as sess:
            return sess.run([loss, g, gg], {x: xs})

    expected, got = on_both(program)
    assert_same_values(expected, got, rtol=1e-9, atol=1e-9)


def test_error_classes():
    def program(tf):
        kinds = []
        x = tf.placeholder(tf.float32, [None, 2], name="x")
        v = tf.Variable(1.0, name="v")
        tf.constant(1.0, name="c")
        with tf.Session() as sess:
            for attempt in (lambda: sess.run(v * 2.0),
                            lambda: sess.run(x * 2.0),
                            lambda: sess.run(x * 2.0, {x: np.zeros(3)}),
                            lambda: sess.run(None),
                            lambda: sess.run(1.5),
                            lambda: sess.run("nope:0"),
                            lambda: sess.run("c:0", {"c:0": tf.constant(1.0)}),
                            lambda: tf.matmul(tf.ones([2, 3]), tf.ones([4, 5])),
                            lambda: tf.add(tf.constant(1.0), tf.constant(1))):
                try:
                    attempt()
                    kinds.append(None)
                except Exception as e:  # noqa: BLE001 - the class is what is compared
                    kinds.append(type(e).__name__)
            sess.run(v.initializer)
            kinds.append(float(sess.run(v * 2.0)))
        return kinds

    expected, got = on_both(program)
    assert got == expected


def test_gradient_descent_trajectory():
    rng = np.random.default_rng(2)
    xs, ys = rng.normal(size=(16, 3)).astype(np.float32), rng.normal(size=(16, 1)).astype(np.float32)

    def program(tf):
        tf.set_random_seed(0)
        x = tf.placeholder(tf.float32, [None, 3], name="x")
        y = tf.placeholder(tf.float32, [None, 1], name="y")
        w = tf.Variable(np.ones((3, 1), np.float32))
        b = tf.Variable(0.5)
        loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b - y))
        step = tf.train.GradientDescentOptimizer(0.1).minimize(
            loss, global_step=tf.train.get_or_create_global_step(), name="train")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            losses = [sess.run([loss, step], {x: xs, y: ys})[0] for _ in range(20)]
            return losses, sess.run([w, b, tf.train.get_global_step()])

    expected, got = on_both(program)
    assert_same_values(expected, got, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("make", [
    lambda tf: tf.train.MomentumOptimizer(0.05, 0.9),
    lambda tf: tf.train.MomentumOptimizer(0.05, 0.9, use_nesterov=True),
    lambda tf: tf.train.AdagradOptimizer(0.3),
    lambda tf: tf.train.AdadeltaOptimizer(1.0),
    lambda tf: tf.train.RMSPropOptimizer(0.01, momentum=0.5),
    lambda tf: tf.train.RMSPropOptimizer(0.01, centered=True, epsilon=1e-6),
    lambda tf: tf.train.AdamOptimizer(0.05),
], ids=["momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "rmsprop_centered", "adam"])
def test_optimizer_trajectories(make):
    rng = np.random.default_rng(4)
    xs, ys = rng.normal(size=(16, 3)).astype(np.float32), rng.normal(size=(16, 1)).astype(np.float32)

    def program(tf):
        w = tf.Variable(np.full((3, 1), 0.5, np.float32), name="w")
        loss = tf.reduce_mean(tf.square(tf.matmul(tf.constant(xs), w) - ys))
        opt = make(tf)
        step = opt.minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            trajectory = []
            for _ in range(10):
                sess.run(step)
                trajectory.append(sess.run(w))
            slots = sorted(opt.get_slot_names())
            return trajectory, slots, sorted(v.op.name for v in tf.global_variables())

    expected, got = on_both(program)
    assert got[1:] == expected[1:]
    assert_same_values(expected[0], got[0], rtol=2e-5, atol=1e-6)


def test_schedules_and_clipping():
    def program(tf):
        step = tf.placeholder(tf.int64, [])
        rates = [tf.train.exponential_decay(0.1, step, 10, 0.5, staircase=True),
                 tf.train.natural_exp_decay(0.1, step, 10, 0.3),
                 tf.train.inverse_time_decay(0.1, step, 10, 2.0),
                 tf.train.polynomial_decay(0.1, step, 20, 0.01, power=2.0),
                 tf.train.polynomial_decay(0.1, step, 10, cycle=True),
                 tf.train.cosine_decay(0.1, step, 20, alpha=0.1),
                 tf.train.cosine_decay_restarts(0.1, step, 5, t_mul=2.0, m_mul=0.5, alpha=0.1),
                 tf.train.cosine_decay_restarts(0.1, step, 7, t_mul=1.0),
                 tf.train.piecewise_constant(step, [np.int64(7), np.int64(15)], [1.0, 0.5, 0.1])]
        t = tf.constant([[3.0, 4.0], [1.0, 0.0]])
        clipped, norm = tf.clip_by_global_norm([t, t * 2.0], 3.0)
        extra = [tf.clip_by_norm(t, 2.0), tf.clip_by_norm(t, 2.0, axes=[1]), norm, *clipped]
        with tf.Session() as sess:
            return [sess.run(rates, {step: s}) for s in (0, 3, 10, 17, 40)] + [sess.run(extra)]

    expected, got = on_both(program)
    assert_same_values(expected, got, rtol=1e-6, atol=1e-7)


def test_cross_entropies_softmax_and_l2_loss():
    rng = np.random.default_rng(5)
    logits = np.concatenate([rng.normal(size=(3, 4)) * 3,
                             [[1e4, -1e4, 0.0, 5.0]]]).astype(np.float32)
    probs = rng.random((4, 4)).astype(np.float32)
    probs /= probs.sum(axis=1, keepdims=True)
    binary = (rng.random((4, 4)) > 0.5).astype(np.float32)
    sparse = np.array([0, 3, 2, 1])

    def program(tf):
        x = tf.constant(logits)
        outs = [tf.nn.softmax(x), tf.nn.log_softmax(x), tf.nn.softmax(x, axis=0),
                tf.nn.softmax_cross_entropy_with_logits_v2(labels=probs, logits=x),
                tf.nn.sparse_softmax_cross_entropy_with_logits(labels=sparse, logits=x),
                tf.nn.sigmoid_cross_entropy_with_logits(labels=binary, logits=x),
                tf.nn.weighted_cross_entropy_with_logits(binary, x, 2.5),
                tf.nn.l2_loss(x[:3])]
        loss = tf.add_n([tf.reduce_sum(o * 0.1) for o in outs[3:] if o.shape.ndims])
        outs.append(tf.gradients(loss, x)[0])
        with tf.Session() as sess:
            return sess.run(outs)

    expected, got = on_both(program)
    assert_same_values(expected, got, rtol=1e-5, atol=1e-5)


def test_losses_reductions_and_regularizers():
    rng = np.random.default_rng(6)
    labels = rng.random((4, 3)).astype(np.float32)
    preds = rng.random((4, 3)).astype(np.float32)
    logits = (rng.normal(size=(4, 3)) * 3).astype(np.float32)
    binary = (rng.random((4, 3)) > 0.5).astype(np.float32)
    onehot = np.eye(3, dtype=np.float32)[[0, 2, 1, 1]]
    weights = np.array([[1.0], [0.0], [2.0], [0.5]], np.float32)

    def program(tf):
        values = []
        for r in [tf.losses.Reduction.NONE, tf.losses.Reduction.SUM, tf.losses.Reduction.MEAN,
                  tf.losses.Reduction.SUM_OVER_BATCH_SIZE,
                  tf.losses.Reduction.SUM_BY_NONZERO_WEIGHTS]:
            k = {"reduction": r, "loss_collection": "by_reduction"}  # outside LOSSES
            values += [
                tf.losses.absolute_difference(labels, preds, weights, **k),
                tf.losses.mean_squared_error(labels, preds, weights, **k),
                tf.losses.huber_loss(labels, preds * 4, weights, delta=0.7, **k),
                tf.losses.log_loss(binary, preds, weights, **k),
                tf.losses.hinge_loss(binary, logits, weights, **k),
                tf.losses.sigmoid_cross_entropy(binary, logits, weights, 0.2, **k),
                tf.losses.softmax_cross_entropy(onehot, logits, weights[:, 0], 0.3, **k),
                tf.losses.sparse_softmax_cross_entropy([0, 2, 1, 1], logits, weights, **k),
                tf.losses.cosine_distance(labels, preds, axis=1, weights=weights, **k),
                tf.losses.absolute_difference(labels, preds, reduction=r, loss_collection=None)]
        # TensorFlow 2 dropped tf.contrib: there the regularizers are contrib's formulas.
        l2, l1_l2 = (tf.contrib.layers.l2_regularizer(0.1),
                     tf.contrib.layers.l1_l2_regularizer(0.2, 0.3)) if tf is gf else (
            lambda w: 0.1 * tf.nn.l2_loss(w),
            lambda w: 0.2 * tf.reduce_sum(tf.abs(w)) + 0.3 * tf.nn.l2_loss(w))
        with tf.variable_scope("dense", regularizer=l2):
            w = tf.get_variable("w", initializer=tf.constant(logits))
            tf.get_variable("b", initializer=tf.constant(preds), regularizer=l1_l2)
        tf.losses.mean_squared_error(labels, w)
        total = tf.losses.get_total_loss()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            return sess.run(values + [total, tf.losses.get_regularization_loss()]), \
                len(tf.losses.get_regularization_losses()), len(tf.losses.get_losses()), \
                len(tf.get_collection("by_reduction"))

    expected, got = on_both(program)
    assert got[1:] == expected[1:]
    assert_same_values(expected[0], got[0], rtol=1e-5, atol=1e-6)


def test_saver_visible_behaviour(tmp_path):
    import os

    def program(tf):
        impl = "tf" if tf is tf1 else "gf"
        directory = str(tmp_path / impl)
        os.mkdir(directory)
        w = tf.Variable(np.arange(6, dtype=np.float32).reshape(2, 3), name="w")
        step = tf.train.get_or_create_global_step()
        bump = tf.group(tf.assign_add(w, tf.ones_like(w)), tf.assign_add(step, 1))
        saver = tf.train.Saver(max_to_keep=2)
        rel = lambda p: os.path.relpath(p, directory)  # noqa: E731
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            saved = []
            for _ in range(3):
                sess.run(bump)
                saved.append(rel(saver.save(sess, os.path.join(directory, "m"), global_step=step)))
            state = tf.train.get_checkpoint_state(directory)
            latest = tf.train.latest_checkpoint(directory)
            exists = [tf.train.checkpoint_exists(os.path.join(directory, f"m-{i}"))
                      for i in (1, 2, 3)]
            listed = tf.train.list_variables(directory)
            sess.run(bump)
            saver.restore(sess, latest)
            restored = sess.run([w, step])
        errors = []
        with tf.Graph().as_default():
            other = tf.Variable(np.zeros((3, 3), np.float32), name="w")
            missing = tf.Variable(0.0, name="missing")
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                for var_list, path in [([missing], latest), ([other], latest),
                                       ([other], os.path.join(directory, "nope")),
                                       ([other], None)]:
                    try:
                        tf.train.Saver(var_list).restore(sess, path)
                        errors.append(None)
                    except Exception as e:  # noqa: BLE001 - the class is what is compared
                        errors.append(type(e).__name__)
        return (saved, rel(state.model_checkpoint_path),
                [rel(p) for p in state.all_model_checkpoint_paths], rel(latest), exists,
                [(n, list(s)) for n, s in listed], restored, errors)

    expected, got = on_both(program)
    assert_same_values(list(expected[:6]), list(got[:6]))
    assert_same_values(expected[6], got[6])
    assert got[7] == expected[7] == ["NotFoundError", "InvalidArgumentError", "ValueError",
                                     "ValueError"]


CONV_CASES = [  # input, filter, strides, padding, dilations: odd sizes, batch 1, channels 1
    ((2, 7, 6, 3), (3, 3, 3, 4), [1, 1, 1, 1], "SAME", [1, 1, 1, 1]),
    ((1, 9, 8, 1), (3, 2, 1, 2), [1, 2, 3, 1], "VALID", [1, 1, 1, 1]),
    ((2, 8, 7, 2), (3, 3, 2, 3), [1, 2, 2, 1], "SAME", [1, 1, 1, 1]),
    ((1, 9, 9, 2), (3, 3, 2, 2), [1, 1, 1, 1], "SAME", [1, 2, 2, 1]),
    ((3, 5, 6, 2), (2, 3, 2, 1), [1, 3, 2, 1], [[0, 0], [1, 2], [0, 1], [0, 0]], [1, 1, 1, 1]),
]


@pytest.mark.parametrize("case", range(len(CONV_CASES)))
def test_convolutions_and_their_gradients(case):
    xs, fs, strides, padding, dilations = CONV_CASES[case]
    rng = np.random.default_rng(case)
    x0 = rng.normal(size=xs).astype(np.float32)
    f0 = rng.normal(size=fs).astype(np.float32)
    d0 = rng.normal(size=fs[:3] + (2,)).astype(np.float32)

    def program(tf):
        x, f, d = tf.constant(x0), tf.constant(f0), tf.constant(d0)
        conv = tf.nn.conv2d(x, f, strides, padding, dilations=dilations)
        outs = [conv, *tf.gradients(tf.reduce_sum(tf.sin(conv)), [x, f])]
        if isinstance(padding, str) and dilations == [1, 1, 1, 1]:
            depth = tf.nn.depthwise_conv2d(x, d, strides, padding)
            outs += [depth, *tf.gradients(tf.reduce_sum(tf.sin(depth)), [x, d])]
            pool = tf.nn.max_pool(x, [1, 3, 2, 1], strides, padding)
            avg = tf.nn.avg_pool(x, [1, 2, 3, 1], strides, padding)
            outs += [pool, avg, *tf.gradients(tf.reduce_sum(tf.sin(pool)) + tf.reduce_sum(tf.cos(avg)), [x])]
        with tf.Session() as sess:
            return sess.run(outs)

    expected, got = on_both(program)
    assert_same_values(expected, got, rtol=2e-4, atol=2e-4)


def test_transpose_separable_nchw_activations_and_normalization():
    rng = np.random.default_rng(9)
    x0 = rng.normal(size=(2, 6, 5, 3)).astype(np.float32)
    up_f, depth_f, point_f = (rng.normal(size=s).astype(np.float32)
                              for s in [(3, 3, 4, 3), (3, 3, 3, 2), (1, 1, 6, 4)])

    def program(tf):
        x = tf.constant(x0)
        up = tf.nn.conv2d_transpose(x, tf.constant(up_f), [2, 11, 9, 4], [1, 2, 2, 1], "SAME")
        sep = tf.nn.separable_conv2d(x, tf.constant(depth_f), tf.constant(point_f),
                                     [1, 1, 1, 1], "VALID")
        nchw = tf.nn.bias_add(tf.transpose(x, [0, 3, 1, 2]), [1.0, 2.0, 3.0], data_format="NCHW")
        acts = [tf.nn.relu(x), tf.nn.relu6(x * 4), tf.nn.elu(x), tf.nn.selu(x),
                tf.nn.softplus(x), tf.nn.softsign(x), tf.nn.leaky_relu(x, 0.1)]
        mean, var = tf.nn.moments(x, [0, 1, 2])
        fused = tf.nn.fused_batch_norm(x, [1.0, 2.0, 0.5], [0.0, 1.0, -1.0], epsilon=1e-3)
        norms = [mean, var, tf.nn.batch_normalization(x, mean, var, 0.5, 2.0, 1e-3), *fused,
                 tf.nn.l2_normalize(x, axis=-1), tf.nn.lrn(x, 1, 1.0, 0.5, 0.75)]
        total = tf.add_n([tf.reduce_sum(tf.sin(t)) for t in [up, sep, *acts, fused[0]]])
        grads = tf.gradients(total, [x])
        with tf.Session() as sess:
            return sess.run([up, sep, nchw, *acts, *norms, *grads])

    expected, got = on_both(program)
    assert_same_values(expected, got, rtol=2e-4, atol=2e-4)


def test_image_ops():
    rng = np.random.default_rng(11)
    images = rng.normal(size=(2, 5, 6, 3)).astype(np.float32)

    def program(tf):
        x = tf.constant(images)
        outs = [tf.image.resize_images(x, [7, 9]),
                tf.image.resize_images(x, [3, 4], tf.image.ResizeMethod.NEAREST_NEIGHBOR),
                tf.image.resize_images(x, [8, 8], align_corners=True),
                tf.image.flip_left_right(x), tf.image.flip_up_down(x[0]),
                tf.image.crop_to_bounding_box(x, 1, 2, 3, 3),
                tf.image.pad_to_bounding_box(x, 1, 2, 8, 9),
                tf.image.resize_image_with_crop_or_pad(x, 7, 4),
                tf.image.adjust_contrast(x, 1.7), tf.image.adjust_brightness(x, 0.2),
                tf.image.per_image_standardization(x)]
        outs.append(tf.gradients(tf.reduce_sum(tf.sin(outs[0])), [x])[0])
        with tf.Session() as sess:
            return sess.run(outs)

    expected, got = on_both(program)
    assert_same_values(expected, got, rtol=2e-5, atol=2e-5)
