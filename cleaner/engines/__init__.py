"""Batch runs: one document's outcome and the summary (outcome.py), the local engine in this
process or on a worker pool (local.py, pool.py), checkpoints for --resume (resume.py) and the
Dask engine (dask.py)."""
