"""Names, numbers and phrases the demo database is built from (see :mod:`deskapp.core.demo.builder`).

The text here is *data* (customers' names, case subjects and notes in the brand's language), not
user-interface text, so it is not translated.
"""

from __future__ import annotations

from dataclasses import dataclass

from deskapp.core.domain.enums import PurchasePhase, SupportStage


@dataclass(frozen=True, slots=True)
class BrandSpec:
    """A client company of the demo desk."""

    code: str
    name: str
    region: str
    locale: str


@dataclass(frozen=True, slots=True)
class AgentSpec:
    """A demo sign-in; the password is ``demo-<username>``."""

    username: str
    display_name: str
    role: str
    ui_locale: str
    languages: str


@dataclass(frozen=True, slots=True)
class RegionSpec:
    """How customers of one country are made up."""

    prefix: str  # account number prefix
    brand: str
    region: str  # phone region
    locales: tuple[tuple[str, int], ...]  # preferred locale and its weight
    weight: int
    phone_prefixes: tuple[str, ...]  # E.164 without the subscriber digits
    subscriber_digits: int
    email_domains: tuple[str, ...]
    given_female: tuple[str, ...]
    given_male: tuple[str, ...]
    family: tuple[str, ...]
    double_family: bool = False  # Spanish: two surnames


BRANDS = (
    BrandSpec("nordtel", "Nordic Telecom", "FI", "fi"),
    BrandSpec("luzon", "Luzon Power & Light", "PH", "fil"),
    BrandSpec("iberia", "Iberia Hogar", "ES", "es"),
    BrandSpec("northwind", "Northwind Supplies", "GB", "en"),
    BrandSpec("internal", "Internal service desk", "FI", "en"),
)

AGENTS = (
    AgentSpec("anna", "Anna Virtanen", "rep", "fi", "fi,en"),
    AgentSpec("jose", "José Ramírez", "rep", "es", "es,en"),
    AgentSpec("maria", "Maria Santos", "rep", "fil", "fil,en"),
    AgentSpec("sam", "Sam Taylor", "supervisor", "en", "en"),
    AgentSpec("admin", "Desk Administrator", "admin", "en", "en"),
)

