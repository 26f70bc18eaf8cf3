"""Packaging: the top-level `ops/` and `cuda/` folders are mapped into the package as
`graphflow.ops` and `graphflow.cuda` (see DESIGN.md), so neither is ever a top-level module."""

from pathlib import Path

from setuptools import find_packages, setup


def _mapped(root: str, package: str) -> list[str]:
    return [package] + [f"{package}.{p}" for p in find_packages(root)]


setup(
    # "graphflow" is taken on PyPI by an unrelated project; the import name stays graphflow.
    name="graphflow-tf1",
    version="0.1.0",
    description="A TensorFlow-1-style static-graph deep learning engine on numba",
    long_description=Path("README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    python_requires=">=3.10",
    packages=(["graphflow"] + [f"graphflow.{p}" for p in find_packages("graphflow")]
              + _mapped("ops", "graphflow.ops") + _mapped("cuda", "graphflow.cuda")),
    package_dir={"graphflow": "graphflow", "graphflow.ops": "ops", "graphflow.cuda": "cuda"},
    install_requires=[
        "numpy>=1.26,<2.5",  # numba-cuda 0.30 breaks on numpy 2.5 (np.row_stack), see FEASIBILITY
        "numba>=0.60",
        "networkx>=3.0",  # the scheduler's topological sort (graphflow.compiler.toposort)
        "threadpoolctl>=3",  # conv/pool kernels run BLAS single-threaded on their own threads
        "scipy>=1.10",
        "graphviz>=0.20",
        "safetensors>=0.4",
        "google-crc32c>=1.5",
    ],
    extras_require={
        "cuda": ["numba-cuda[cu13]>=0.30"],
        "dev": ["pytest>=8", "hypothesis>=6", "ruff>=0.5", "scikit-learn>=1.3", "tensorboard>=2.10",
                "Pillow>=9", "h5py>=3.0"],
        "tensorboard": ["tensorboard>=2.10"],
        "examples": ["scikit-learn>=1.3"],
        "keras": ["h5py>=3.0"],  # Keras 2's HDF5 model and weight files
    },
    package_data={"graphflow": ["py.typed"]},
)
