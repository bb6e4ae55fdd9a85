"""The benchmark's side in the app: `flask bench-data` builds a program-sized data set (data.py), and
`make bench` (bench/run.py) drives the key pages each role opens (pages.py)."""
from .data import BENCH_PASSWORD, SCALES, BenchRefused, Scale, build, email
from .pages import Page, key_pages

__all__ = ["BENCH_PASSWORD", "SCALES", "BenchRefused", "Page", "Scale", "build", "email", "key_pages"]
