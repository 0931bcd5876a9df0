"""The demo seminar as data: ECoC-SME's online seminar of 10 June 2021, from Kaunas.

Sources: the Municipality of Timișoara's press release
(shared/seed/press-release-ecoc-sme-2021-06-10.ro.md) for the project's and the seminar's texts,
and shared/reference/interreg.md for the partnership. The Romanian texts follow the press
release; the English ones translate it, and the Lithuanian, Dutch, Italian and Croatian ones
translate the English and Romanian texts as the partners' press offices would write them (each
language's own names: EKS, EPK, CEC for the ECoC; EBPO, OESO, OCSE for the OECD; Temišvar for
Timișoara in Croatian). Nobody is named whom the press release does not name.

The press release gives no times. Those below are indicative, in Kaunas time (the event's time
zone), and the event's description says so in every language.

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
        "lt": "Veiksmai, skatinantys MVĮ augimą ir inovacijas pasitelkiant Europos kultūros "
        "sostinės renginį ir jo palikimą",
        "nl": "Acties om groei en innovatie in het mkb te stimuleren via het evenement Culturele "
        "Hoofdstad van Europa en de nalatenschap ervan",
        "it": "Azioni per stimolare la crescita e l'innovazione delle PMI attraverso l'evento "
        "Capitale europea della cultura e la sua eredità",
        "hr": "Aktivnosti za poticanje rasta i inovacija malih i srednjih poduzeća putem "
        "Europske prijestolnice kulture i njezina nasljeđa",
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
        "lt": (
            "Projektas ECoC-SME Europos kultūros sostinės (EKS) programą vertina kaip galimybę, "
            "kuria miestai ir regionai vis dar per mažai naudojasi plėtodami esamas ir būsimas "
            "vietos mažąsias ir vidutines įmones (MVĮ), ir daugiausia dėmesio skiria EKS "
            "programos potencialui paskatinti, sustiprinti ir įvairinti vietos verslumą. Kartu "
            "su Timišoara projekte dalyvauja buvusių, dabartinių ir būsimų Europos kultūros "
            "sostinių institucijos ir organizacijos: Leeuwarden, EKS 2018 (Nyderlandai), Matera, "
            "EKS 2019 (Italija), Rijeka, EKS 2020 (Kroatija) ir Kaunas, EKS 2022 (Lietuva)."
        ),
        "nl": (
            "Het project ECoC-SME ziet het programma Culturele Hoofdstad van Europa als een kans "
            "die steden en regio's nog te weinig benutten om het lokale mkb, bestaande en "
            "toekomstige ondernemingen, te ontwikkelen, en richt zich op wat het programma kan "
            "doen om lokaal ondernemerschap op gang te brengen, te versterken en te verbreden. "
            "Naast Timișoara nemen instellingen en organisaties deel uit steden die Culturele "
            "Hoofdstad van Europa waren, zijn of worden: Leeuwarden, Culturele Hoofdstad 2018 "
            "(Nederland), Matera, Culturele Hoofdstad 2019 (Italië), Rijeka, Culturele Hoofdstad "
            "2020 (Kroatië) en Kaunas, Culturele Hoofdstad 2022 (Litouwen)."
        ),
        "it": (
            "Il progetto ECoC-SME riconosce nel programma Capitale europea della cultura (CEC) "
            "un'opportunità che città e regioni sfruttano ancora poco per lo sviluppo delle PMI "
            "locali, esistenti e future, e si concentra sul potenziale del programma CEC di "
            "avviare, rafforzare e diversificare l'imprenditorialità locale. Insieme a "
            "Timișoara, partecipano al progetto istituzioni e organizzazioni di città che sono "
            "state, sono o saranno Capitale europea della cultura: Leeuwarden, CEC 2018 (Paesi "
            "Bassi), Matera, CEC 2019 (Italia), Rijeka, CEC 2020 (Croazia) e Kaunas, CEC 2022 "
            "(Lituania)."
        ),
        "hr": (
            "Projekt ECoC-SME u programu Europska prijestolnica kulture (EPK) prepoznaje priliku "
            "koju gradovi i regije još uvijek nedovoljno koriste za razvoj lokalnih malih i "
            "srednjih poduzeća, postojećih i budućih, te se usredotočuje na potencijal programa "
            "EPK da potakne, osnaži i raznoliko razvije lokalno poduzetništvo. Uz Temišvar, u "
            "projektu sudjeluju institucije i organizacije iz bivših, sadašnjih i budućih "
            "Europskih prijestolnica kulture: Leeuwarden, EPK 2018. (Nizozemska), Matera, EPK "
            "2019. (Italija), Rijeka, EPK 2020. (Hrvatska) i Kaunas, EPK 2022. (Litva)."
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
        "ecoc_note": {
            "en": "originally 2021", "ro": "inițial 2021", "lt": "iš pradžių 2021",
            "nl": "oorspronkelijk 2021", "it": "inizialmente 2021", "hr": "prvotno 2021",
        },
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
    "lt": "Pranešime spaudai laikas nenurodytas; čia pateiktas laikas yra orientacinis.",
    "nl": "Het persbericht vermeldt geen tijden; de tijden die hier staan, zijn indicatief.",
    "it": "Il comunicato stampa non indica gli orari; quelli riportati qui sono indicativi.",
    "hr": "Priopćenje za medije ne navodi satnicu; ovdje navedena vremena okvirna su.",
}
DEMO_NOTE = {
    "en": "This is a demonstration copy of the online seminar of 10 June 2021; the date shown "
    "may differ so that you can try registering.",
    "ro": "Aceasta este o copie demonstrativă a seminarului online din 10 iunie 2021; data "
    "afișată poate fi alta, ca să puteți încerca înscrierea.",
    "lt": "Tai demonstracinė 2021 m. birželio 10 d. internetinio seminaro kopija; rodoma data "
    "gali skirtis, kad galėtumėte išbandyti registraciją.",
    "nl": "Dit is een demonstratieversie van het online seminar van 10 juni 2021; de getoonde "
    "datum kan afwijken, zodat u het aanmelden kunt uitproberen.",
    "it": "Questa è una copia dimostrativa del seminario online del 10 giugno 2021; la data "
    "indicata può essere diversa, così da poter provare l'iscrizione.",
    "hr": "Ovo je demonstracijska kopija internetskog seminara od 10. lipnja 2021.; prikazani "
    "datum može se razlikovati kako biste mogli isprobati prijavu.",
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
    "lt": [
        "Seminare, kuris internetu vyks iš Kauno – 2022 m. Europos kultūros sostinės (EKS), – "
        "apžvelgsime pastaruosius dvejus mūsų projekto metus: nagrinėtų temų, tarpregioninių "
        "mainų ir mūsų pasiekimų aktualumą bei reikšmę.",
        "Penki projekto regionai partneriai pristatys savo veiksmų planus – kūrybingas "
        "pastangas rengiant politikos pokyčių veiksmus, kurie padeda tarpsektoriniam "
        "bendradarbiavimui, bendruomenės ir verslo įsitraukimui į EKS palikimą ir kaip jo "
        "daliai.",
        "Taip pat turėsite galimybę išklausyti Ekonominio bendradarbiavimo ir plėtros "
        "organizacijos (EBPO) ekspertus, Europos Komisijos Jungtinio tyrimų centro iniciatyvos "
        "„Naujasis europinis bauhauzas“ komandos narius ir dešimties buvusių, dabartinių ir "
        "būsimų Europos kultūros sostinių atstovus bei su jais padiskutuoti.",
        "Pranešėjai pasidalys regionine (Kauno) ir tarpregionine (ES) gerąja patirtimi, kaip "
        "įtraukti bendruomenę, skatinti verslo ir kultūros sektorius ir atsigauti po "
        "pandemijos.",
    ],
    "nl": [
        "Het seminar wordt online gehouden vanuit Kaunas, Culturele Hoofdstad van Europa 2022, "
        "en blikt terug op de afgelopen twee jaar van ons project: de relevantie en de noodzaak "
        "van de thema's die we hebben behandeld, van onze interregionale uitwisselingen en van "
        "wat we hebben bereikt.",
        "De vijf partnerregio's van het project presenteren hun actieplannen – hun creatieve "
        "inspanningen om beleidsveranderingen te ontwerpen die sectoroverschrijdende "
        "samenwerking en de betrokkenheid van gemeenschappen en bedrijven dienen, binnen en als "
        "onderdeel van de nalatenschap van de Culturele Hoofdstad.",
        "U kunt ook luisteren naar en in gesprek gaan met deskundigen van de Organisatie voor "
        "Economische Samenwerking en Ontwikkeling (OESO), leden van het team van het initiatief "
        "Nieuw Europees Bauhaus van het Gemeenschappelijk Centrum voor onderzoek van de "
        "Europese Commissie, en vertegenwoordigers van tien Culturele Hoofdsteden van Europa "
        "uit het verleden, het heden en de toekomst.",
        "De sprekers delen goede praktijken uit de regio (Kaunas) en uit heel Europa (EU) over "
        "het betrekken van gemeenschappen, het stimuleren van het bedrijfsleven en de culturele "
        "sector, en manieren om na de pandemie opnieuw te beginnen.",
    ],
    "it": [
        "Organizzato online da Kaunas, Capitale europea della cultura (CEC) 2022, il seminario "
        "ripercorrerà gli ultimi due anni del nostro progetto: la rilevanza e la necessità dei "
        "temi affrontati, dei nostri scambi interregionali e dei risultati raggiunti.",
        "Le cinque regioni partner del progetto presenteranno i loro Piani d'azione – il loro "
        "impegno creativo nell'ideare azioni di cambiamento delle politiche al servizio della "
        "cooperazione intersettoriale e del coinvolgimento della comunità e delle imprese, "
        "nell'eredità della CEC e come sua parte integrante.",
        "Sarà inoltre possibile ascoltare e confrontarsi con esperti dell'Organizzazione per la "
        "cooperazione e lo sviluppo economico (OCSE), con i membri del gruppo dell'iniziativa "
        "Nuovo Bauhaus europeo del Centro comune di ricerca della Commissione europea e con "
        "rappresentanti di dieci Capitali europee della cultura passate, presenti e future.",
        "I relatori condivideranno buone pratiche regionali (Kaunas) e interregionali (UE) sul "
        "coinvolgimento della comunità, sulla promozione del settore imprenditoriale e "
        "culturale e sui modi per ripartire dopo la pandemia.",
    ],
    "hr": [
        "Seminar, koji se održava online iz Kaunasa, Europske prijestolnice kulture (EPK) "
        "2022., osvrće se na posljednje dvije godine našeg projekta: na važnost i potrebu tema "
        "kojima smo se bavili, naših međuregionalnih razmjena i naših postignuća.",
        "Pet partnerskih regija projekta predstavit će svoje akcijske planove – svoj kreativni "
        "trud u osmišljavanju mjera za promjenu politika koje služe međusektorskoj suradnji te "
        "uključivanju zajednice i poslovnog sektora u nasljeđe EPK-a i kao njegova dijela.",
        "Imat ćete i priliku slušati i razgovarati sa stručnjacima Organizacije za ekonomsku "
        "suradnju i razvoj (OECD), članovima tima inicijative Novi europski Bauhaus "
        "Zajedničkog istraživačkog centra Europske komisije te predstavnicima deset bivših, "
        "sadašnjih i budućih Europskih prijestolnica kulture.",
        "Govornici će podijeliti regionalne (Kaunas) i međuregionalne (EU) primjere dobre "
        "prakse u uključivanju zajednice, promicanju poslovnog i kulturnog sektora te načinima "
        "ponovnog pokretanja nakon pandemije.",
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
        "lt": "Regionų ir Europos kultūros sostinių atsparumas įtraukiant bendruomenę ir verslą",
        "nl": "Veerkracht van regio's en Culturele Hoofdsteden van Europa door betrokkenheid van "
        "gemeenschap en bedrijfsleven",
        "it": "Resilienza delle regioni e delle Capitali europee della cultura attraverso il "
        "coinvolgimento della comunità e delle imprese",
        "hr": "Otpornost regija i Europskih prijestolnica kulture kroz uključivanje zajednice i "
        "poslovnog sektora",
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
        "lt": "Interreg Europe projekto ECoC-SME internetinis seminaras iš Kauno – 2022 m. "
        "Europos kultūros sostinės: dvejų metų tarpregioninio bendradarbiavimo aktualumas ir "
        "rezultatai, penkių regionų partnerių veiksmų planai ir Kauno bei ES geroji patirtis "
        "įtraukiant bendruomenes ir verslą.",
        "nl": "Een online seminar van het Interreg Europe-project ECoC-SME vanuit Kaunas, "
        "Culturele Hoofdstad van Europa 2022: de relevantie en resultaten van twee jaar "
        "interregionale samenwerking, de actieplannen van de vijf partnerregio's en goede "
        "praktijken uit Kaunas en de EU voor het betrekken van gemeenschappen en bedrijven.",
        "it": "Seminario online del progetto Interreg Europe ECoC-SME, organizzato da Kaunas, "
        "Capitale europea della cultura 2022: rilevanza e risultati di due anni di cooperazione "
        "interregionale, i piani d'azione delle cinque regioni partner e buone pratiche da "
        "Kaunas e dall'UE per il coinvolgimento delle comunità e delle imprese.",
        "hr": "Internetski seminar projekta ECoC-SME programa Interreg Europe, koji se održava "
        "iz Kaunasa, Europske prijestolnice kulture 2022.: važnost i rezultati dviju godina "
        "međuregionalne suradnje, akcijski planovi pet partnerskih regija te primjeri dobre "
        "prakse iz Kaunasa i EU-a u uključivanju zajednica i poduzeća.",
    },
    "description": {
        lang: "\n\n".join([*paragraphs, f"{TIMES_NOTE[lang]} {DEMO_NOTE[lang]}"])
        for lang, paragraphs in DESCRIPTION_PARAGRAPHS.items()
    },
    "format": "online",
    "location": {
        "en": "online, from Kaunas", "ro": "online, din Kaunas", "lt": "internetu, iš Kauno",
        "nl": "online, vanuit Kaunas", "it": "online, da Kaunas", "hr": "online, iz Kaunasa",
    },
    "time_zone": "Europe/Vilnius",
    "status": "published",
    "capacity": 300,
    # A placeholder, never a real meeting: example.org is reserved for documentation.
    "meeting_url": "https://meet.example.org/ecoc-sme-resilience",
    "contact_name": "Lavinia Simion",
    "contact_role": {
        "en": "project manager", "ro": "manager de proiect", "lt": "projekto vadovė",
        "nl": "projectmanager", "it": "responsabile di progetto", "hr": "voditeljica projekta",
    },
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
            "lt": "EBPO Verslumo, MVĮ, regionų ir miestų centro Kultūros, kūrybinių industrijų "
            "ir vietos plėtros koordinatorė",
            "nl": "coördinator Cultuur, creatieve industrie en lokale ontwikkeling, OESO-centrum "
            "voor ondernemerschap, mkb, regio's en steden",
            "it": "coordinatrice Cultura, industrie creative e sviluppo locale, Centro OCSE per "
            "l'imprenditorialità, le PMI, le regioni e le città",
            "hr": "koordinatorica za kulturu, kreativne industrije i lokalni razvoj, OECD-ov "
            "Centar za poduzetništvo, mala i srednja poduzeća, regije i gradove",
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
            "lt": "Tarpregioninio bendradarbiavimo projekte ECoC-SME aktualumas ir rezultatai",
            "nl": "Relevantie en resultaten van de interregionale samenwerking in het project "
            "ECoC-SME",
            "it": "Rilevanza e risultati della cooperazione interregionale nel progetto ECoC-SME",
            "hr": "Važnost i rezultati međuregionalne suradnje u projektu ECoC-SME",
        },
        "description": {},
        "items": [
            {
                "title": {
                    "en": "The European Capital of Culture as a potential laboratory for the New "
                    "European Bauhaus Initiative",
                    "ro": "Capitala Europeană a Culturii ca un laborator potențial pentru "
                    "Inițiativa New European Bauhaus",
                    "lt": "Europos kultūros sostinė kaip galima iniciatyvos „Naujasis europinis "
                    "bauhauzas“ laboratorija",
                    "nl": "De Culturele Hoofdstad van Europa als mogelijk laboratorium voor het "
                    "initiatief Nieuw Europees Bauhaus",
                    "it": "La Capitale europea della cultura come potenziale laboratorio per "
                    "l'iniziativa Nuovo Bauhaus europeo",
                    "hr": "Europska prijestolnica kulture kao mogući laboratorij za inicijativu "
                    "Novi europski Bauhaus",
                },
                "starts": time(10, 0),
                "presenters": {
                    "en": "Members of the New European Bauhaus Initiative team, European "
                    "Commission Joint Research Centre",
                    "ro": "Membrii echipei Inițiativei New European Bauhaus a Centrului comun de "
                    "cercetare al Comisiei Europene",
                    "lt": "Europos Komisijos Jungtinio tyrimų centro iniciatyvos „Naujasis "
                    "europinis bauhauzas“ komandos nariai",
                    "nl": "Leden van het team van het initiatief Nieuw Europees Bauhaus, "
                    "Gemeenschappelijk Centrum voor onderzoek van de Europese Commissie",
                    "it": "Membri del gruppo dell'iniziativa Nuovo Bauhaus europeo, Centro comune "
                    "di ricerca della Commissione europea",
                    "hr": "Članovi tima inicijative Novi europski Bauhaus, Zajednički istraživački "
                    "centar Europske komisije",
                },
                "description": {},
                "people": [],
            },
            {
                "title": {
                    "en": "The value of interregional learning – the legacy of the ECoC-SME "
                    "project",
                    "ro": "Valoarea învățării interregionale – moștenirea proiectului ECoC-SME",
                    "lt": "Tarpregioninio mokymosi vertė – projekto ECoC-SME palikimas",
                    "nl": "De waarde van interregionaal leren – de nalatenschap van het project "
                    "ECoC-SME",
                    "it": "Il valore dell'apprendimento interregionale – l'eredità del progetto "
                    "ECoC-SME",
                    "hr": "Vrijednost međuregionalnog učenja – nasljeđe projekta ECoC-SME",
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
                    "lt": "Penkių projekto ECoC-SME partnerių vietos ir regioninių veiksmų planų "
                    "pristatymas",
                    "nl": "Presentatie van de lokale en regionale actieplannen van de vijf "
                    "partners van ECoC-SME",
                    "it": "Presentazione dei piani d'azione locali e regionali dei cinque partner "
                    "del progetto ECoC-SME",
                    "hr": "Predstavljanje lokalnih i regionalnih akcijskih planova pet partnera "
                    "projekta ECoC-SME",
                },
                "starts": time(10, 50),
                "presenters": {
                    "en": "The project's five partner regions",
                    "ro": "Cele cinci regiuni partenere din proiect",
                    "lt": "Penki projekto regionai partneriai",
                    "nl": "De vijf partnerregio's van het project",
                    "it": "Le cinque regioni partner del progetto",
                    "hr": "Pet partnerskih regija projekta",
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
        "title": {
            "en": "Break", "ro": "Pauză", "lt": "Pertrauka", "nl": "Pauze", "it": "Pausa",
            "hr": "Stanka",
        },
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
            "lt": "1 sesija. Gerosios patirties pavyzdžiai iš Kauno – tradicija bendruomenei "
            "telkti ir kūrybiniam ekonomikos augimui",
            "nl": "Sessie 1 Voorbeelden van goede praktijk uit Kaunas – Traditie voor "
            "gemeenschapsvorming en creatieve economische groei",
            "it": "Sessione 1 Esempi di buone pratiche da Kaunas – La tradizione per costruire "
            "comunità e crescita economica creativa",
            "hr": "Sesija 1. Primjeri dobre prakse iz Kaunasa – tradicija za izgradnju zajednice "
            "i kreativni gospodarski rast",
        },
        "description": {
            "en": "Regional good practice from Kaunas in community engagement, in promoting the "
            "business and cultural sectors, and in ways of restarting after the pandemic.",
            "ro": "Bune practici regionale (Kaunas) privind implicarea comunității, promovarea "
            "sectorului de business și cultural, precum și moduri de restartare în urma "
            "pandemiei.",
            "lt": "Regioninė geroji patirtis iš Kauno: bendruomenės įtraukimas, verslo ir "
            "kultūros sektorių skatinimas ir atsigavimo po pandemijos būdai.",
            "nl": "Goede praktijken uit de regio Kaunas over het betrekken van gemeenschappen, "
            "het stimuleren van het bedrijfsleven en de culturele sector, en manieren om na de "
            "pandemie opnieuw te beginnen.",
            "it": "Buone pratiche regionali da Kaunas sul coinvolgimento della comunità, sulla "
            "promozione del settore imprenditoriale e culturale e sui modi per ripartire dopo "
            "la pandemia.",
            "hr": "Regionalni primjeri dobre prakse iz Kaunasa u uključivanju zajednice, "
            "promicanju poslovnog i kulturnog sektora te načinima ponovnog pokretanja nakon "
            "pandemije.",
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
            "lt": "2 sesija. Gerosios patirties pavyzdžiai iš ES – tarpsektorinis "
            "bendradarbiavimas skatinant verslo ir kultūros aplinką ir didinant atsparumą "
            "pandemijos metu ir po jos",
            "nl": "Sessie 2 Voorbeelden van goede praktijk uit de EU – Sectoroverschrijdende "
            "samenwerking om ondernemerschap en cultuur te bevorderen en de veerkracht tijdens "
            "en na de pandemie te vergroten",
            "it": "Sessione 2 Esempi di buone pratiche dall'UE – Cooperazione intersettoriale per "
            "promuovere l'ambiente imprenditoriale e culturale e migliorare la resilienza "
            "durante e dopo la pandemia",
            "hr": "Sesija 2. Primjeri dobre prakse iz EU-a – međusektorska suradnja u promicanju "
            "poslovnog i kulturnog okruženja te jačanju otpornosti tijekom i nakon pandemije",
        },
        "description": {
            "en": "Interregional good practice from across the EU in community engagement, in "
            "promoting the business and cultural sectors, and in ways of restarting after the "
            "pandemic.",
            "ro": "Bune practici interregionale (UE) privind implicarea comunității, promovarea "
            "sectorului de business și cultural, precum și moduri de restartare în urma "
            "pandemiei.",
            "lt": "Tarpregioninė geroji patirtis iš visos ES: bendruomenės įtraukimas, verslo ir "
            "kultūros sektorių skatinimas ir atsigavimo po pandemijos būdai.",
            "nl": "Interregionale goede praktijken uit de hele EU over het betrekken van "
            "gemeenschappen, het stimuleren van het bedrijfsleven en de culturele sector, en "
            "manieren om na de pandemie opnieuw te beginnen.",
            "it": "Buone pratiche interregionali da tutta l'UE sul coinvolgimento della "
            "comunità, sulla promozione del settore imprenditoriale e culturale e sui modi per "
            "ripartire dopo la pandemia.",
            "hr": "Međuregionalni primjeri dobre prakse iz cijelog EU-a u uključivanju "
            "zajednice, promicanju poslovnog i kulturnog sektora te načinima ponovnog "
            "pokretanja nakon pandemije.",
        },
        "items": [],
    },
    {
        "kind": "plenary",
        "starts": time(13, 0),
        "ends": time(13, 30),
        "order": 0,
        "title": {
            "en": "Closing", "ro": "Încheierea seminarului", "lt": "Seminaro pabaiga",
            "nl": "Afsluiting", "it": "Chiusura", "hr": "Završetak seminara",
        },
        "description": {},
        "items": [
            {
                "title": {
                    "en": "Closing perspective", "ro": "Perspectivă de încheiere",
                    "lt": "Baigiamasis žvilgsnis", "nl": "Afsluitende beschouwing",
                    "it": "Prospettiva conclusiva", "hr": "Završni osvrt",
                },
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
    "lt": (
        "Aula demonstracinės versijos pavyzdinis pranešimas.\n\n"
        "Kas atsako: Vytauto Didžiojo universiteto Verslo praktikų centras (Kaunas), kuris "
        "organizuoja šį seminarą kaip Interreg Europe projekto ECoC-SME (PGI06047) partneris. "
        "Jo duomenų apsaugos pareigūnas į klausimus apie jūsų duomenis atsako per seminaro "
        "puslapyje nurodytą kontaktinį asmenį.\n\n"
        "Kodėl ir kokiu pagrindu: kad būtų surengtas seminaras (registracija, prieiga prie "
        "virtualios salės, priminimai, pažymėjimai) ir programai būtų pranešta apie "
        "dalyvavimą, vykdant užduotį, atliekamą viešojo intereso labui (BDAR 6 straipsnio 1 "
        "dalies e punktas).\n\n"
        "Kas juos gauna: projekto partneriai; vaizdo konferencijų paslaugos teikėjas – tik tiek, "
        "kiek reikia, kad galėtumėte prisijungti; Interreg Europe programos institucijos ir "
        "auditoriai – kaip dalyvavimo įrodymą. Vaizdo konferencijų paslaugos teikėjas gali "
        "tvarkyti duomenis už ES ribų pagal Europos Komisijos standartines sutarčių "
        "sąlygas.\n\n"
        "Kiek laiko: dalyvavimo įrodymai saugomi iki programos audito laikotarpio pabaigos; "
        "visi kiti duomenys ištrinami, kai baigiama su seminaru susijusi tolesnė veikla.\n\n"
        "Jūsų teisės: savo asmeniniame puslapyje galite peržiūrėti, ištaisyti, atsisiųsti ir "
        "ištrinti savo registraciją, nesutikti, kad duomenys būtų tvarkomi, ir pateikti skundą "
        "duomenų apsaugos priežiūros institucijai. Nuotraukoms, įrašams ir naujienlaiškiui "
        "reikia atskiro jūsų sutikimo, kurį galite bet kada atšaukti."
    ),
    "nl": (
        "Voorbeeldverklaring van de Aula-demonstratie.\n\n"
        "Wie is verantwoordelijk: Vytautas Magnus-universiteit, Centrum voor "
        "Ondernemerspraktijk (Kaunas), dat dit seminar organiseert als partner in het "
        "Interreg Europe-project ECoC-SME (PGI06047). De functionaris voor gegevensbescherming "
        "van de universiteit beantwoordt vragen over uw gegevens via de contactpersoon die op "
        "de seminarpagina staat.\n\n"
        "Waarom en op welke grondslag: om het seminar te organiseren (aanmelding, toegang tot "
        "de online zaal, herinneringen, certificaten) en om de deelname aan het programma te "
        "melden, als onderdeel van een taak van algemeen belang (artikel 6, lid 1, onder e, "
        "AVG).\n\n"
        "Wie ontvangt ze: de partners van het project; de aanbieder van de videoverbinding, "
        "alleen wat die nodig heeft om u toegang te geven; de instanties en auditors van het "
        "programma Interreg Europe, als bewijs van deelname. De aanbieder van de "
        "videoverbinding kan gegevens buiten de EU verwerken op basis van de "
        "modelcontractbepalingen van de Europese Commissie.\n\n"
        "Hoe lang: het bewijs van deelname wordt bewaard tot het einde van de auditperiode van "
        "het programma; al het andere wordt gewist zodra de nazorg van het seminar is "
        "afgerond.\n\n"
        "Uw rechten: op uw persoonlijke pagina kunt u uw aanmelding inzien, corrigeren, "
        "downloaden en wissen; u kunt bezwaar maken tegen de verwerking en een klacht indienen "
        "bij de toezichthouder voor gegevensbescherming. Voor foto's, opnamen en de nieuwsbrief "
        "is uw afzonderlijke toestemming nodig, die u altijd kunt intrekken."
    ),
    "it": (
        "Informativa di esempio della dimostrazione di Aula.\n\n"
        "Chi è responsabile: l'Università Vytautas Magnus, Centro per le pratiche d'impresa "
        "(Kaunas), che organizza questo seminario in qualità di partner del progetto Interreg "
        "Europe ECoC-SME (PGI06047). Il suo responsabile della protezione dei dati risponde "
        "alle domande sui Suoi dati tramite la persona di contatto indicata nella pagina del "
        "seminario.\n\n"
        "Perché e su quale base: per organizzare il seminario (iscrizione, accesso alla sala "
        "online, promemoria, attestati) e per rendicontare la partecipazione al programma, "
        "nell'ambito dell'esecuzione di un compito di interesse pubblico (art. 6, par. 1, "
        "lett. e), del GDPR).\n\n"
        "Chi li riceve: i partner del progetto; il fornitore del servizio di videoconferenza, "
        "solo quanto gli serve per farLa accedere; gli organismi e i revisori del programma "
        "Interreg Europe, come prova della partecipazione. Il fornitore del servizio di "
        "videoconferenza può trattare dati al di fuori dell'UE sulla base delle clausole "
        "contrattuali tipo della Commissione europea.\n\n"
        "Per quanto tempo: le prove della partecipazione sono conservate fino al termine del "
        "periodo di audit del programma; tutti gli altri dati sono cancellati al termine delle "
        "attività successive al seminario.\n\n"
        "I Suoi diritti: dalla Sua pagina personale può consultare, rettificare, scaricare e "
        "cancellare la Sua iscrizione, opporsi al trattamento e proporre reclamo all'autorità "
        "di controllo per la protezione dei dati. Foto, registrazioni e newsletter richiedono "
        "il Suo consenso separato, che può revocare in qualsiasi momento."
    ),
    "hr": (
        "Ogledna obavijest demonstracije Aule.\n\n"
        "Tko je odgovoran: Sveučilište Vytautas Magnus, Centar za poduzetničku praksu "
        "(Kaunas), koje organizira ovaj seminar kao partner projekta ECoC-SME (PGI06047) "
        "programa Interreg Europe. Njegov službenik za zaštitu podataka odgovara na pitanja o "
        "vašim podacima putem osobe za kontakt navedene na stranici seminara.\n\n"
        "Zašto i na kojoj osnovi: radi organizacije seminara (prijava, pristup virtualnoj "
        "dvorani, podsjetnici, potvrde) i izvješćivanja programa o sudjelovanju, u okviru "
        "zadaće od javnog interesa (članak 6. stavak 1. točka (e) Opće uredbe o zaštiti "
        "podataka).\n\n"
        "Tko ih prima: partneri projekta; pružatelj usluge videokonferencije, samo ono što mu "
        "je potrebno da vam omogući pristup; tijela i revizori programa Interreg Europe, kao "
        "dokaz sudjelovanja. Pružatelj usluge videokonferencije može obrađivati podatke izvan "
        "EU-a na temelju standardnih ugovornih klauzula Europske komisije.\n\n"
        "Koliko dugo: dokazi o sudjelovanju čuvaju se do kraja razdoblja revizije programa; "
        "svi ostali podaci brišu se nakon završetka aktivnosti koje slijede nakon "
        "seminara.\n\n"
        "Vaša prava: na svojoj osobnoj stranici možete pregledati, ispraviti, preuzeti i "
        "izbrisati svoju prijavu, uložiti prigovor na obradu i podnijeti pritužbu nadzornom "
        "tijelu za zaštitu podataka. Za fotografije, snimke i bilten potrebna je vaša zasebna "
        "privola, koju možete povući u bilo kojem trenutku."
    ),
}


# Registrants confirm their address by a link, as in every new event.
REGISTRATION_OPTIONS = {"double_opt_in": True}