FI = RegionSpec(
    "FI", "nordtel", "FI", (("fi", 90), ("en", 10)), 30,
    ("+35840", "+35841", "+35844", "+35845", "+35850"), 7,
    ("example.com", "posti.example.net", "koti.example.org"),
    ("Aino", "Helmi", "Sanna", "Päivi", "Tuula", "Minna", "Kaisa", "Eeva", "Liisa", "Johanna", "Sari",
     "Anu", "Riikka", "Satu", "Pirjo", "Elina", "Henna", "Noora"),
    ("Jukka", "Matti", "Pekka", "Timo", "Antti", "Juha", "Mikko", "Kari", "Ville", "Jari", "Heikki",
     "Tapio", "Eero", "Lauri", "Onni", "Väinö", "Jyrki", "Ilkka"),
    ("Mäkinen", "Virtanen", "Korhonen", "Nieminen", "Mäki-Petäjä", "Hämäläinen", "Laine", "Heikkinen",
     "Koskinen", "Järvinen", "Lehtonen", "Lehtinen", "Saarinen", "Salminen", "Heinonen", "Niemi",
     "Kärkkäinen", "Jääskeläinen", "Ylä-Outinen", "Peltonen", "Räsänen", "Öhman", "Åström", "Kettunen"),
)
PH = RegionSpec(
    "PH", "luzon", "PH", (("fil", 60), ("en", 40)), 25,
    ("+63917", "+63918", "+63919", "+63920", "+63927", "+63947", "+63995"), 7,
    ("example.com", "mail.example.net", "example.org"),
    ("Ma. Cristina", "Maricel", "Rowena", "Jocelyn", "Lourdes", "Ma. Theresa", "Rosalinda", "Angelica",
     "Kristine Joy", "Liezl", "Marites", "Divina", "Imelda", "Charmaine"),
    ("Jose Rizal", "Rommel", "Jun-Jun", "Ramon", "Eduardo", "Rodel", "Mark Anthony", "Reynaldo",
     "Bong", "Ferdinand", "Arnel", "Jericho", "Noel", "Danilo"),
    ("Dela Cruz", "Santos", "Reyes", "Bautista", "Macaraeg", "Garcia", "Mendoza", "Villanueva", "Ramos",
     "Aquino", "Castillo", "De Guzman", "Dimaculangan", "Pangilinan", "Magsaysay", "Tolentino",
     "Dizon", "Manalastas", "Soriano", "Del Rosario"),
)
ES = RegionSpec(
    "ES", "iberia", "ES", (("es", 95), ("en", 5)), 20,
    tuple(f"+346{d}" for d in "0123456789"), 7,
    ("example.com", "correo.example.net", "example.org"),
    ("Dolores", "Carmen", "María José", "Lucía", "Pilar", "Begoña", "Ainhoa", "Nuria", "Montserrat",
     "Inés", "Rocío", "Concepción", "Elena", "Marta"),
    ("José", "Antonio", "Javier", "Íñigo", "Jesús", "Manuel", "Francisco", "Álvaro", "Sergio",
     "Jordi", "Rubén", "Andrés", "Óscar", "Pablo"),
    ("Muñoz", "Núñez", "García", "Fernández", "Peña", "Martínez", "López", "Sánchez", "Pérez", "Gómez",
     "Jiménez", "Ruiz", "Hernández", "Díaz", "Álvarez", "Romero", "Ibáñez", "Castaño", "Rodríguez",
     "Ortega", "Suárez", "Yáñez"),
    double_family=True,
)
GB = RegionSpec(
    "GB", "northwind", "GB", (("en", 100),), 12,
    tuple(f"+447{d}" for d in ("400", "500", "700", "701", "710", "723", "753", "800", "825", "900",
                               "930", "958")), 6,
    ("example.com", "example.co.uk", "mail.example.org"),
    ("Siobhan", "Emma", "Olivia", "Charlotte", "Niamh", "Gemma", "Harriet", "Sophie", "Aoife", "Zara"),
    ("Oliver", "Jack", "Harry", "Liam", "Callum", "Rhys", "Dylan", "Ewan", "Tom", "Aled"),
    ("O'Brien", "Smith", "Taylor", "Jones", "Williams", "Brown", "Davies", "Evans", "Wilson", "Thomas",
     "O'Connor", "McAllister", "Fitzgerald", "Smith-Jones", "Ó Súilleabháin", "Patel", "Khan"),
)
US = RegionSpec(
    "US", "northwind", "US", (("en", 90), ("es", 10)), 5,
    ("+1212", "+1312", "+1415", "+1617", "+1512", "+1206", "+1303", "+1404"), 7,
    ("example.com", "example.net"),
    ("Jennifer", "Ashley", "Madison", "Guadalupe", "Keisha", "Megan"),
    ("Michael", "Tyler", "DeShawn", "Brandon", "Carlos", "Cody"),
    ("Johnson", "Miller", "Davis", "Rodriguez", "Washington", "Nguyen", "Kowalski", "O'Neil"),
)
INTERNAL = RegionSpec(
    "INT", "internal", "FI", (("en", 70), ("fi", 30)), 8,
    ("+35840", "+35850"), 7,
    ("corp.example.com",),
    FI.given_female[:8] + GB.given_female[:4],
    FI.given_male[:8] + GB.given_male[:4],
    FI.family[:12] + GB.family[:6],
)
REGIONS = (FI, PH, ES, GB, US, INTERNAL)

DEPARTMENTS = ("Finance", "IT", "HR", "Facilities", "Sales", "Marketing", "Legal", "Logistics")

# Subscriber digits must not start with 0 or 1 in these plans (phonenumbers rejects some).
SUBSCRIBER_FIRST_DIGITS = "23456789"

AGE_BANDS = ("18-24", "25-34", "35-44", "45-54", "55-64", "65+")
GENDERS = ("female", "male", "non-binary")
INCOME_BANDS = ("low", "lower middle", "middle", "upper middle", "high")
LIFESTYLES = ("student", "family with children", "retired", "urban professional", "rural", "commuter",
              "works from home", "small business owner")
OCCUPATIONS = ("nurse", "teacher", "electrician", "software developer", "farmer", "shop assistant",
               "accountant", "driver", "civil servant", "student", "retired", "chef", "engineer",
               "call-centre agent", "entrepreneur", "cleaner")
