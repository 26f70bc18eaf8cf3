"""TensorArray and the TensorList ops on the CUDA backend under numba's CUDA simulator (in a
child process: the simulator must be on before numba is imported): the op tests, which also
check that no list op but the size queries runs on the host, the TensorArray API tests, and
map_fn / scan / folds / TensorArray loop variables (loops whose bodies run on the device)."""

from __future__ import annotations

from tests.cuda.test_simulator import _pytest_on_the_simulated_device


def test_tensor_lists_on_the_simulated_device(tmp_path):
    _pytest_on_the_simulated_device(tmp_path, "tests/ops/test_tensor_list.py",
                                    "tests/api/test_tensor_array.py", "tests/api/test_functional.py")
