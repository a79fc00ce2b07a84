"""Use cases: the only place that combines calculations with the store and commits."""
