"""Runs of the numeric studies: a config, its result, the on-disk cache and parallel sweeps.

A run config is :class:`DiscreteConfig` or :class:`FlowConfig` (both a :class:`RunConfig`; build one from
plain values with ``RunConfig.from_mapping``). ``run(config)`` is a pure function of the config and the one
path to the engines (the CLI calls it too); ``cached_run`` goes through the cache; ``sweep(configs, jobs=,
scheduler=)`` runs many in parallel (loky processes or a Dask cluster).
"""

from ska_theory.runs.cache import Cache, cache_key, cached_run, default_cache_dir
from ska_theory.runs.config import AnyRunConfig, DiscreteConfig, FlowConfig, RunConfig
from ska_theory.runs.execute import RunResult, prepare, run
from ska_theory.runs.parallel import Sweep, SweepItem, load_sweep, sweep

__all__ = [
    "AnyRunConfig",
    "Cache",
    "DiscreteConfig",
    "FlowConfig",
    "RunConfig",
    "RunResult",
    "Sweep",
    "SweepItem",
    "cache_key",
    "cached_run",
    "default_cache_dir",
    "load_sweep",
    "prepare",
    "run",
    "sweep",
]
