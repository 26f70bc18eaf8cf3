"""`tf.losses`: TF1's loss functions, their reductions and the loss collections."""

# ruff: noqa: F401
from .collection import (
    add_loss,
    get_losses,
    get_regularization_loss,
    get_regularization_losses,
    get_total_loss,
)
from .loss_functions import (
    absolute_difference,
    cosine_distance,
    hinge_loss,
    huber_loss,
    log_loss,
    mean_squared_error,
    sigmoid_cross_entropy,
    softmax_cross_entropy,
    sparse_softmax_cross_entropy,
)
from .reduction import Reduction, compute_weighted_loss
