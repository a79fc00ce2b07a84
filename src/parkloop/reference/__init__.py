"""Shipped, versioned, sourced reference data and their loaders.

Every data file in ``reference/data`` has a ``*.meta.yaml`` sidecar with its source, year and
licence; loaders validate the files when first used.
"""
