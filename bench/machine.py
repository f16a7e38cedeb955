"""What the benchmarks share: the machine's state, background load, and running a version of
the product (this checkout, or an earlier one given as a folder) in a fresh process.

A version is run with PYTHONPATH set to its checkout, so one virtual environment serves both
and the comparison is of the code alone. The product's thread settings are its own: the
thread variables of the calling shell are removed from the environment of every run.
Bytecode is cached (PYTHONDONTWRITEBYTECODE is removed too), as it is after an install.
"""

from __future__ import annotations

import contextlib
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
HOG = "while True: pass"


def environment(checkout: Path | None) -> dict[str, str]:
    # Bytecode is cached as after any install: without it every run compiles every module.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    # One BLAS and OpenMP thread, as the `qa` command sets for answering (qa.cli.pin_threads;
    # builds take their threads back), also for the scripts that answer through the library.
    env.update(dict.fromkeys(THREAD_VARIABLES, "1"))
    if checkout is not None:
        env["PYTHONPATH"] = str(checkout)
    return env


def qa_command(*args: str) -> list[str]:
    return [sys.executable, "-c", "import sys; from qa.cli import main; main()", *args]


def run(command: list[str], checkout: Path | None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        command,
        env=environment(checkout),
        cwd=str(checkout or Path.cwd()),
        check=True,
        capture_output=True,
        text=True,
        **kwargs,
    )


def timed(command: list[str], checkout: Path | None) -> float:
    return timed_cpu(command, checkout)[0]


def timed_cpu(command: list[str], checkout: Path | None) -> tuple[float, float]:
    """Wall seconds of a run, and the CPU seconds (user and system) the process used: on a
    machine shared with other work the CPU time is what a quiet machine's wall time nears."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    run(command, checkout)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


KERNELS = """
import numpy, threadpoolctl
print(*sorted({p.get("architecture") or "?" for p in threadpoolctl.threadpool_info()}))
"""


def kernels() -> str:
    """The BLAS kernels a run gets, as OpenBLAS chose them, and what chose them: a machine
    may set OPENBLAS_CORETYPE (and OPENBLAS_L2_SIZE) in its environment for older OpenBLAS
    builds, which slows a current numpy; the runs keep the caller's setting."""
    chosen = run([sys.executable, "-c", KERNELS], None).stdout.strip()
    forced = os.environ.get("OPENBLAS_CORETYPE")
    return f"{chosen} ({'OPENBLAS_CORETYPE=' + forced if forced else 'numpy’s own choice'})"


def processor() -> str:
    """The CPU's model name (Linux), else what the platform module says."""
    try:
        for line in Path("/proc/cpuinfo").read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def state() -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores "
        f"({processor()}), load average {load}, Python {platform.python_version()}, "
        f"BLAS kernels {kernels()}"
    )


# The background loads: how many processes spin on the CPU meanwhile. "heavy" is one per
# core (the cold ask's target); "hog" is one (the second core shared with nothing else).
HOGS = {"light": 0, "hog": 1, "heavy": 2}
LOADS = {
    "light": "nothing added",
    "hog": "one process spinning on the CPU",
    "heavy": "two processes spinning on the CPU, one per core",
}


@contextlib.contextmanager
def load(kind: str):
    """The background load `kind` (a key of HOGS), for the duration of the block."""
    started = [subprocess.Popen([sys.executable, "-c", HOG]) for _ in range(HOGS[kind])]
    if started:
        time.sleep(1.0)
    try:
        yield
    finally:
        for process in started:
            process.kill()
            process.wait()


def percentile(values, q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def median(values) -> float:
    return statistics.median(values)
