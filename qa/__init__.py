"""qa: ask questions of news statements and get back only what was actually said."""

import os

__version__ = "0.1.0"

# Answering a question multiplies one vector by a few thousand at most: one BLAS and OpenMP
# thread does it fastest, and on a busy machine a thread per core spins instead of working.
# Set before numpy and FAISS load (importing qa loads neither); a value already in the
# environment wins. Index builds take their threads back (see qa/embedding.py, qa/dense.py).
for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
del _name
