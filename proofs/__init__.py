"""Symbolic proofs of the SKA papers' claims: one module per group, each exporting ``CLAIMS``."""
