"""Benchmarks: how fast Batchsheet checks, reads and writes batches, against the baselines.

`python -m bench.generate` makes the data; `python -m bench.run` measures and prints the
table; `python -m bench.profile` shows where the time goes.
"""
