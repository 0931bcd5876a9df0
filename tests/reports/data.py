"""The reference data set of the reports' tests, with every expected figure worked out by hand.

The model seminar (Europe/Vilnius, UTC+03:00 in June 2021; partners in FI, NL ×2, IT, HR, RO,
LT) and nine registrations:

====  ==========  =======  ==============================  ==========================  ========
 n    status      country  type                            organisation                attended
====  ==========  =======  ==============================  ==========================  ========
 r1   confirmed   RO       LocalPublicAuthority            Municipality of Timișoara   yes
 r2   confirmed   RO       Sme                             Timiș SME                   yes
 r3   confirmed   LT       HigherEducationOrganisations    Vytautas Magnus University  yes
 r4   confirmed   DE       Sme                             Berlin Creative GmbH        yes
 r5   confirmed   NL       InterestGroups                  Inqubator Foundation        no
 r6   held        IT       Sme                             Materahub                   no
 r7   waiting     FR       Other                           Paris Org                   no
 r8   cancelled   RO       LocalPublicAuthority            Cancelled Org               no
 r9   confirmed   RO       LocalPublicAuthority            " municipality of  Timișoara"  yes
====  ==========  =======  ==============================  ==========================  ========
"""

from aula.events.models import AgendaBlock
from tests.factories import utc
from tests.reports.helpers import register

JUNE_1_LATE_UTC = utc(2021, 6, 1, 20)  # 23:00 on 1 June in Vilnius
JUNE_1_NIGHT_UTC = utc(2021, 6, 1, 22, 30)  # 01:30 on 2 June in Vilnius
JUNE_4 = utc(2021, 6, 4, 9)


def populate(event, attendance):
    session1, session2 = AgendaBlock.objects.filter(
        event=event, kind=AgendaBlock.Kind.PARALLEL
    ).order_by("order")
    r = {}
    r[1] = register(event, created_at=JUNE_1_NIGHT_UTC, sessions=[session1])
    r[2] = register(event, organisation_type="Sme", organisation="Timiș SME",
                    created_at=JUNE_1_LATE_UTC, sessions=[session1])
    r[3] = register(event, country="LT", organisation_type="HigherEducationOrganisations",
                    organisation="Vytautas Magnus University", created_at=JUNE_4,
                    sessions=[session2])
    r[4] = register(event, country="DE", organisation_type="Sme",
                    organisation="Berlin Creative GmbH", created_at=JUNE_4)
    r[5] = register(event, country="NL", organisation_type="InterestGroups",
                    organisation="Inqubator Foundation", created_at=JUNE_4)
    r[6] = register(event, status="held", country="IT", organisation_type="Sme",
                    organisation="Materahub", created_at=JUNE_4)
    r[7] = register(event, status="waiting", country="FR", organisation_type="Other",
                    organisation="Paris Org", created_at=JUNE_4)
    r[8] = register(event, status="cancelled", organisation="Cancelled Org",
                    created_at=JUNE_1_LATE_UTC, sessions=[session1])
    r[9] = register(event, organisation=" municipality of  Timișoara", created_at=JUNE_4)
    attendance.mark(r[1], r[2], r[3], r[4])
    attendance.mark(r[9], minutes=None)
    return r
