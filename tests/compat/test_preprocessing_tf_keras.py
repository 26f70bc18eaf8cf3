"""Live comparisons with tf_keras / TensorFlow in a subprocess: ImageDataGenerator batches with
the same seeds (whole arrays), Tokenizer on random texts, and nce_loss / sampled_softmax_loss with
their gradients on random inputs with fed sampled values."""

import json

import numpy as np
import pytest

import graphflow as tf
from graphflow.keras.preprocessing.image import ImageDataGenerator
from graphflow.keras.preprocessing.text import Tokenizer
from tests.compat.test_keras_h5_tf_keras import TF_PYTHON, run_tf_keras

pytestmark = pytest.mark.skipif(TF_PYTHON is None, reason="needs tf_keras (or $GRAPHFLOW_TF_PYTHON)")

IMAGE_CONFIG = dict(rotation_range=25, width_shift_range=0.15, height_shift_range=[1, 3], shear_range=8,
                    zoom_range=[0.8, 1.1], channel_shift_range=10.0, horizontal_flip=True, vertical_flip=True,
                    fill_mode="reflect", featurewise_center=True, featurewise_std_normalization=True,
                    rescale=1 / 255.0)


def test_image_data_generator_batches_equal_tf_keras(tmp_path):
    x = np.random.default_rng(4).uniform(0, 255, size=(10, 11, 7, 3)).astype(np.float32)
    y = np.arange(10)
    np.save(tmp_path / "x.npy", x)
    (tmp_path / "config.json").write_text(json.dumps(IMAGE_CONFIG))
    want = run_tf_keras("""
        from tf_keras.preprocessing.image import ImageDataGenerator
        x = np.load(sys.argv[1]); config = json.load(open(sys.argv[2]))
        generator = ImageDataGenerator(**config)
        generator.fit(x, augment=True, rounds=2, seed=1)
        iterator = generator.flow(x, np.arange(10), batch_size=4, seed=9)
        batches = [iterator.next() for _ in range(5)]
        print(json.dumps({"mean": generator.mean.tolist(), "std": generator.std.tolist(),
                          "x": [b[0].tolist() for b in batches], "y": [b[1].tolist() for b in batches]}))
    """, str(tmp_path / "x.npy"), str(tmp_path / "config.json"))
    generator = ImageDataGenerator(**IMAGE_CONFIG)
    generator.fit(x, augment=True, rounds=2, seed=1)
    np.testing.assert_allclose(generator.mean, want["mean"], rtol=1e-5)
    np.testing.assert_allclose(generator.std, want["std"], rtol=1e-5)
    iterator = generator.flow(x, y, batch_size=4, seed=9)
    for got_x, got_y in (iterator.next() for _ in range(5)):
        want_x, want_y = want["x"].pop(0), want["y"].pop(0)
        assert got_y.tolist() == want_y
        np.testing.assert_allclose(got_x, want_x, rtol=1e-5, atol=1e-5)


def test_tokenizer_equals_tf_keras():
    rng = np.random.default_rng(2)
    words = ["alpha", "Beta", "gamma!", "delta,", "eps", "zeta.", "eta", "theta"]
    texts = [" ".join(rng.choice(words, size=rng.integers(1, 12))) for _ in range(30)]
    want = run_tf_keras("""
        from tf_keras.preprocessing.text import Tokenizer
        texts = json.loads(sys.argv[1])
        out = {}
        for num_words, oov in ((None, None), (5, "<unk>")):
            t = Tokenizer(num_words=num_words, oov_token=oov)
            t.fit_on_texts(texts[:20])
            out[str(num_words)] = {"index": t.word_index, "seq": t.texts_to_sequences(texts[20:]),
                                   "tfidf": t.texts_to_matrix(texts[20:], "tfidf").tolist(),
                                   "freq": t.texts_to_matrix(texts[20:], "freq").tolist()}
        print(json.dumps(out))
    """, json.dumps(texts))
    for num_words, oov in ((None, None), (5, "<unk>")):
        tokenizer = Tokenizer(num_words=num_words, oov_token=oov)
        tokenizer.fit_on_texts(texts[:20])
        expected = want[str(num_words)]
        assert tokenizer.word_index == expected["index"]
        assert tokenizer.texts_to_sequences(texts[20:]) == expected["seq"]
        for mode in ("tfidf", "freq"):
            np.testing.assert_allclose(tokenizer.texts_to_matrix(texts[20:], mode), expected[mode], rtol=1e-12)


@pytest.mark.parametrize("num_true", [1, 3])
def test_sampled_losses_and_gradients_equal_tensorflow(num_true):
    rng = np.random.default_rng(num_true)
    classes, dim, batch, num_sampled = 30, 5, 6, 7
    values = {"w": rng.normal(size=(classes, dim)).tolist(), "b": rng.normal(size=classes).tolist(),
              "x": rng.normal(size=(batch, dim)).tolist(),
              "labels": rng.integers(0, classes, size=(batch, num_true)).tolist(),
              "sampled": rng.choice(classes, num_sampled, replace=False).tolist(),
              "tec": rng.uniform(0.05, 1, size=(batch, num_true)).tolist(),
              "sec": rng.uniform(0.05, 1, size=num_sampled).tolist()}
    values["sampled"][0] = values["labels"][0][0]  # an accidental hit

    def losses(api, w, b, x):
        sampled = (api.constant(values["sampled"], api.int64), api.constant(values["tec"], api.float32),
                   api.constant(values["sec"], api.float32))
        out = []
        nce, softmax = api.nn.nce_loss, api.nn.sampled_softmax_loss
        for fn, hits in ((nce, False), (nce, True), (softmax, True)):
            loss = fn(w, b, api.constant(values["labels"]), x, num_sampled, classes, num_true=num_true,
                      sampled_values=sampled, remove_accidental_hits=hits)
            out.append(loss)
            out.extend(api.convert_to_tensor(g) for g in api.gradients(api.reduce_sum(loss), [w, b, x]))
        return out

    want = run_tf_keras("""
        import tensorflow.compat.v1 as api
        api.disable_v2_behavior()
        values = json.loads(sys.argv[1])
        exec(sys.argv[2])
        w, b, x = (api.constant(np.float32(values[k])) for k in "wbx")
        with api.Session() as sess:
            print(json.dumps([v.tolist() for v in sess.run(losses(api, w, b, x))]))
    """, json.dumps(values), _source_of_losses(num_true))
    with tf.Graph().as_default():
        w, b, x = (tf.constant(np.float32(values[k])) for k in "wbx")
        with tf.Session() as sess:
            got = sess.run(losses(tf, w, b, x))
    for g, v in zip(got, want):
        np.testing.assert_allclose(g, v, rtol=2e-5, atol=2e-5)


def _source_of_losses(num_true):
    """The `losses` function above as source, for the TensorFlow side."""
    import inspect
    import textwrap

    source = textwrap.dedent(inspect.getsource(test_sampled_losses_and_gradients_equal_tensorflow))
    body = source[source.index("    def losses"):source.index("    want = run_tf_keras")]
    return (f"classes, num_sampled, num_true = 30, 7, {num_true}\n" + textwrap.dedent(body))
