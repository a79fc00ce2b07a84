"""``python -m parkloop`` runs the command line (the web app starts jobs this way)."""

from parkloop.cli import app

if __name__ == "__main__":
    app(prog_name="parkloop")
