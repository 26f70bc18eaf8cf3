"""The Keras engine: `Layer` (base_layer), `Input`/`InputLayer`, `Network` (functional graphs),
`Model` (training), `Sequential`, and the data loops (training_arrays, training_generator)."""
