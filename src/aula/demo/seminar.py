"""The demo seminar as data: ECoC-SME's online seminar of 10 June 2021, from Kaunas.

Sources: the Municipality of Timișoara's press release
(shared/seed/press-release-ecoc-sme-2021-06-10.ro.md) for the project's and the seminar's texts,
and shared/reference/interreg.md for the partnership. The Romanian texts follow the press
release; the English ones translate it. Nobody is named whom the press release does not name.

The press release gives no times. Those below are indicative, in Kaunas time (the event's time
zone), and the event's description says so in both languages.

Agenda times are local times of day; the loader places them on the event's date, so the whole
agenda moves with the event when it is redated.
"""

from datetime import date, time

# --- Project -----------------------------------------------------------------------------

PROJECT = {
    "code": "PGI06047",
    "name": "ECoC-SME",
    "slug": "ecoc-sme",
    "programme": "Interreg Europe",
    "website": "http://www.interregeurope.eu/ecoc-sme/",
    "primary_language": "en",
    "starts_on": date(2019, 8, 1),
    "ends_on": date(2022, 7, 31),
    "full_title": {
        "en": "Actions for inducing SME growth and innovation via the ECoC event and legacy",
        "ro": "Acțiuni de stimulare a creșterii și inovării IMM-urilor prin evenimentul "
        "Capitală Europeană a Culturii și moștenirea acestuia",
    },
    # The press release's last paragraph ("Croatia" there is spelt "Croația" here).
    "description": {
        "en": (
            "The ECoC-SME project recognises the European Capital of Culture (ECoC) programme "
            "as an opportunity that cities and regions still under-use for developing local "
            "SMEs, existing and future ones, and focuses on the potential of the ECoC programme "
            "to trigger, strengthen and diversify local entrepreneurship. Alongside Timișoara, "
            "the project involves institutions and organisations from past, present and future "
            "European Capital of Culture cities: Leeuwarden, ECoC 2018 (Netherlands), Matera, "
            "ECoC 2019 (Italy), Rijeka, ECoC 2020 (Croatia) and Kaunas, ECoC 2022 (Lithuania)."
        ),
        "ro": (
            "Proiectul ECoC-SME recunoaște programul Capitală Europeană a Culturii (CEaC) ca pe "
            "o oportunitate încă insuficient utilizată de orașe și regiuni pentru dezvoltarea "
            "IMM-urilor locale, existente și viitoare, și se concentrează asupra potențialului "
            "programului CEaC de a declanșa, consolida și diversifica antreprenoriatul local. "
            "Alături de Timișoara, în proiect sunt implicate instituții și organizații din "
            "foste, actuale și viitoare orașe Capitală Europeană a Culturii: Leeuwarden, CEaC "
            "2018 (Olanda), Matera, CEaC 2019 (Italia), Rijeka, CEaC 2020 (Croația) și Kaunas, "
            "CEaC 2022 (Lituania)."
        ),
    },
}

# --- Partners (interreg.md), lead partner first, then by Capital of Culture year ----------------

UEF = "University of Eastern Finland"
LEEUWARDEN = "Municipality of Leeuwarden"
INQUBATOR = "Inqubator Foundation"
MATERAHUB = "Materahub"
RIJEKA = "City of Rijeka"
TIMISOARA = "Municipality of Timișoara"
VMU = "Vytautas Magnus University, Centre for Enterprise Practices"

PARTNERS = [
    {
        "organisation": UEF,
        "local_names": {},
        # interreg.md gives no city. The university has two main campuses, Joensuu and Kuopio;
        # Joensuu is shown (its Karelian Institute co-ordinated ECoC-SME with the Business
        # School). Not checked against the university's registered seat: confirm with UEF.
        "city": "Joensuu",
        "country": "FI",
        "role": "lead",
        "ecoc_year": None,
        "ecoc_note": {},
    },
    {
        "organisation": LEEUWARDEN,
        "local_names": {"nl": "Gemeente Leeuwarden"},
        "city": "Leeuwarden",
        "country": "NL",
        "role": "partner",
        "ecoc_year": 2018,
        "ecoc_note": {},
    },
    {
        "organisation": INQUBATOR,
        "local_names": {},
        "city": "Leeuwarden",
        "country": "NL",
        "role": "partner",
        "ecoc_year": 2018,
        "ecoc_note": {},
    },
    {
        "organisation": MATERAHUB,
        "local_names": {},
        "city": "Matera",
        "country": "IT",
        "role": "partner",
        "ecoc_year": 2019,
        "ecoc_note": {},
    },
    {
        "organisation": RIJEKA,
        "local_names": {"hr": "Grad Rijeka"},
        "city": "Rijeka",
        "country": "HR",
        "role": "partner",
        "ecoc_year": 2020,
        "ecoc_note": {},
    },
    {
        "organisation": VMU,
        "local_names": {"lt": "Vytauto Didžiojo universitetas, Verslo praktikų centras"},
        "city": "Kaunas",
        "country": "LT",
        "role": "partner",
        "ecoc_year": 2022,
        "ecoc_note": {},
    },
    {
        "organisation": TIMISOARA,
        "local_names": {"ro": "Municipiul Timișoara"},
        "city": "Timișoara",
        "country": "RO",
        "role": "partner",
        "ecoc_year": 2023,
        "ecoc_note": {"en": "originally 2021", "ro": "inițial 2021"},
    },
]