ALERTS = ("hard of hearing", "VIP", "fraud watch", "prefers email")

# The subjects per support stage, in each brand's language.
SUBJECTS: dict[str, dict[SupportStage, tuple[str, ...]]] = {
    "nordtel": {
        SupportStage.PLANNING: ("Liittymävaihtoehdot uuteen kotiin", "Yritysliittymän tarjouspyyntö"),
        SupportStage.INSTALLATION: ("Valokuidun asennusaika", "Reitittimen kytkentä ei onnistu"),
        SupportStage.TRAINING: ("Opastus mobiilivarmenteen käyttöön", "Neuvonta sähköpostin asetuksiin"),
        SupportStage.TROUBLESHOOTING: ("Netti katkeilee iltaisin", "Puhelut katkeavat kesken",
                                       "TV-kanava ei näy"),
        SupportStage.MAINTENANCE: ("Huoltokatko alueella", "Reitittimen ohjelmistopäivitys"),
        SupportStage.UPGRADING: ("Nopeampi liittymä", "Liittymän vaihto 5G:hen"),
        SupportStage.DISPOSAL: ("Vanhan modeemin palautus", "Liittymän irtisanominen"),
        SupportStage.OTHER: ("Laskun eräpäivän siirto", "Osoitteenmuutos"),
    },
    "luzon": {
        SupportStage.PLANNING: ("Bagong koneksyon ng kuryente", "Tanong tungkol sa solar net metering"),
        SupportStage.INSTALLATION: ("Pagkabit ng bagong metro", "Schedule ng service drop installation"),
        SupportStage.TRAINING: ("Paano gamitin ang prepaid load app", "Paliwanag sa bill breakdown"),
        SupportStage.TROUBLESHOOTING: ("Brownout sa aming barangay", "Mataas na singil ngayong buwan",
                                       "Nasusunog na amoy sa metro"),
        SupportStage.MAINTENANCE: ("Scheduled power interruption", "Putol na kable sa poste"),
        SupportStage.UPGRADING: ("Pag-upgrade sa three-phase service", "Dagdag load para sa aircon"),
        SupportStage.DISPOSAL: ("Pagtanggal ng lumang metro", "Pagputol ng serbisyo sa lumang bahay"),
        SupportStage.OTHER: ("Paglipat ng account sa bagong may-ari", "Kopya ng resibo"),
    },
    "iberia": {
        SupportStage.PLANNING: ("Presupuesto para cocina nueva", "Consulta sobre financiación"),
        SupportStage.INSTALLATION: ("Instalación del lavavajillas", "Montaje del armario empotrado"),
        SupportStage.TRAINING: ("Cómo usar el horno pirolítico", "Programar la caldera por la app"),
        SupportStage.TROUBLESHOOTING: ("La lavadora no centrifuga", "El frigorífico hace ruido",
                                       "Vitrocerámica con código de error"),
        SupportStage.MAINTENANCE: ("Revisión anual de la caldera", "Cambio de filtro del purificador"),
        SupportStage.UPGRADING: ("Cambio a frigorífico más grande", "Ampliar la garantía"),
        SupportStage.DISPOSAL: ("Retirada del electrodoméstico viejo", "Devolución de sofá defectuoso"),
        SupportStage.OTHER: ("Cambio de dirección de entrega", "Duplicado de factura"),
    },
    "northwind": {
        SupportStage.PLANNING: ("Quote for 40 office chairs", "Stationery contract for new branch"),
        SupportStage.INSTALLATION: ("Printer installation at new office", "Desk delivery and assembly"),
        SupportStage.TRAINING: ("Training on the ordering portal", "How to set approval limits"),
        SupportStage.TROUBLESHOOTING: ("Toner cartridge not recognised", "Order stuck in processing",
                                       "Wrong items delivered"),
        SupportStage.MAINTENANCE: ("Service visit for shredders", "Quarterly printer maintenance"),
        SupportStage.UPGRADING: ("Upgrade to managed print service", "Move to next-day delivery tier"),
        SupportStage.DISPOSAL: ("Recycling old printers", "Return of damaged chairs"),
        SupportStage.OTHER: ("Invoice copy request", "Change of billing contact"),
    },
    "internal": {
        SupportStage.PLANNING: ("Laptops for three new starters", "Meeting room booking system"),
        SupportStage.INSTALLATION: ("Install accounting software", "Set up second monitor"),
        SupportStage.TRAINING: ("Training on the expense tool", "How to use the shared calendar"),
        SupportStage.TROUBLESHOOTING: ("VPN does not connect", "Cannot print to 3rd floor printer",
                                       "Payroll report shows wrong totals"),
        SupportStage.MAINTENANCE: ("Replace projector bulb in room B2", "Air conditioning service"),
        SupportStage.UPGRADING: ("Upgrade office suite licences", "More storage for shared drive"),
        SupportStage.DISPOSAL: ("Dispose of old monitors", "Shred archived contracts"),
        SupportStage.OTHER: ("New access badge", "Parking permit"),
    },
}

