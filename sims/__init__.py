"""Numeric studies of the SKA papers' empirical claims: configs and evidence code, ``CLAIMS`` each."""