# --- The seminar -----------------------------------------------------------------------------

ORIGINAL_DATE = date(2021, 6, 10)  # a Thursday
WEEKDAY = 3  # Thursday, the weekday a redated copy keeps
REDATE_MIN_DAYS = 21  # a redated copy is held on the first Thursday at least this far ahead
REGISTRATION_DAYS_BEFORE_ORIGINAL = 7
STARTS = time(10, 0)
ENDS = time(13, 30)

HOST_PARTNER = VMU
CONTACT_ORGANISATION = TIMISOARA

TIMES_NOTE = {
    "en": "The press release gives no times; those shown here are indicative.",
    "ro": "Comunicatul de presă nu precizează orele; cele afișate aici sunt orientative.",
}
DEMO_NOTE = {
    "en": "This is a demonstration copy of the online seminar of 10 June 2021; the date shown "
    "may differ so that you can try registering.",
    "ro": "Aceasta este o copie demonstrativă a seminarului online din 10 iunie 2021; data "
    "afișată poate fi alta, ca să puteți încerca înscrierea.",
}

DESCRIPTION_PARAGRAPHS = {
    "en": [
        "Held online from Kaunas, European Capital of Culture (ECoC) 2022, the seminar looks "
        "back on the last two years of our project: the relevance and the need of the themes "
        "we addressed, of our interregional exchanges and of our achievements.",
        "The project's five partner regions will present their Action Plans – their creative "
        "efforts in designing actions for policy change that serve cross-sectoral cooperation, "
        "community and business engagement in and as part of the ECoC legacy.",
        "You will also have the chance to listen to and discuss with experts of the "
        "Organisation for Economic Co-operation and Development (OECD), members of the New "
        "European Bauhaus Initiative team of the European Commission's Joint Research Centre, "
        "and representatives of ten past, present and future European Capitals of Culture.",
        "The speakers will share regional (Kaunas) and interregional (EU) good practice in "
        "community engagement, in promoting the business and cultural sectors, and in ways of "
        "restarting after the pandemic.",
    ],
    "ro": [
        "Organizat online din Kaunas, Capitală Europeană a Culturii (CEaC) 2022, seminarul va "
        "analiza ultimii doi ani ai proiectului nostru: relevanța, precum și necesitatea "
        "temelor abordate, schimburilor interregionale și realizărilor noastre.",
        "Cele cinci regiuni partenere din proiect vă vor prezenta Planurile lor de acțiune – "
        "eforturile lor creative în proiectarea acțiunilor pentru schimbări de politici care "
        "servesc cooperării transectoriale, comunității și implicării mediului de afaceri în "
        "și ca parte a moștenirii CEaC.",
        "De asemenea, veți avea șansa să ascultați și să discutați cu experți din cadrul "
        "Organizației pentru Cooperare și Dezvoltare Economică (OCDE), cu membrii echipei "
        "Inițiativei New European Bauhaus a Centrului comun de cercetare al Comisiei Europene, "
        "precum și cu reprezentanți din zece Capitale Europene ale Culturii trecute, actuale "
        "și viitoare.",
        "Vorbitorii își vor împărtăși bunele practici regionale (Kaunas) și interregionale (UE) "
        "privind implicarea comunității, promovarea sectorului de business și cultural, precum "
        "și moduri de restartare în urma pandemiei.",
    ],
}

