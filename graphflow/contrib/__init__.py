"""`tf.contrib`: the parts of TF1's contrib that training scripts commonly use."""

from . import image, layers, legacy_seq2seq, rnn, seq2seq  # noqa: F401
