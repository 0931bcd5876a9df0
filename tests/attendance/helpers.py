"""Builders for the attendance tests: the cast of the sample reports as registrants."""

from pathlib import Path

from aula.registrations.models import Registration
from tests.factories import make_registration

SAMPLES = Path(__file__).parent / "samples"
FILES = {
    "zoom-webinar": "zoom-webinar-attendee-report.csv",
    "zoom-meeting": "zoom-meeting-participants.csv",
    "teams": "teams-attendance-report.csv",
    "teams-legacy": "teams-attendance-legacy-2020.csv",
    "webex": "webex-attendees.csv",
}


def sample(layout: str) -> bytes:
    return (SAMPLES / FILES[layout]).read_bytes()


def register(event, first_name, family_name, email, **fields) -> Registration:
    """A confirmed registrant by name and e-mail (``tests.factories.make_registration``)."""
    return make_registration(event, first_name=first_name, family_name=family_name, email=email,
                             organisation="Organisation", **fields)


def register_cast(event) -> dict[str, Registration]:
    """The registrants of the sample webinar (Nora the host and Kasia did not register)."""
    return {
        "emil": register(event, "Emil", "Novák", "emil.novak@example.org"),
        "stefan": register(event, "Ștefan", "Popescu", "stefan.popescu@example.org"),
        "zydrune": register(event, "Žydrūnė", "Kazlauskienė",
                            "zydrune.kazlauskiene@example.org"),
        "ivana": register(event, "Ivana", "Horvat", "ivana.horvat@example.org"),
        "jonas": register(event, "Jonas", "Weber", "jonas.weber@example.org"),
        "aoife": register(event, "Aoife", "Ní Bhriain", "aoife.nibhriain@example.org"),
        "mateo": register(event, "Mateo", "García", "mateo.garcia@example.org"),
        "priya": register(event, "Priya", "Raman", "priya.raman@example.org"),
    }


