"""The demo park: a fictional harbour town industrial area (see SOURCES.md)."""
