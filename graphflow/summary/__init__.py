"""`tf.summary`: TF1's summary ops and TensorBoard event-file writers.

Writing needs the optional tensorboard package (`pip install graphflow-tf1[tensorboard]`);
importing this package does not import it.
"""

from graphflow.summary.summary_ops import histogram, image, merge, merge_all, scalar, text
from graphflow.summary.writer import FileWriter, FileWriterCache

__all__ = ["FileWriter", "FileWriterCache", "histogram", "image", "merge", "merge_all", "scalar",
           "text"]
