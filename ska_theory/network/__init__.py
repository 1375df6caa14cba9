"""Numeric core: the SKA network, its discrete algorithm and the continuous flow on SciPy."""
