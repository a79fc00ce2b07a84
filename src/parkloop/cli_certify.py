"""``parkloop certify``: the certification workflow from the command line.

Each command acts as an existing account (``--as EMAIL``) with exactly that account's roles, so
the rules are the web's: a facilitator of the park starts, answers and submits; an auditor who
does not work for or in the park reviews and decides; anyone verifies a certificate.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer

from parkloop.cli_common import FormatOption, OutputFormat, ParkArgument, out
from parkloop.cli_common import database as _database
from parkloop.cli_common import errors as _errors
from parkloop.reference.standards import default_registry
from parkloop.services import accounts, certification

certify_app = typer.Typer(
    help="Certification of a park: self-assessment, audit and certificates.",
    no_args_is_help=True,
)
AsOption = Annotated[str, typer.Option("--as", help="E-mail of the account acting")]


def _who(email: str) -> accounts.Account:
    return accounts.account_for_operator(_database(), email)


@certify_app.command("start")
def start_command(
    park: ParkArgument,
    who: AsOption,
    standard: Annotated[str | None, typer.Option(help="Standard id (default: the first)")] = None,
) -> None:
    """Start a self-assessment of PARK (a facilitator of the park)."""
    with _errors():
        chosen = standard or default_registry().all()[0].id
        assessment = certification.start(_database(), _who(who), park, chosen)
        out.print(f"assessment {assessment} started for {park} ({chosen})")


@certify_app.command("answer")
def answer_command(
    assessment: Annotated[int, typer.Argument(help="Assessment id")],
    criterion: Annotated[str, typer.Argument(help="Criterion id, e.g. MG-01")],
    outcome: Annotated[str, typer.Argument(help="met, not_met, awarded or not_applicable")],
    who: AsOption,
    points: Annotated[float | None, typer.Option(help="Points for `awarded`")] = None,
    comment: Annotated[str, typer.Option(help="Comment for the auditor")] = "",
) -> None:
    """Answer one criterion of a draft assessment."""
    with _errors():
        db = _database()
        account = _who(who)
        version = certification.view(db, account, assessment).version
        certification.answer(
            db,
            account,
            assessment,
            criterion,
            outcome,
            expected_version=version,
            points=points,
            comment=comment,
        )
        out.print(f"{criterion}: {outcome}")


@certify_app.command("submit")
def submit_command(
    assessment: Annotated[int, typer.Argument(help="Assessment id")], who: AsOption
) -> None:
    """Hand a draft to the auditors (every mandatory criterion needs an answer)."""
    with _errors():
        db = _database()
        account = _who(who)
        certification.submit(
            db, account, assessment, certification.view(db, account, assessment).version
        )
        out.print(f"assessment {assessment} submitted")


@certify_app.command("review")
def review_command(
    assessment: Annotated[int, typer.Argument(help="Assessment id")],
    criterion: Annotated[str, typer.Argument(help="Criterion id")],
    verdict: Annotated[str, typer.Argument(help="accepted, rejected or more_info")],
    who: AsOption,
    comment: Annotated[str, typer.Option(help="Why (needed unless accepted)")] = "",
) -> None:
    """An auditor's verdict on one answer."""
    with _errors():
        certification.review(_database(), _who(who), assessment, criterion, verdict, comment)
        out.print(f"{criterion}: {verdict}")


@certify_app.command("decide")
def decide_command(
    assessment: Annotated[int, typer.Argument(help="Assessment id")],
    who: AsOption,
    valid_until: Annotated[
        dt.datetime, typer.Option(formats=["%Y-%m-%d"], help="Last day the certificate is valid")
    ],
) -> None:
    """Decide a reviewed assessment; prints the certificate code when a level is reached."""
    with _errors():
        code = certification.decide(_database(), _who(who), assessment, valid_until.date())
        out.print(f"certificate {code}" if code else "no level reached: no certificate")


@certify_app.command("verify")
def verify_command(
    code: Annotated[str, typer.Argument(help="Certificate code")],
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    """Check a certificate code (anyone)."""
    with _errors(fmt):
        record = certification.certificate(_database(), code)
        if fmt is OutputFormat.JSON:
            print(
                json.dumps(
                    {
                        "code": record.code,
                        "park": record.park,
                        "standard": record.standard,
                        "level": record.level,
                        "valid_until": record.valid_until.isoformat(),
                        "state": record.state,
                    }
                )
            )
        else:
            out.print(
                f"{record.code}: {record.park}, {record.level} ({record.standard}), "
                f"valid until {record.valid_until.isoformat()}: {record.state}"
            )
