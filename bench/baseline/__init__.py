"""A bare Django project: the yardstick the benchmark compares SupportScope with."""
