"""Benchmarks behind `make bench`: ingestion throughput, query latency and retrieval options.

Nothing runs at import time; every module has a `main()` that does the work.
"""
