"""`tf.train`: optimizers, learning-rate schedules, Saver and checkpoint utilities."""
