"""Benchmarks run by `make bench`: each module bench_*.py has a main() returning True on goal."""