# The purchase phases that make sense for each stage (the first is the most common).
PHASES_FOR_STAGE: dict[SupportStage, tuple[PurchasePhase, ...]] = {
    SupportStage.PLANNING: (PurchasePhase.BEFORE, PurchasePhase.DURING),
    SupportStage.INSTALLATION: (PurchasePhase.DURING, PurchasePhase.AFTER),
    SupportStage.TRAINING: (PurchasePhase.AFTER, PurchasePhase.DURING),
    SupportStage.TROUBLESHOOTING: (PurchasePhase.AFTER,),
    SupportStage.MAINTENANCE: (PurchasePhase.AFTER,),
    SupportStage.UPGRADING: (PurchasePhase.BEFORE, PurchasePhase.AFTER),
    SupportStage.DISPOSAL: (PurchasePhase.AFTER,),
    SupportStage.OTHER: (PurchasePhase.AFTER, PurchasePhase.BEFORE, PurchasePhase.DURING),
}

# Note texts per customer language: a first note and follow-ups that become later revisions.
NOTE_OPENINGS: dict[str, tuple[str, ...]] = {
    "fi": ("Asiakas soitti ja kertoi ongelmasta. Tarkistettu tunnistautuminen.",
           "Asiakas kävi tiskillä. Käytiin tilanne läpi yhdessä.",
           "Sähköposti vastaanotettu, vastattu asiakkaalle ja pyydetty lisätietoja."),
    "fil": ("Tumawag ang customer tungkol sa problema. Na-verify ang account.",
            "Pumunta ang customer sa counter. Ipinaliwanag ang proseso.",
            "Natanggap ang email ng customer; humingi ng karagdagang detalye."),
    "es": ("El cliente llamó para explicar la incidencia. Identidad verificada.",
           "El cliente vino al mostrador. Revisamos el caso juntos.",
           "Recibido correo del cliente; se le piden más datos."),
    "en": ("Customer called about the issue. Identity verified.",
           "Customer came to the counter; went through the situation together.",
           "Email received; replied and asked for more details."),
}
NOTE_FOLLOW_UPS: dict[str, tuple[str, ...]] = {
    "fi": ("Päivitys: teknikko varattu ensi viikolle.", "Päivitys: asiakas vahvisti, että ongelma on ratkennut.",
           "Korjaus: puhelinnumero päivitetty asiakkaan pyynnöstä."),
    "fil": ("Update: may naka-schedule na technician sa susunod na linggo.",
            "Update: kinumpirma ng customer na ayos na.", "Pagwawasto: na-update ang contact number."),
    "es": ("Actualización: técnico citado para la semana que viene.",
           "Actualización: el cliente confirma que está resuelto.", "Corrección: teléfono actualizado."),
    "en": ("Update: technician booked for next week.", "Update: customer confirms it is solved.",
           "Correction: contact number updated at the customer's request."),
}
FEEDBACK_COMMENTS: dict[str, tuple[str, ...]] = {
    "fi": ("Nopea ja ystävällinen palvelu.", "Kiitos avusta!", "Jonotus kesti liian kauan."),
    "fil": ("Salamat sa mabilis na tulong!", "Mabait ang kausap ko.", "Matagal bago sumagot."),
    "es": ("Muy amables, gracias.", "Resuelto a la primera.", "Tardaron mucho en atenderme."),
    "en": ("Quick and friendly, thanks.", "Sorted first time.", "Took too long to get through."),
}
SCORE_WEIGHTS = ((5, 52), (4, 27), (3, 10), (2, 5), (1, 6))
