"""The command's question path runs BLAS and OpenMP on one thread; a setting in the environment
wins; a program importing qa keeps its own thread settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import SEEDS

PROBE = """
import json, sys
from qa.cli import main
sys.argv = ["qa", "ask", "What did Italy say about peacekeepers?", "--json",
            "--index-dir", sys.argv[1]]
try:
    main()
except SystemExit:
    pass
import faiss
from threadpoolctl import threadpool_info
print(json.dumps({
    "blas": sorted({pool["num_threads"] for pool in threadpool_info()}),
    "faiss": faiss.omp_get_max_threads(),
}))
"""


def _probe(index_dir, **env) -> dict:
    environment = {
        k: v for k, v in os.environ.items()
        if k not in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
    }  # fmt: skip
    environment.update(env)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(index_dir)],
        capture_output=True, text=True, check=True, env=environment,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_answering_uses_one_thread(real_engine, real_index_dir):  # index built first
    assert SEEDS
    assert _probe(real_index_dir) == {"blas": [1], "faiss": 1}


def test_a_thread_count_in_the_environment_wins(real_engine, real_index_dir):
    assert _probe(real_index_dir, OMP_NUM_THREADS="2", OPENBLAS_NUM_THREADS="2") == {
        "blas": [2], "faiss": 2
    }  # fmt: skip


def test_importing_qa_leaves_the_thread_settings_alone():
    environment = {
        k: v for k, v in os.environ.items()
        if k not in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
    }  # fmt: skip
    probe = "import os, qa.answer.engine, qa.cli; print(os.environ.get('OMP_NUM_THREADS'))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=environment
    )
    assert done.stdout.strip() == "None"
