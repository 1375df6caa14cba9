"""ska-theory: symbolic-plus-numeric verification of the SKA papers' claims."""

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("ska-theory")
except _metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.1.0"
