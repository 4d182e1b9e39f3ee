"""Benchmarks of govkg, each figure beside a baseline doing comparable work in the same run."""