EVENT = {
    "slug": "resilience-seminar",
    "primary_language": "en",  # the seminar's working language; Romanian is a full translation
    "title": {
        "en": "Resilience of regions and European Capitals of Culture through community and "
        "business engagement",
        "ro": "Reziliența regiunilor și a Capitalelor Europene ale Culturii prin implicarea "
        "comunității și a mediului de afaceri",
    },
    "summary": {
        "en": "An online seminar of the Interreg Europe project ECoC-SME, held from Kaunas, "
        "European Capital of Culture 2022: the relevance and results of two years of "
        "interregional cooperation, the action plans of the five partner regions, and good "
        "practice from Kaunas and the EU in engaging communities and businesses.",
        "ro": "Seminar online al proiectului Interreg Europe ECoC-SME, organizat din Kaunas, "
        "Capitală Europeană a Culturii 2022: relevanța și rezultatele a doi ani de cooperare "
        "interregională, planurile de acțiune ale celor cinci regiuni partenere și bune "
        "practici din Kaunas și din UE privind implicarea comunității și a mediului de afaceri.",
    },
    "description": {
        lang: "\n\n".join([*paragraphs, f"{TIMES_NOTE[lang]} {DEMO_NOTE[lang]}"])
        for lang, paragraphs in DESCRIPTION_PARAGRAPHS.items()
    },
    "format": "online",
    "location": {"en": "online, from Kaunas", "ro": "online, din Kaunas"},
    "time_zone": "Europe/Vilnius",
    "status": "published",
    "capacity": 300,
    # A placeholder, never a real meeting: example.org is reserved for documentation.
    "meeting_url": "https://meet.example.org/ecoc-sme-resilience",
    "contact_name": "Lavinia Simion",
    "contact_role": {"en": "project manager", "ro": "manager de proiect"},
    "contact_phone": "0256 408 371",  # the press release writes "0256 – 408.371"
    "contact_email": "lavinia.simion@primariatm.ro",
}

# --- People: only those the press release names ---------------------------------------------

TRAVKINA = "Ekaterina Travkina"

PEOPLE = {
    TRAVKINA: {
        "organisation": "OECD",
        "job_title": {
            "en": "Coordinator, Culture, Creative Industries and Local Development, OECD Centre "
            "for Entrepreneurship, SMEs, Regions and Cities",
            "ro": "coordonatorul departamentului de Cultură, industriei creative și dezvoltare "
            "locală din cadrul Centrului OCDE pentru antreprenoriat, IMM-uri, regiuni și orașe",
        },
    },
}

# --- Agenda, in time order (indicative times) ------------------------------------------------
# Each block: kind, starts, ends (local times of day), title, description, order, items.
# Each item: title, starts (local time of day or None), presenters, description, people as
# (name, ItemRole.Role value) pairs.

AGENDA = [
    {
        "kind": "plenary",
        "starts": time(10, 0),
        "ends": time(11, 30),
        "order": 0,
        "title": {
            "en": "Relevance and results of interregional cooperation in the ECoC-SME project",
            "ro": "Relevanța și rezultatele cooperării interregionale din cadrul proiectului "
            "ECoC-SME",
        },
        "description": {},
        "items": [
            {
                "title": {
                    "en": "The European Capital of Culture as a potential laboratory for the New "
                    "European Bauhaus Initiative",
                    "ro": "Capitala Europeană a Culturii ca un laborator potențial pentru "
                    "Inițiativa New European Bauhaus",
                },
                "starts": time(10, 0),
                "presenters": {
                    "en": "Members of the New European Bauhaus Initiative team, European "
                    "Commission Joint Research Centre",
                    "ro": "Membrii echipei Inițiativei New European Bauhaus a Centrului comun de "
                    "cercetare al Comisiei Europene",
                },
                "description": {},
                "people": [],
            },
            {
                "title": {
                    "en": "The value of interregional learning – the legacy of the ECoC-SME "
                    "project",
                    "ro": "Valoarea învățării interregionale – moștenirea proiectului ECoC-SME",
                },
                "starts": time(10, 30),
                "presenters": {},
                "description": {},
                "people": [],
            },
            {
                "title": {
                    "en": "Presentation of the local and regional action plans of the five "
                    "ECoC-SME partners",
                    "ro": "Prezentarea planurilor de acțiune locale și regionale ale celor cinci "
                    "parteneri din cadrul proiectului ECoC-SME",
                },
                "starts": time(10, 50),
                "presenters": {
                    "en": "The project's five partner regions",
                    "ro": "Cele cinci regiuni partenere din proiect",
                },
                "description": {},
                "people": [],
            },
        ],
    },
    {
        "kind": "break",
        "starts": time(11, 30),
        "ends": time(11, 45),
        "order": 0,
        "title": {"en": "Break", "ro": "Pauză"},
        "description": {},
        "items": [],
    },
    {
        "kind": "parallel",
        "starts": time(11, 45),
        "ends": time(13, 0),
        "order": 1,
        "title": {
            "en": "Session 1 Good practice examples from Kaunas – Tradition for community "
            "building and creative economic growth",
            "ro": "Sesiunea 1 Exemple de bune practici din Kaunas – Tradiție pentru construirea "
            "comunității și creștere economică creativă",
        },
        "description": {
            "en": "Regional good practice from Kaunas in community engagement, in promoting the "
            "business and cultural sectors, and in ways of restarting after the pandemic.",
            "ro": "Bune practici regionale (Kaunas) privind implicarea comunității, promovarea "
            "sectorului de business și cultural, precum și moduri de restartare în urma "
            "pandemiei.",
        },
        "items": [],
    },
    {
        "kind": "parallel",
        "starts": time(11, 45),
        "ends": time(13, 0),
        "order": 2,
        "title": {
            "en": "Session 2 Good practice examples from the EU – Cross-sectoral cooperation in "
            "promoting business and cultural environments and improving resilience in/after "
            "the pandemic",
            "ro": "Sesiunea 2 Exemple de bune practici din UE – Cooperare transectorială în "
            "promovarea mediului de afaceri și a mediului cultural și îmbunătățirea rezilienței "
            "în/după pandemie",
        },
        "description": {
            "en": "Interregional good practice from across the EU in community engagement, in "
            "promoting the business and cultural sectors, and in ways of restarting after the "
            "pandemic.",
            "ro": "Bune practici interregionale (UE) privind implicarea comunității, promovarea "
            "sectorului de business și cultural, precum și moduri de restartare în urma "
            "pandemiei.",
        },
        "items": [],
    },
    {
        "kind": "plenary",
        "starts": time(13, 0),
        "ends": time(13, 30),
        "order": 0,
        "title": {"en": "Closing", "ro": "Încheierea seminarului"},
        "description": {},
        "items": [
            {
                "title": {"en": "Closing perspective", "ro": "Perspectivă de încheiere"},
                "starts": time(13, 0),
                "presenters": {},
                "description": {},
                "people": [(TRAVKINA, "closing")],
            },
        ],
    },
]


