"""A corpus of short TF1 programs written in the idioms of public TF1 code.

Each program module imports `tf` from `tests.programs._tf` (graphflow by default, TensorFlow's
tf.compat.v1 when GF_PROGRAMS_IMPL=tensorflow) and defines `main()`, which builds its graph in a
fresh default graph, runs it and returns a dict of named results (numpy values, Python scalars,
fetched strings, variable names). `record.py` stores the results TensorFlow gives in
`expected/<name>.json`; `test_programs.py` runs every program under graphflow and compares.
Module constants `RTOL` and `ATOL` state the tolerance each program's float results need.
"""
