from ska_theory.cli import entry

entry()