# The privacy notice registrants accept (GDPR Art. 13), as a public body words it: public task,
# not legitimate interest; the optional consents are separate boxes on the form.
PRIVACY_NOTICE_VERSION = 1
PRIVACY_NOTICE = {
    "en": (
        "Sample notice of the Aula demonstration.\n\n"
        "Who is responsible: Vytautas Magnus University, Centre for Enterprise Practices "
        "(Kaunas), which organises this seminar as a partner of the Interreg Europe project "
        "ECoC-SME (PGI06047). Its data protection officer answers questions about your data "
        "through the contact person named on the seminar page.\n\n"
        "Why and on what basis: to organise the seminar (registration, access to the online "
        "room, reminders, certificates) and to report participation to the programme, as "
        "part of a task carried out in the public interest (GDPR Art. 6(1)(e)).\n\n"
        "Who receives it: the partners of the project; the video-conferencing provider, only "
        "what it needs to let you in; the Interreg Europe programme bodies and auditors, as "
        "participation evidence. The video-conferencing provider may process data outside "
        "the EU under the European Commission's standard contractual clauses.\n\n"
        "How long: participation evidence is kept until the end of the programme's audit "
        "period; everything else is deleted after the seminar's follow-up.\n\n"
        "Your rights: you can see, correct, download and erase your registration from your "
        "personal page, object to the processing, and complain to your data protection "
        "authority. Photos, recordings and the newsletter need your separate consent, which "
        "you can withdraw at any time."
    ),
    "ro": (
        "Notă-model a demonstrației Aula.\n\n"
        "Cine răspunde: Universitatea Vytautas Magnus, Centrul pentru practici antreprenoriale "
        "(Kaunas), care organizează acest seminar ca partener al proiectului Interreg Europe "
        "ECoC-SME (PGI06047). Responsabilul său cu protecția datelor răspunde la întrebările "
        "despre datele dumneavoastră prin persoana de contact indicată pe pagina seminarului.\n\n"
        "De ce și în ce temei: pentru organizarea seminarului (înregistrare, acces în sala "
        "online, mementouri, certificate) și pentru raportarea participării către program, "
        "ca parte a unei sarcini de interes public (art. 6 alin. (1) lit. (e) din GDPR).\n\n"
        "Cine le primește: partenerii proiectului; furnizorul de videoconferință, doar cât îi "
        "trebuie ca să vă permită accesul; organismele și auditorii programului Interreg "
        "Europe, ca dovadă a participării. Furnizorul de videoconferință poate prelucra date "
        "în afara UE, în baza clauzelor contractuale standard ale Comisiei Europene.\n\n"
        "Cât timp: dovezile participării se păstrează până la sfârșitul perioadei de audit a "
        "programului; restul datelor se șterg după încheierea activităților care urmează "
        "seminarului.\n\n"
        "Drepturile dumneavoastră: vă puteți vedea, corecta, descărca și șterge înregistrarea "
        "din pagina personală, vă puteți opune prelucrării și puteți depune o plângere la "
        "autoritatea de protecție a datelor. Fotografiile, înregistrările și buletinul "
        "informativ necesită acordul dumneavoastră separat, pe care îl puteți retrage oricând."
    ),
}
