"""Symbolic core: SKA definitions (SymPy) and the independent mpmath witness."""
