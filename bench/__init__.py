"""Vigie's benchmarks: each module runs a baseline beside our code in the same process and
reports ratios, because shared machines are noisy. Run them all with ``python -m bench``."""
