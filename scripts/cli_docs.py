"""Write docs/cli.md from the CLI's own --help texts; with --check, fail when it has drifted."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.update({"COLUMNS": "100", "TERM": "dumb", "NO_COLOR": "1"})

import typer
from typer.testing import CliRunner

from parkloop.cli import app

TARGET = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def render() -> str:
    runner = CliRunner()
    command = typer.main.get_command(app)
    commands = getattr(command, "commands", {})
    parts = [
        "# Command-line reference\n",
        "Generated from `parkloop --help` by `make docs-cli`; `make test` fails when it drifts.\n",
    ]
    paths: list[list[str]] = [[]]
    for name in sorted(commands):
        paths.append([name])
        paths.extend([name, sub] for sub in sorted(getattr(commands[name], "commands", {})))
    for path in paths:
        args = [*path, "--help"]
        result = runner.invoke(app, args, env={"COLUMNS": "100", "TERM": "dumb"})
        if result.exit_code != 0:
            raise SystemExit(f"parkloop {' '.join(args)} failed: {result.output}")
        title = " ".join(["parkloop", *path])
        body = "\n".join(line.rstrip() for line in result.output.strip().splitlines())
        parts.append(f"## `{title}`\n\n```text\n{body}\n```\n")
    return "\n".join(parts)


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print("docs/cli.md is out of date with the CLI; run `make docs-cli`", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
