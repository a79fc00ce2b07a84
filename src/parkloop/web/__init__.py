"""The web face: FastAPI pages and JSON API over the services."""
