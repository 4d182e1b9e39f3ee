"""Loaders that turn corpus reports and rosters into named graphs of the govkg dataset."""
