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




def post_report(client, event, data: bytes, capture, filename="report.csv", **fields):
    """POST a report to the console's import form, running the import task it enqueues
    (``capture``: pytest-django's ``django_capture_on_commit_callbacks``; the tasks run at
    once in tests). Returns the response to the POST."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    url = reverse("console:attendance_import", kwargs={"event_id": event.pk})
    form = {"time_zone": event.time_zone, "replace": "on", "source": "auto",
            "date_order": "auto", **fields}
    with capture(execute=True):
        return client.post(url, {"file": SimpleUploadedFile(filename, data,
                                                            content_type="text/csv"), **form})


def big_zoom_report(rows: int) -> bytes:
    """A Zoom meeting report of ``rows`` people, each with an address, on 15 June 2021."""
    lines = ["Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest"]
    lines += [f"Person {n},person{n}@example.org,06/15/2021 05:58:02 PM,"
              f"06/15/2021 07:10:00 PM,72,No" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()
