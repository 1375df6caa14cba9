"""Runs of the numeric studies: a config, its result, the on-disk cache and parallel sweeps.

``run(config)`` is a pure function of the :class:`RunConfig`; ``cached_run`` goes through the cache;
``sweep(configs, jobs=, scheduler=)`` runs many in parallel (loky processes or a Dask cluster).
"""

from ska_theory.runs.cache import Cache, cache_key, cached_run, default_cache_dir
from ska_theory.runs.config import RunConfig
from ska_theory.runs.execute import RunResult, run
from ska_theory.runs.parallel import Sweep, SweepItem, load_sweep, sweep

__all__ = [
    "Cache",
    "RunConfig",
    "RunResult",
    "Sweep",
    "SweepItem",
    "cache_key",
    "cached_run",
    "default_cache_dir",
    "load_sweep",
    "run",
    "sweep",
]
