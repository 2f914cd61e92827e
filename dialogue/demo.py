"""Demo data: a realistic Tunisian National Council for Social Dialogue, two years of it.

Everything is dated relative to today (in Africa/Tunis), so the demo always has meetings
to come, commitments due soon and a few overdue. The record is hand-written; the only
randomness (who is present, excused or absent) comes from a seeded generator, so the same
day always gives the same demo. Names and statements are fictitious.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field, replace
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy import text as sql
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from dialogue.accounts.models import Account, Role
from dialogue.accounts.passwords import hash_password
from dialogue.agenda.models import AgendaDocument, AgendaItem, C144Matter, Outcome, OutcomeKind, Position, Stance
from dialogue.bodies.models import Body, BodyKind, Membership, MembershipKind, QuorumRule
from dialogue.bodies.service import BodyDraft, create_body
from dialogue.commitments.models import Commitment, CommitmentStatus, CommitmentUpdate
from dialogue.db import create_engine
from dialogue.demo_translations import ARABIC, translate
from dialogue.i18n import _
from dialogue.meetings.models import (
    Attendance,
    Invitation,
    InvitationRole,
    Meeting,
    MeetingKind,
    MeetingPartner,
    MeetingStatus,
    PartnerRole,
)
from dialogue.meetings.quorum import required_per_side
from dialogue.papers.models import Letterhead
from dialogue.people.models import Language, Organisation, OrganisationCategory, Person, Side
from dialogue.projects.models import Project, ProjectDonor
from dialogue.session_factory import session_factory
from dialogue.settings import Settings

DEMO_PASSWORD = "dialogue-demo"
# (email, role, organisation slug, approves minutes for its side)
DEMO_ACCOUNTS = [
    ("secretariat@demo.tn", Role.SECRETARIAT, None, False),
    ("gouvernement@demo.tn", Role.DELEGATE, "mas", True),
    ("ugtt@demo.tn", Role.DELEGATE, "ugtt", True),
    ("utica@demo.tn", Role.DELEGATE, "utica", True),
    ("coordination@demo.tn", Role.COORDINATOR, None, False),
    ("observateur@demo.tn", Role.OBSERVER, None, False),
]


async def _accounts(session: AsyncSession, orgs: dict[str, Organisation]) -> None:
    """One account per role and side, all with the demo password (skipped if already there)."""
    emails = [email for email, *_rest in DEMO_ACCOUNTS]
    existing = set(await session.scalars(select(Account.email).where(Account.email.in_(emails))))
    password_hash = hash_password(DEMO_PASSWORD)
    for email, role, slug, approver in DEMO_ACCOUNTS:
        if email not in existing:
            organisation_id = orgs[slug].id if slug else None
            session.add(
                Account(
                    email=email,
                    role=role,
                    organisation_id=organisation_id,
                    is_approver=approver,
                    password_hash=password_hash,
                )
            )
    await session.flush()


async def demo_accounts_text(settings: Settings) -> str:
    """The demo accounts to sign in with, if the database has them (printed by `make run`)."""
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            emails = [email for email, *_rest in DEMO_ACCOUNTS]
            found = set((await connection.execute(select(Account.email).where(Account.email.in_(emails)))).scalars())
    finally:
        await engine.dispose()
    if not found:
        return ""
    lines = [_("Demo accounts (password: {password}):").format(password=DEMO_PASSWORD)]
    approves = _("approves minutes for its side")
    for email, role, slug, approver in DEMO_ACCOUNTS:
        if email in found:
            detail = role.label + (f" – {slug.upper()}" if slug else "") + (f" ({approves})" if approver else "")
            lines.append(f"  {email:24} {detail}")
    return "\n".join(lines)


class DatabaseNotEmpty(Exception):
    """The database already holds organisations: the demo is not mixed in unless forced."""


G, W, E, O, P = Side.GOVERNMENT, Side.WORKERS, Side.EMPLOYERS, Side.OBSERVERS, Side.PARTNERS
SUPPORT, OPPOSE, RESERVATION, CONDITIONAL, NONE = (
    Stance.SUPPORT,
    Stance.OPPOSE,
    Stance.RESERVATION,
    Stance.CONDITIONAL,
    Stance.NONE,
)
OPEN, IN_PROGRESS, DONE, DROPPED = (
    CommitmentStatus.OPEN,
    CommitmentStatus.IN_PROGRESS,
    CommitmentStatus.DONE,
    CommitmentStatus.DROPPED,
)
TRIPARTITE, BILATERAL, NO_AGREEMENT, DEFERRED, FOR_INFORMATION = (
    OutcomeKind.TRIPARTITE_AGREEMENT,
    OutcomeKind.BILATERAL_AGREEMENT,
    OutcomeKind.NO_AGREEMENT,
    OutcomeKind.DEFERRED,
    OutcomeKind.FOR_INFORMATION,
)

# --- Organisations and people ------------------------------------------------------------

# slug, acronym, name, side, description
ORGANISATIONS: list[tuple[str, str, str, Side, str]] = [
    (
        "mas",
        "MAS",
        "Ministère des Affaires Sociales",
        G,
        "Préside le Conseil national du dialogue social et en assure le secrétariat permanent.",
    ),
    ("mefp", "MEFP", "Ministère de l'Emploi et de la Formation professionnelle", G, ""),
    ("sem", "SEM", "Secrétariat d'État à la Migration et aux Tunisiens à l'étranger", G, ""),
    ("ote", "OTE", "Office des Tunisiens à l'Étranger", G, "Académie des attachés sociaux."),
    ("onm", "ONM", "Observatoire National de la Migration", G, ""),
    ("ins", "INS", "Institut National de la Statistique", G, ""),
    ("ugtt", "UGTT", "Union Générale Tunisienne du Travail", W, "Centrale syndicale des travailleurs."),
    ("utica", "UTICA", "Union Tunisienne de l'Industrie, du Commerce et de l'Artisanat", E, ""),
    ("utap", "UTAP", "Union Tunisienne de l'Agriculture et de la Pêche", E, "Exploitants agricoles et pêcheurs."),
    (
        "oit",
        "OIT",
        "Organisation Internationale du Travail – Bureau pour les pays du Maghreb",
        P,
        "Appui technique (projet AMEM, migration équitable).",
    ),
    ("aics", "AICS", "Agence Italienne pour la Coopération au Développement", P, "Bailleur du projet AMEM."),
    ("hcdh", "HCDH", "Haut-Commissariat des Nations Unies aux Droits de l'Homme", O, ""),
]

# What kind of organisation each partner is.
CATEGORIES = {"oit": OrganisationCategory.INTERNATIONAL, "aics": OrganisationCategory.DONOR}

# key, full name, organisation slug, title, email, phone, language
PEOPLE: list[tuple[str, str, str, str, str, str, Language]] = [
    (
        "bensalah",
        "Mohamed Ben Salah",
        "mas",
        "Directeur général des relations professionnelles",
        "mohamed.bensalah@social.gov.tn",
        "+216 71 567 012",
        Language.FR,
    ),
    (
        "jaziri",
        "Hédi Jaziri",
        "mas",
        "Inspecteur général du travail",
        "hedi.jaziri@social.gov.tn",
        "+216 71 567 140",
        Language.FR,
    ),
    (
        "bouazizi",
        "Amel Bouazizi",
        "mas",
        "Directrice de la coopération internationale et des normes",
        "amel.bouazizi@social.gov.tn",
        "+216 71 567 233",
        Language.FR,
    ),
    (
        "chebbi",
        "منية الشابي",
        "mas",
        "Secrétaire permanente du Conseil national du dialogue social",
        "monia.chebbi@social.gov.tn",
        "+216 71 567 300",
        Language.AR,
    ),
    (
        "mansouri",
        "Khaled Mansouri",
        "mas",
        "Chargé du secrétariat des commissions",
        "khaled.mansouri@social.gov.tn",
        "+216 71 567 301",
        Language.FR,
    ),
    (
        "ayari",
        "Slim Ayari",
        "mas",
        "Directeur général de la sécurité sociale",
        "slim.ayari@social.gov.tn",
        "+216 71 567 410",
        Language.FR,
    ),
    (
        "chaabane",
        "Nadia Chaabane",
        "mefp",
        "Directrice de l'emploi à l'international",
        "nadia.chaabane@emploi.gov.tn",
        "+216 71 792 727",
        Language.FR,
    ),
    (
        "sassi",
        "Bilel Sassi",
        "mefp",
        "Chef du service des agences privées de placement",
        "bilel.sassi@emploi.gov.tn",
        "+216 71 792 735",
        Language.FR,
    ),
    (
        "mejri",
        "Karim Mejri",
        "sem",
        "Conseiller juridique du Secrétaire d'État",
        "karim.mejri@migration.gov.tn",
        "+216 71 335 118",
        Language.FR,
    ),
    (
        "ferchichi",
        "Sonia Ferchichi",
        "ote",
        "Directrice de l'académie des attachés sociaux",
        "sonia.ferchichi@ote.nat.tn",
        "+216 71 784 550",
        Language.FR,
    ),
    (
        "hamdi",
        "Walid Hamdi",
        "onm",
        "Chargé d'études principal, statistiques migratoires",
        "walid.hamdi@onm.nat.tn",
        "+216 71 904 402",
        Language.FR,
    ),
    (
        "benammar",
        "Rim Ben Ammar",
        "ins",
        "Cheffe du service des statistiques démographiques",
        "rim.benammar@ins.tn",
        "+216 71 891 002",
        Language.FR,
    ),
    (
        "gharbi",
        "Sami Gharbi",
        "ugtt",
        "Secrétaire général adjoint, relations internationales et migration",
        "sami.gharbi@ugtt.org.tn",
        "+216 98 412 307",
        Language.FR,
    ),
    (
        "mzoughi",
        "Houda Mzoughi",
        "ugtt",
        "Secrétaire générale adjointe, protection sociale",
        "houda.mzoughi@ugtt.org.tn",
        "+216 22 615 480",
        Language.FR,
    ),
    (
        "kefi",
        "Anis Kefi",
        "ugtt",
        "Directeur du département juridique",
        "anis.kefi@ugtt.org.tn",
        "+216 71 332 400",
        Language.FR,
    ),
    (
        "zouari",
        "Rania Zouari",
        "ugtt",
        "Chargée de la jeunesse et de la migration",
        "rania.zouari@ugtt.org.tn",
        "+216 55 730 912",
        Language.FR,
    ),
    (
        "belhaj",
        "Ahmed Belhaj",
        "ugtt",
        "Secrétaire général de la Fédération générale de l'agriculture",
        "ahmed.belhaj@ugtt.org.tn",
        "+216 97 204 615",
        Language.AR,
    ),
    (
        "ouerghi",
        "فتحي الورغي",
        "ugtt",
        "Membre du bureau exécutif national",
        "fethi.ouerghi@ugtt.org.tn",
        "+216 98 550 173",
        Language.AR,
    ),
    (
        "benyoussef",
        "سلوى بن يوسف",
        "ugtt",
        "Conseillère au département des études",
        "salwa.benyoussef@ugtt.org.tn",
        "+216 24 318 066",
        Language.AR,
    ),
    (
        "dridi",
        "Faouzi Dridi",
        "utica",
        "Membre du bureau exécutif, affaires sociales",
        "faouzi.dridi@utica.org.tn",
        "+216 71 142 000",
        Language.FR,
    ),
    (
        "khelifi",
        "Inès Khelifi",
        "utica",
        "Directrice des relations sociales",
        "ines.khelifi@utica.org.tn",
        "+216 71 142 215",
        Language.FR,
    ),
    (
        "bouzid",
        "Tarek Bouzid",
        "utica",
        "Conseiller juridique",
        "tarek.bouzid@utica.org.tn",
        "+216 71 142 230",
        Language.FR,
    ),
    (
        "chaouch",
        "Mehdi Chaouch",
        "utica",
        "Président de la commission emploi et compétences",
        "mehdi.chaouch@utica.org.tn",
        "+216 50 866 219",
        Language.FR,
    ),
    (
        "mestiri",
        "رجاء المستيري",
        "utica",
        "Chargée de la protection sociale",
        "raja.mestiri@utica.org.tn",
        "+216 71 142 248",
        Language.AR,
    ),
    (
        "benromdhane",
        "Lotfi Ben Romdhane",
        "utap",
        "Vice-président chargé des affaires sociales",
        "lotfi.benromdhane@utap.org.tn",
        "+216 71 806 800",
        Language.AR,
    ),
    (
        "jlassi",
        "Samia Jlassi",
        "utap",
        "Chargée des travailleurs agricoles et de la femme rurale",
        "samia.jlassi@utap.org.tn",
        "+216 29 441 753",
        Language.FR,
    ),
    (
        "collins",
        "Sarah Collins",
        "oit",
        "Spécialiste du dialogue social et de l'administration du travail",
        "collins@ilo.org",
        "+216 71 108 940",
        Language.EN,
    ),
    (
        "alami",
        "Youssef Alami",
        "oit",
        "Coordinateur national, migration équitable (AMEM)",
        "alami@ilo.org",
        "+216 52 683 710",
        Language.EN,
    ),
    (
        "rossi",
        "Giulia Rossi",
        "aics",
        "Chargée de programme, migration et développement",
        "giulia.rossi@aics.gov.it",
        "+216 71 893 321",
        Language.EN,
    ),
    (
        "benhamida",
        "Ons Ben Hamida",
        "hcdh",
        "Chargée des droits humains et de la migration",
        "ons.benhamida@ohchr.org",
        "+216 71 286 330",
        Language.FR,
    ),
]

# --- Bodies -------------------------------------------------------------------------------

PLENARY = "Conseil national du dialogue social – plénière"
MIGRATION = "Commission de la migration de main-d'œuvre"
PROTECTION = "Commission de la protection sociale"


@dataclass(kw_only=True)
class BodySpec(BodyDraft):
    """A body of the demo (its fields as the body form has them), its members, and where and
    when its meetings take place."""

    titular: list[str]
    alternate: list[str]
    chair: str
    secretariat: str
    observers: list[str]
    venue: str
    hour: tuple[int, int]


BODIES: list[BodySpec] = [
    BodySpec(
        PLENARY,
        "CNDS – plénière",
        BodyKind.PLENARY,
        "Plénière du Conseil national du dialogue social (loi n° 2017-54), présidée par le ministre "
        "des Affaires sociales; l'UGTT et l'UTICA en assurent la vice-présidence.",
        QuorumRule.EACH_SIDE,
        1,
        titular=[
            "bensalah",
            "jaziri",
            "bouazizi",
            "chaabane",
            "gharbi",
            "mzoughi",
            "kefi",
            "ouerghi",
            "dridi",
            "khelifi",
            "benromdhane",
            "chaouch",
        ],
        alternate=["ayari", "mejri", "zouari", "benyoussef", "bouzid", "jlassi"],
        chair="bensalah",
        secretariat="chebbi",
        observers=["collins"],
        venue="Ministère des Affaires Sociales – salle du Conseil, boulevard Bab Bnet, Tunis",
        hour=(9, 30),
    ),
    BodySpec(
        MIGRATION,
        "Commission migration",
        BodyKind.COMMITTEE,
        "Gouvernance de la migration de main-d'œuvre: statistiques, recrutement équitable, accords "
        "bilatéraux, services aux travailleurs migrants. Issue de la dynamique tripartite du projet AMEM.",
        QuorumRule.MIN_PER_SIDE,
        2,
        titular=["mejri", "chaabane", "ferchichi", "hamdi", "benammar", "gharbi", "zouari", "khelifi", "chaouch"],
        alternate=["sassi", "benyoussef", "bouzid"],
        chair="mejri",
        secretariat="mansouri",
        observers=["alami", "rossi"],
        venue="Office des Tunisiens à l'Étranger – salle de conférences, Tunis",
        hour=(10, 0),
    ),
    BodySpec(
        PROTECTION,
        "Commission protection sociale",
        BodyKind.COMMITTEE,
        "Extension de la protection sociale, notamment aux travailleurs et travailleuses agricoles, "
        "et portabilité des droits des travailleurs migrants.",
        QuorumRule.EACH_SIDE,
        1,
        titular=["ayari", "jaziri", "mzoughi", "belhaj", "jlassi", "mestiri"],
        alternate=["bouazizi", "ouerghi", "benromdhane"],
        chair="ayari",
        secretariat="chebbi",
        observers=[],
        venue="Centre de recherches et d'études de sécurité sociale (CRESS), Tunis",
        hour=(14, 30),
    ),
]

# --- Meetings ------------------------------------------------------------------------------


@dataclass
class C:
    """A commitment: `due` and update days are counted from the meeting's date."""

    title: str
    side: Side
    org: str
    who: str
    due: int
    status: CommitmentStatus
    updates: list[tuple[int, str, str | None, CommitmentStatus | None]] = field(default_factory=list)
    description: str = ""
    from_outcome: bool = False


@dataclass
class I:  # noqa: E742  (an agenda item; short on purpose: the record below is long)
    title: str
    minutes: int
    presenter: str
    description: str = ""
    c144: C144Matter | None = None
    docs: list[tuple[str, str]] = field(default_factory=list)
    positions: dict[Side, tuple[Stance, str]] = field(default_factory=dict)
    outcome: tuple[OutcomeKind, str, str] | None = None  # kind, agreeing sides, text
    commitments: list[C] = field(default_factory=list)


@dataclass
class M:
    body: str
    days: int  # from today; snapped to a working day
    title: str
    items: list[I]
    status: MeetingStatus = MeetingStatus.HELD
    kind: MeetingKind | None = None
    description: str = ""
    venue: str | None = None
    online_url: str | None = None
    observers: list[str] | None = None
    late: str | None = None
    on_behalf: tuple[str, str] | None = None  # (alternate present, titular represented)


NORMLEX = "https://normlex.ilo.org/dyn/nrmlx_fr/f?p=NORMLEXPUB:12100:0::NO::P12100_ILO_CODE:"
ILO = "https://www.ilo.org/fr"

MEETINGS: list[M] = [
    # ---------------------------------------------------------------- plénière
    M(
        PLENARY,
        -715,
        "Session plénière ordinaire – programme de travail et consultations C144",
        [
            I(
                "Programme de travail du Conseil et calendrier des consultations",
                40,
                "bensalah",
                "Proposition du secrétariat: quatre sessions plénières par an et des commissions spécialisées.",
                positions={
                    G: (
                        SUPPORT,
                        "Le gouvernement propose quatre plénières par an et des commissions actives entre les sessions.",
                    ),
                    W: (
                        SUPPORT,
                        "L'UGTT soutient le programme et demande que la migration de main-d'œuvre y soit prioritaire.",
                    ),
                    E: (
                        CONDITIONAL,
                        "L'UTICA soutient le programme si le calendrier est communiqué un mois à l'avance.",
                    ),
                },
                outcome=(
                    TRIPARTITE,
                    "",
                    "Programme de travail adopté; les convocations seront envoyées au moins quinze jours avant chaque séance.",
                ),
                commitments=[
                    C(
                        "Diffuser le calendrier annuel des réunions du Conseil",
                        G,
                        "mas",
                        "chebbi",
                        30,
                        DONE,
                        [(12, "Calendrier diffusé aux trois parties par courrier officiel.", None, DONE)],
                        from_outcome=True,
                    )
                ],
            ),
            I(
                "Réponses au questionnaire du BIT sur le travail décent dans l'économie des plateformes",
                45,
                "bouazizi",
                "Questionnaire du rapport V(1) en vue de la Conférence internationale du Travail.",
                C144Matter.A,
                docs=[
                    (
                        "Rapport V(1) – questionnaire",
                        f"{ILO}/resource/conference-paper/ilc/rapport-v1-economie-plateformes",
                    ),
                    (
                        "Projet de réponse du MAS",
                        "https://www.social.gov.tn/cnds/documents/projet-reponse-questionnaire-bit.pdf",
                    ),
                ],
                positions={
                    G: (
                        SUPPORT,
                        "Projet de réponse préparé par le MAS, ouvert aux commentaires écrits des partenaires.",
                    ),
                    W: (RESERVATION, "L'UGTT demande que la réponse mentionne la présomption de relation de travail."),
                    E: (RESERVATION, "L'UTICA souhaite préserver la souplesse des modèles d'affaires des plateformes."),
                },
                outcome=(
                    DEFERRED,
                    "",
                    "Les partenaires transmettent leurs observations sous dix jours; le MAS consolide la réponse.",
                ),
                commitments=[
                    C(
                        "Transmettre les observations écrites de l'UGTT sur le questionnaire du BIT",
                        W,
                        "ugtt",
                        "gharbi",
                        10,
                        DONE,
                        [(9, "Observations transmises au MAS.", None, DONE)],
                    ),
                    C(
                        "Transmettre les observations écrites de l'UTICA sur le questionnaire du BIT",
                        E,
                        "utica",
                        "khelifi",
                        10,
                        DONE,
                        [(11, "Observations transmises avec un jour de retard.", None, DONE)],
                    ),
                    C(
                        "Envoyer au BIT la réponse consolidée, avec les avis des partenaires en annexe",
                        G,
                        "mas",
                        "bouazizi",
                        25,
                        DONE,
                        [
                            (
                                24,
                                "Réponse envoyée au BIT; avis de l'UGTT et de l'UTICA annexés.",
                                f"{ILO}/international-labour-conference",
                                DONE,
                            )
                        ],
                    ),
                ],
            ),
            I(
                "Salaire minimum: méthode de révision",
                40,
                "jaziri",
                positions={
                    W: (SUPPORT, "L'UGTT demande une indexation annuelle du SMIG sur l'inflation."),
                    E: (
                        OPPOSE,
                        "L'UTICA s'oppose à une indexation automatique qui pèserait sur la compétitivité des PME.",
                    ),
                    G: (
                        CONDITIONAL,
                        "Le gouvernement est favorable à une révision négociée, fondée sur des indicateurs communs.",
                    ),
                },
                outcome=(
                    NO_AGREEMENT,
                    "",
                    "Pas d'accord sur la méthode; la question reviendra en plénière après une étude de l'INS.",
                ),
                commitments=[
                    C(
                        "Produire une note sur l'évolution des prix et des salaires sur cinq ans",
                        G,
                        "ins",
                        "benammar",
                        60,
                        DONE,
                        [
                            (30, "Premières séries transmises au secrétariat.", None, IN_PROGRESS),
                            (
                                55,
                                "Note publiée et diffusée aux membres.",
                                "http://www.ins.tn/publication/prix-et-salaires",
                                DONE,
                            ),
                        ],
                    )
                ],
            ),
        ],
        observers=["collins", "alami"],
        late="kefi",
    ),
    M(
        PLENARY,
        -625,
        "Session plénière – normes internationales du travail",
        [
            I(
                "Soumission aux autorités compétentes de la Recommandation n° 208 sur les apprentissages de qualité",
                30,
                "bouazizi",
                c144=C144Matter.B,
                docs=[
                    (
                        "Recommandation n° 208 (2023)",
                        "https://normlex.ilo.org/dyn/nrmlx_fr/f?p=NORMLEXPUB:12100:0::NO::P12100_ILO_CODE:R208",
                    )
                ],
                positions={
                    G: (
                        SUPPORT,
                        "Le MAS propose une soumission à l'Assemblée des représentants du peuple avec un avis favorable.",
                    ),
                    W: (SUPPORT, "L'UGTT soutient et demande un plan d'action national sur l'apprentissage."),
                    E: (SUPPORT, "L'UTICA soutient; les entreprises sont prêtes à accueillir davantage d'apprentis."),
                },
                outcome=(
                    TRIPARTITE,
                    "",
                    "Avis tripartite favorable; le MAS saisit les autorités compétentes et en informe le BIT.",
                ),
                commitments=[
                    C(
                        "Saisir les autorités compétentes de la Recommandation n° 208 et en informer le BIT",
                        G,
                        "mas",
                        "bouazizi",
                        90,
                        DONE,
                        [
                            (40, "Dossier transmis à la Présidence du gouvernement.", None, IN_PROGRESS),
                            (85, "Soumission effectuée; lettre d'information envoyée au BIT.", None, DONE),
                        ],
                        from_outcome=True,
                    )
                ],
            ),
            I(
                "Rapports au titre de l'article 22: conventions n° 81 et n° 144",
                45,
                "jaziri",
                c144=C144Matter.D,
                docs=[
                    ("Convention n° 81 – inspection du travail", f"{NORMLEX}C081"),
                    ("Convention n° 144 – consultations tripartites", f"{NORMLEX}C144"),
                ],
                positions={
                    G: (SUPPORT, "Les projets de rapports sont partagés avec les partenaires avant leur envoi au BIT."),
                    W: (
                        RESERVATION,
                        "L'UGTT signale le manque d'inspecteurs dans les régions intérieures et veut que ses observations soient jointes.",
                    ),
                    E: (SUPPORT, "L'UTICA n'a pas d'observation sur le rapport relatif à la convention n° 144."),
                },
                outcome=(
                    FOR_INFORMATION,
                    "",
                    "Les observations des partenaires seront jointes aux rapports envoyés au BIT.",
                ),
                commitments=[
                    C(
                        "Transmettre les observations de l'UGTT sur l'application de la convention n° 81",
                        W,
                        "ugtt",
                        "kefi",
                        20,
                        DONE,
                        [(18, "Observations transmises au secrétariat.", None, DONE)],
                    ),
                    C(
                        "Envoyer au BIT les rapports art. 22 avec les observations des partenaires",
                        G,
                        "mas",
                        "jaziri",
                        45,
                        DONE,
                        [(44, "Rapports envoyés dans les délais.", None, DONE)],
                    ),
                ],
            ),
        ],
        on_behalf=("zouari", "ouerghi"),
    ),
    M(
        PLENARY,
        -540,
        "Session plénière extraordinaire – salaire minimum",
        [
            I("Révision du salaire minimum interprofessionnel garanti", 60, "bensalah"),
        ],
        status=MeetingStatus.CANCELLED,
        description="Annulée à la demande des partenaires sociaux: le point est inscrit à la session ordinaire suivante.",
    ),
    M(
        PLENARY,
        -520,
        "Session plénière ordinaire – salaire minimum et inspection du travail",
        [
            I(
                "Révision du SMIG et du SMAG",
                60,
                "bensalah",
                docs=[("Note INS – prix et salaires", "http://www.ins.tn/publication/prix-et-salaires")],
                positions={
                    G: (SUPPORT, "Le gouvernement propose une hausse de 7 % du SMIG et du SMAG."),
                    W: (CONDITIONAL, "L'UGTT accepte à condition qu'une révision annuelle soit garantie."),
                    E: (
                        OPPOSE,
                        "L'UTICA juge la hausse excessive pour les entreprises exportatrices et demande des mesures d'accompagnement.",
                    ),
                },
                outcome=(
                    BILATERAL,
                    "government,workers",
                    "Accord entre le gouvernement et l'UGTT sur une hausse de 7 %; l'UTICA maintient son opposition.",
                ),
                commitments=[
                    C(
                        "Préparer le décret de révision du SMIG et du SMAG",
                        G,
                        "mas",
                        "bensalah",
                        45,
                        DONE,
                        [
                            (
                                20,
                                "Projet de décret transmis au Secrétariat général du gouvernement.",
                                None,
                                IN_PROGRESS,
                            ),
                            (41, "Décret publié au Journal officiel.", "http://www.iort.gov.tn", DONE),
                        ],
                        from_outcome=True,
                    ),
                    C(
                        "Présenter une étude d'impact de la hausse sur les PME",
                        E,
                        "utica",
                        "dridi",
                        60,
                        DROPPED,
                        [
                            (
                                70,
                                "Étude abandonnée faute de financement; remplacée par une enquête auprès des fédérations.",
                                None,
                                DROPPED,
                            )
                        ],
                    ),
                ],
            ),
            I(
                "Inspection du travail: renforcement des capacités (projet AMEM)",
                30,
                "jaziri",
                positions={
                    G: (
                        SUPPORT,
                        "Le MAS présente le programme de formation des inspecteurs au contrôle du recrutement.",
                    ),
                    W: (SUPPORT, "L'UGTT demande en plus des recrutements d'inspecteurs."),
                    E: (NONE, ""),
                },
                outcome=(FOR_INFORMATION, "", "Le Conseil prend acte du programme de formation."),
                commitments=[
                    C(
                        "Former 60 inspecteurs du travail au contrôle du recrutement des travailleurs migrants",
                        G,
                        "mas",
                        "jaziri",
                        180,
                        DONE,
                        [
                            (60, "Première session: 20 inspecteurs formés avec l'appui du BIT.", None, IN_PROGRESS),
                            (
                                170,
                                "60 inspecteurs formés; rapport de formation disponible.",
                                f"{ILO}/projects/amem",
                                DONE,
                            ),
                        ],
                    )
                ],
            ),
        ],
        observers=["collins"],
    ),
    M(
        PLENARY,
        -435,
        "Session plénière – migration de main-d'œuvre et normes",
        [
            I(
                "Réexamen des conventions non ratifiées n° 97 et n° 143 sur les travailleurs migrants",
                50,
                "mejri",
                c144=C144Matter.C,
                docs=[("Convention n° 97", f"{NORMLEX}C097"), ("Convention n° 143", f"{NORMLEX}C143")],
                positions={
                    G: (
                        CONDITIONAL,
                        "Le gouvernement est favorable à une étude préalable de l'impact d'une ratification.",
                    ),
                    W: (SUPPORT, "L'UGTT demande la ratification rapide des deux conventions."),
                    E: (RESERVATION, "L'UTICA souhaite une analyse des obligations nouvelles pour les employeurs."),
                },
                outcome=(DEFERRED, "", "Décision reportée: une étude de faisabilité sera présentée au Conseil."),
                commitments=[
                    C(
                        "Réaliser une étude de faisabilité de la ratification des conventions n° 97 et n° 143",
                        G,
                        "mas",
                        "bouazizi",
                        240,
                        IN_PROGRESS,
                        [
                            (60, "Termes de référence validés avec l'appui du BIT.", None, IN_PROGRESS),
                            (
                                200,
                                "Première version de l'étude reçue; consultation des partenaires à organiser.",
                                None,
                                None,
                            ),
                        ],
                    ),
                    C(
                        "Mobiliser l'appui technique du BIT pour l'étude de faisabilité",
                        O,
                        "oit",
                        "collins",
                        60,
                        DONE,
                        [(45, "Expert recruté par le Bureau de l'OIT pour les pays du Maghreb.", None, DONE)],
                    ),
                ],
            ),
            I(
                "Harmonisation du cadre législatif: état des lieux de la législation sur la migration de main-d'œuvre",
                40,
                "collins",
                docs=[("État des lieux juridique (AMEM)", f"{ILO}/projects/amem/etat-des-lieux-legislation")],
                positions={
                    G: (SUPPORT, "Le gouvernement remercie le BIT et retient les recommandations prioritaires."),
                    W: (SUPPORT, "L'UGTT insiste sur l'égalité de traitement des travailleurs migrants en Tunisie."),
                    E: (SUPPORT, "L'UTICA soutient une simplification des procédures de recrutement à l'étranger."),
                },
                outcome=(FOR_INFORMATION, "", "Le Conseil prend acte de l'état des lieux présenté par le BIT."),
                commitments=[
                    C(
                        "Proposer une feuille de route d'harmonisation du cadre législatif",
                        G,
                        "sem",
                        "mejri",
                        300,
                        OPEN,
                        [(120, "Réunion interministérielle tenue; rédaction en cours.", None, None)],
                    )
                ],
            ),
        ],
        venue="Hôtel Sheraton, avenue de la Ligue arabe, Tunis",
        observers=["collins", "alami", "rossi", "benhamida"],
        late="dridi",
    ),
    M(
        PLENARY,
        -340,
        "Session plénière – consultations C144 et campagne nationale",
        [
            I(
                "Réponses aux questionnaires du BIT pour la Conférence internationale du Travail",
                40,
                "bouazizi",
                c144=C144Matter.A,
                positions={
                    G: (SUPPORT, "Le MAS propose une réponse commune intégrant les avis des partenaires."),
                    W: (SUPPORT, "L'UGTT approuve la réponse commune."),
                    E: (SUPPORT, "L'UTICA approuve la réponse commune."),
                },
                outcome=(TRIPARTITE, "", "Réponse commune approuvée; envoi au BIT par le MAS."),
                commitments=[
                    C(
                        "Envoyer la réponse commune au BIT",
                        G,
                        "mas",
                        "bouazizi",
                        15,
                        DONE,
                        [(12, "Réponse envoyée.", None, DONE)],
                        from_outcome=True,
                    )
                ],
            ),
            I(
                "Campagne « Une autre voix possible »: bilan et suites",
                30,
                "alami",
                docs=[("Bilan de la campagne", f"{ILO}/projects/amem/une-autre-voix-possible")],
                positions={
                    G: (SUPPORT, "Le gouvernement souhaite pérenniser la campagne au-delà du projet."),
                    W: (SUPPORT, "L'UGTT propose de relayer la campagne dans ses unions régionales."),
                    E: (
                        CONDITIONAL,
                        "L'UTICA soutient si les offres d'emploi légales à l'étranger sont mises en avant.",
                    ),
                },
                outcome=(FOR_INFORMATION, "", "Le Conseil salue les résultats de la campagne."),
                commitments=[
                    C(
                        "Relayer la campagne dans les 24 unions régionales",
                        W,
                        "ugtt",
                        "zouari",
                        120,
                        DONE,
                        [
                            (45, "Relais assuré dans 10 unions régionales.", None, IN_PROGRESS),
                            (115, "Campagne relayée dans les 24 unions régionales.", None, DONE),
                        ],
                    )
                ],
            ),
            I(
                "Rapport annuel sur les consultations tripartites (C144)",
                20,
                "chebbi",
                c144=C144Matter.D,
                positions={
                    G: (
                        SUPPORT,
                        "Le secrétariat présente le nombre, le contenu et les résultats des consultations de l'année.",
                    ),
                    W: (SUPPORT, "L'UGTT approuve le rapport."),
                    E: (SUPPORT, "L'UTICA approuve le rapport."),
                },
                outcome=(TRIPARTITE, "", "Rapport annuel adopté."),
                commitments=[
                    C(
                        "Publier le rapport annuel des consultations tripartites",
                        G,
                        "mas",
                        "chebbi",
                        30,
                        DONE,
                        [
                            (
                                21,
                                "Rapport publié sur le site du ministère.",
                                "https://www.social.gov.tn/cnds/rapport-annuel",
                                DONE,
                            )
                        ],
                    )
                ],
            ),
        ],
        observers=["alami"],
    ),
    M(
        PLENARY,
        -250,
        "Session plénière ordinaire – inspection du travail et protection sociale",
        [
            I(
                "Plan national de renforcement de l'inspection du travail",
                50,
                "jaziri",
                positions={
                    G: (SUPPORT, "Le MAS propose un plan axé sur la prévention et un recrutement progressif."),
                    W: (CONDITIONAL, "L'UGTT soutient à condition de recruter 150 inspecteurs sur trois ans."),
                    E: (RESERVATION, "L'UTICA demande que l'accompagnement des entreprises précède la sanction."),
                },
                outcome=(
                    TRIPARTITE,
                    "",
                    "Plan adopté: priorité à la prévention, recrutement progressif d'inspecteurs.",
                ),
                commitments=[
                    C(
                        "Publier le plan national de l'inspection du travail",
                        G,
                        "mas",
                        "jaziri",
                        90,
                        IN_PROGRESS,
                        [(60, "Projet de plan soumis au cabinet du ministre.", None, IN_PROGRESS)],
                        from_outcome=True,
                    ),
                    C(
                        "Organiser des sessions d'information des entreprises sur le plan d'inspection",
                        E,
                        "utica",
                        "khelifi",
                        120,
                        DONE,
                        [(100, "Quatre sessions tenues (Tunis, Sfax, Sousse, Gabès).", None, DONE)],
                    ),
                ],
            ),
            I(
                "Conclusions de la commission de la protection sociale: travailleuses agricoles",
                30,
                "mzoughi",
                positions={
                    G: (
                        RESERVATION,
                        "Le gouvernement réserve sa position en attendant l'avis du ministère des Finances.",
                    ),
                    W: (SUPPORT, "L'UGTT soutient le régime de cotisation forfaitaire proposé avec l'UTAP."),
                    E: (SUPPORT, "L'UTAP soutient le régime forfaitaire pour les petits exploitants."),
                },
                outcome=(
                    BILATERAL,
                    "workers,employers",
                    "L'UGTT et l'UTAP confirment leur accord; le gouvernement se prononcera après l'avis des Finances.",
                ),
                commitments=[
                    C(
                        "Proposer un dispositif de cotisation simplifiée pour les exploitants agricoles",
                        E,
                        "utap",
                        "benromdhane",
                        150,
                        OPEN,
                    )
                ],
            ),
        ],
        online_url="https://visio.social.gov.tn/cnds-pleniere",
    ),
    M(
        PLENARY,
        -70,
        "Session plénière ordinaire – salaire minimum et normes",
        [
            I(
                "Révision annuelle du salaire minimum",
                60,
                "bensalah",
                positions={
                    G: (CONDITIONAL, "Le gouvernement propose une hausse modérée liée à la productivité."),
                    W: (OPPOSE, "L'UGTT rejette une hausse inférieure à l'inflation."),
                    E: (RESERVATION, "L'UTICA demande un calendrier étalé sur deux ans."),
                },
                outcome=(
                    NO_AGREEMENT,
                    "",
                    "Pas d'accord; un nouveau scénario chiffré sera présenté à la prochaine plénière.",
                ),
                commitments=[
                    C(
                        "Présenter un nouveau scénario chiffré de révision du salaire minimum",
                        G,
                        "mas",
                        "bensalah",
                        75,
                        IN_PROGRESS,
                        [(30, "Hypothèses macroéconomiques demandées à l'INS.", None, IN_PROGRESS)],
                    ),
                    C(
                        "Transmettre la proposition chiffrée de l'UGTT",
                        W,
                        "ugtt",
                        "gharbi",
                        30,
                        DONE,
                        [(25, "Proposition transmise au secrétariat.", None, DONE)],
                    ),
                ],
            ),
            I(
                "Soumission aux autorités compétentes des instruments adoptés par la dernière session de la CIT",
                30,
                "bouazizi",
                c144=C144Matter.B,
                positions={
                    G: (SUPPORT, "Le MAS propose de soumettre les nouveaux instruments dans le délai de douze mois."),
                    W: (SUPPORT, "L'UGTT soutient."),
                    E: (SUPPORT, "L'UTICA soutient."),
                },
                outcome=(TRIPARTITE, "", "Soumission approuvée."),
                commitments=[
                    C(
                        "Saisir les autorités compétentes des instruments adoptés par la CIT",
                        G,
                        "mas",
                        "bouazizi",
                        300,
                        OPEN,
                        from_outcome=True,
                    )
                ],
            ),
            I(
                "Rapport art. 22 sur la convention n° 122 (politique de l'emploi)",
                30,
                "chaabane",
                c144=C144Matter.D,
                docs=[("Convention n° 122", f"{NORMLEX}C122")],
                positions={
                    G: (SUPPORT, "Le MEFP présente le projet de rapport."),
                    W: (RESERVATION, "L'UGTT souhaite des données sur le chômage des diplômés par région."),
                    E: (SUPPORT, "L'UTICA n'a pas d'observation."),
                },
                outcome=(FOR_INFORMATION, "", "Le rapport sera complété avec les données régionales."),
                commitments=[
                    C(
                        "Fournir les données régionales sur l'emploi pour le rapport C122",
                        G,
                        "mefp",
                        "chaabane",
                        60,
                        OPEN,
                    )
                ],
            ),
        ],
        observers=["collins"],
        late="khelifi",
    ),
    M(
        PLENARY,
        24,
        "Session plénière ordinaire",
        [
            I("Salaire minimum: nouveau scénario de révision", 60, "bensalah"),
            I(
                "Étude de faisabilité de la ratification des conventions n° 97 et n° 143",
                40,
                "bouazizi",
                c144=C144Matter.C,
                docs=[("Convention n° 97", f"{NORMLEX}C097"), ("Convention n° 143", f"{NORMLEX}C143")],
            ),
            I("Calendrier des consultations de l'année prochaine", 20, "chebbi"),
        ],
        status=MeetingStatus.SCHEDULED,
        observers=["collins"],
    ),
    # ---------------------------------------------------------------- migration
    M(
        MIGRATION,
        -690,
        "Commission migration – coordination des statistiques",
        [
            I(
                "Coordination interinstitutionnelle du système d'information statistique sur la migration de main-d'œuvre",
                50,
                "hamdi",
                docs=[
                    (
                        "Lignes directrices de la CIST sur les statistiques des migrations de main-d'œuvre",
                        f"{ILO}/resource/statistiques-migrations-internationales-main-oeuvre",
                    )
                ],
                positions={
                    G: (SUPPORT, "L'ONM et l'INS proposent un comité technique permanent."),
                    W: (SUPPORT, "L'UGTT demande des données ventilées par sexe et par secteur."),
                    E: (SUPPORT, "L'UTICA demande l'accès aux données sur les besoins de main-d'œuvre à l'étranger."),
                },
                outcome=(TRIPARTITE, "", "Création d'un comité technique ONM–INS–OTE, ouvert aux partenaires sociaux."),
                commitments=[
                    C(
                        "Installer le comité technique statistique ONM–INS–OTE",
                        G,
                        "onm",
                        "hamdi",
                        30,
                        DONE,
                        [(28, "Comité installé; première réunion tenue.", None, DONE)],
                        from_outcome=True,
                    ),
                    C(
                        "Publier une note méthodologique commune ONM–INS",
                        G,
                        "ins",
                        "benammar",
                        90,
                        DONE,
                        [(88, "Note publiée.", "http://www.ins.tn/publication/note-methodologique-migration", DONE)],
                    ),
                ],
            ),
            I(
                "Présentation du projet AMEM et de son appui au Conseil",
                20,
                "alami",
                positions={
                    G: (SUPPORT, "Le gouvernement salue l'appui du projet."),
                    W: (SUPPORT, "L'UGTT salue l'approche tripartite du projet."),
                    E: (SUPPORT, "L'UTICA salue l'approche tripartite du projet."),
                },
                outcome=(FOR_INFORMATION, "", "La commission prend acte."),
            ),
        ],
    ),
    M(
        MIGRATION,
        -600,
        "Commission migration – académie des attachés sociaux",
        [
            I(
                "Académie des attachés sociaux de l'OTE: programme de la première édition",
                45,
                "ferchichi",
                positions={
                    G: (SUPPORT, "L'OTE présente un programme de six modules pour 25 attachés sociaux."),
                    W: (SUPPORT, "L'UGTT demande un module sur les droits syndicaux dans les pays d'accueil."),
                    E: (SUPPORT, "L'UTICA propose un module sur les entreprises tunisiennes à l'étranger."),
                },
                outcome=(
                    TRIPARTITE,
                    "",
                    "Programme adopté avec deux modules supplémentaires proposés par les partenaires.",
                ),
                commitments=[
                    C(
                        "Lancer la première édition de l'académie des attachés sociaux",
                        G,
                        "ote",
                        "ferchichi",
                        60,
                        DONE,
                        [(58, "Première promotion accueillie: 25 attachés sociaux.", None, DONE)],
                        from_outcome=True,
                    ),
                    C(
                        "Proposer des intervenants syndicaux pour le module droits des travailleurs",
                        W,
                        "ugtt",
                        "gharbi",
                        30,
                        DONE,
                        [(20, "Trois intervenants proposés.", None, DONE)],
                    ),
                ],
            ),
            I(
                "Accompagnement des travailleurs migrants de retour",
                30,
                "ferchichi",
                positions={
                    G: (SUPPORT, "L'OTE présente les guichets de réinsertion."),
                    W: (CONDITIONAL, "L'UGTT soutient si les guichets existent dans toutes les régions."),
                    E: (SUPPORT, "L'UTICA soutient."),
                },
                outcome=(FOR_INFORMATION, "", "La commission prend acte."),
            ),
        ],
        observers=["alami", "rossi"],
    ),
    M(
        MIGRATION,
        -480,
        "Commission migration – sources statistiques et recrutement équitable",
        [
            I(
                "Évaluation des sources statistiques nationales au regard des normes internationales",
                40,
                "benammar",
                positions={
                    G: (SUPPORT, "L'INS présente l'évaluation et les lacunes relevées."),
                    W: (SUPPORT, "L'UGTT soutient l'ajout d'un module migration."),
                    E: (NONE, ""),
                },
                outcome=(FOR_INFORMATION, "", "La commission prend acte de l'évaluation."),
                commitments=[
                    C(
                        "Intégrer un module migration dans l'enquête nationale sur la population et l'emploi",
                        G,
                        "ins",
                        "benammar",
                        200,
                        DONE,
                        [
                            (90, "Questionnaire du module testé.", None, IN_PROGRESS),
                            (190, "Module intégré à l'enquête trimestrielle.", None, DONE),
                        ],
                    )
                ],
            ),
            I(
                "Recrutement équitable: principes généraux et directives opérationnelles du BIT",
                45,
                "collins",
                docs=[
                    (
                        "Principes généraux et directives opérationnelles",
                        f"{ILO}/resource/recrutement-equitable-principes",
                    )
                ],
                positions={
                    G: (SUPPORT, "Le gouvernement soutient l'application des principes aux agences de placement."),
                    W: (
                        SUPPORT,
                        "L'UGTT demande l'interdiction de tout frais de recrutement à la charge des travailleurs.",
                    ),
                    E: (CONDITIONAL, "L'UTICA soutient si les agences privées agréées sont associées."),
                },
                outcome=(TRIPARTITE, "", "La commission adopte les principes comme référence pour ses travaux."),
            ),
        ],
        observers=["collins", "alami"],
    ),
    M(
        MIGRATION,
        -390,
        "Commission migration – cadre législatif",
        [
            I(
                "État des lieux de la législation sur la migration et la mobilité de main-d'œuvre",
                60,
                "mejri",
                positions={
                    G: (SUPPORT, "Le SEM propose d'examiner l'état des lieux article par article."),
                    W: (RESERVATION, "L'UGTT demande du temps pour consulter ses fédérations."),
                    E: (RESERVATION, "L'UTICA demande une version arabe du document."),
                },
                outcome=(DEFERRED, "", "Examen reporté à la prochaine réunion; commentaires écrits attendus."),
                commitments=[
                    C(
                        "Diffuser l'état des lieux juridique traduit en arabe",
                        G,
                        "sem",
                        "mejri",
                        45,
                        DONE,
                        [(40, "Version arabe diffusée.", None, DONE)],
                    ),
                    C(
                        "Transmettre les commentaires de l'UTICA sur l'état des lieux",
                        E,
                        "utica",
                        "chaouch",
                        45,
                        DROPPED,
                        [
                            (
                                60,
                                "Commentaires intégrés à la contribution commune UTICA–UGTT; engagement clos.",
                                None,
                                DROPPED,
                            )
                        ],
                    ),
                ],
            ),
            I(
                "Point d'information sur la campagne « Une autre voix possible »",
                20,
                "alami",
                positions={
                    G: (SUPPORT, "Le gouvernement soutient la campagne."),
                    W: (SUPPORT, "L'UGTT soutient la campagne."),
                    E: (SUPPORT, "L'UTICA soutient la campagne."),
                },
                outcome=(FOR_INFORMATION, "", "La commission prend acte."),
            ),
        ],
        observers=["alami"],
    ),
    M(
        MIGRATION,
        -300,
        "Commission migration – accords bilatéraux de main-d'œuvre",
        [
            I("Accords bilatéraux de main-d'œuvre: bilan et négociations en cours", 60, "mejri"),
        ],
        status=MeetingStatus.POSTPONED,
        description="Reportée: délégation gouvernementale en mission à l'étranger. Nouvelle date fixée deux semaines plus tard.",
    ),
    M(
        MIGRATION,
        -285,
        "Commission migration – accords bilatéraux de main-d'œuvre",
        [
            I(
                "Accords bilatéraux de main-d'œuvre: bilan et négociations en cours",
                60,
                "mejri",
                positions={
                    G: (SUPPORT, "Le SEM présente trois accords en négociation, centrés sur les secteurs en pénurie."),
                    W: (RESERVATION, "L'UGTT demande à être associée à la négociation et au suivi des accords."),
                    E: (SUPPORT, "L'UTICA soutient les accords de placement avec les pays partenaires."),
                },
                outcome=(
                    BILATERAL,
                    "government,employers",
                    "Accord du gouvernement et de l'UTICA sur la priorité aux secteurs en pénurie; l'UGTT maintient sa demande.",
                ),
                commitments=[
                    C(
                        "Associer les partenaires sociaux au comité de suivi des accords bilatéraux",
                        G,
                        "sem",
                        "mejri",
                        120,
                        IN_PROGRESS,
                        [(60, "Projet d'arrêté préparé.", None, IN_PROGRESS)],
                    )
                ],
            ),
            I(
                "Académie des attachés sociaux: évaluation de la première édition",
                30,
                "ferchichi",
                positions={
                    G: (SUPPORT, "L'OTE présente l'évaluation: 92 % de satisfaction."),
                    W: (SUPPORT, "L'UGTT demande un suivi des attachés après leur prise de poste."),
                    E: (SUPPORT, "L'UTICA soutient une deuxième édition."),
                },
                outcome=(TRIPARTITE, "", "Une deuxième édition sera préparée."),
                commitments=[
                    C(
                        "Préparer le dossier de la deuxième édition de l'académie",
                        G,
                        "ote",
                        "ferchichi",
                        90,
                        DONE,
                        [(80, "Dossier validé par la direction générale de l'OTE.", None, DONE)],
                    )
                ],
            ),
        ],
        observers=["alami", "rossi"],
        on_behalf=("bouzid", "chaouch"),
    ),
    M(
        MIGRATION,
        -200,
        "Commission migration – campagne nationale d'information",
        [
            I(
                "Campagne « Une autre voix possible » – deuxième phase",
                45,
                "alami",
                docs=[("Note conceptuelle de la deuxième phase", f"{ILO}/projects/amem/une-autre-voix-possible")],
                positions={
                    G: (SUPPORT, "Le gouvernement soutient une deuxième phase ciblant les régions intérieures."),
                    W: (SUPPORT, "L'UGTT organisera des rencontres avec les jeunes dans les régions."),
                    E: (SUPPORT, "L'UTICA mobilisera ses chambres régionales."),
                },
                outcome=(
                    TRIPARTITE,
                    "",
                    "Deuxième phase adoptée, avec un volet régional porté par les partenaires sociaux.",
                ),
                commitments=[
                    C(
                        "Organiser des rencontres avec les jeunes à Kasserine, Sidi Bouzid et Médenine",
                        W,
                        "ugtt",
                        "zouari",
                        180,
                        IN_PROGRESS,
                        [
                            (90, "Rencontre tenue à Kasserine (120 participants).", None, IN_PROGRESS),
                            (150, "Rencontre tenue à Sidi Bouzid.", None, None),
                        ],
                        from_outcome=True,
                    ),
                    C(
                        "Mettre en ligne les offres d'emploi légales à l'étranger sur le portail de l'OTE",
                        G,
                        "ote",
                        "ferchichi",
                        150,
                        DONE,
                        [(140, "Rubrique en ligne.", "https://www.ote.nat.tn/offres-emploi-etranger", DONE)],
                    ),
                ],
            ),
            I(
                "Statistiques: premier tableau de bord ONM–INS",
                30,
                "hamdi",
                positions={
                    G: (SUPPORT, "L'ONM présente la maquette du tableau de bord."),
                    W: (SUPPORT, "L'UGTT demande des indicateurs sur les conditions de travail."),
                    E: (SUPPORT, "L'UTICA demande des indicateurs par secteur."),
                },
                outcome=(FOR_INFORMATION, "", "La commission prend acte de la maquette."),
            ),
        ],
        observers=["alami"],
        late="hamdi",
    ),
    M(
        MIGRATION,
        -110,
        "Commission migration – statistiques et agences de placement",
        [
            I(
                "Tableau de bord statistique de la migration de main-d'œuvre: version publique",
                40,
                "hamdi",
                positions={
                    G: (SUPPORT, "L'ONM et l'INS proposent une publication semestrielle."),
                    W: (SUPPORT, "L'UGTT approuve."),
                    E: (SUPPORT, "L'UTICA approuve."),
                },
                outcome=(TRIPARTITE, "", "Publication du tableau de bord approuvée."),
                commitments=[
                    C(
                        "Publier le tableau de bord statistique en ligne",
                        G,
                        "ins",
                        "benammar",
                        118,
                        IN_PROGRESS,
                        [(60, "Données validées par le comité technique.", None, IN_PROGRESS)],
                        from_outcome=True,
                    ),
                    C("Former les points focaux régionaux à la collecte des données", G, "onm", "hamdi", 200, OPEN),
                ],
            ),
            I(
                "Recrutement équitable: agrément des agences privées de placement",
                45,
                "chaabane",
                positions={
                    G: (CONDITIONAL, "Le MEFP propose d'élargir les agréments sous réserve d'un contrôle annuel."),
                    W: (OPPOSE, "L'UGTT s'oppose à tout nouvel agrément sans contrôle renforcé des frais."),
                    E: (SUPPORT, "L'UTICA soutient l'élargissement des agréments."),
                },
                outcome=(NO_AGREEMENT, "", "Pas d'accord; le MEFP présentera un cahier des charges révisé."),
                commitments=[
                    C(
                        "Proposer un cahier des charges révisé des agences privées de placement",
                        G,
                        "mefp",
                        "sassi",
                        100,
                        OPEN,
                    )
                ],
            ),
        ],
        online_url="https://visio.social.gov.tn/commission-migration",
        observers=["alami", "rossi"],
    ),
    M(
        MIGRATION,
        -35,
        "Commission migration – académie des attachés sociaux (deuxième édition)",
        [
            I(
                "Deuxième édition de l'académie des attachés sociaux",
                40,
                "ferchichi",
                positions={
                    G: (SUPPORT, "L'OTE propose d'ouvrir la deuxième édition à 30 attachés."),
                    W: (SUPPORT, "L'UGTT approuve et maintient ses intervenants."),
                    E: (SUPPORT, "L'UTICA propose un module sur les besoins des entreprises."),
                },
                outcome=(TRIPARTITE, "", "Deuxième édition approuvée."),
                commitments=[
                    C("Publier l'appel à candidatures de la deuxième édition", G, "ote", "ferchichi", 45, OPEN),
                    C(
                        "Proposer un module sur les besoins des entreprises tunisiennes à l'étranger",
                        E,
                        "utica",
                        "chaouch",
                        40,
                        OPEN,
                    ),
                ],
            ),
            I(
                "Harmonisation du cadre législatif: feuille de route",
                40,
                "mejri",
                positions={
                    G: (CONDITIONAL, "Le SEM présente un projet de feuille de route, à compléter par les ministères."),
                    W: (RESERVATION, "L'UGTT demande que la ratification des conventions n° 97 et n° 143 y figure."),
                    E: (RESERVATION, "L'UTICA demande une évaluation des coûts."),
                },
                outcome=(DEFERRED, "", "Examen reporté à la prochaine réunion."),
            ),
        ],
        observers=["alami"],
    ),
    M(
        MIGRATION,
        9,
        "Commission migration – recrutement équitable",
        [
            I("Cahier des charges révisé des agences privées de placement", 50, "sassi"),
            I("Tableau de bord statistique: publication", 30, "benammar"),
        ],
        status=MeetingStatus.SCHEDULED,
        observers=["alami", "rossi"],
        online_url="https://visio.social.gov.tn/commission-migration",
    ),
    # ---------------------------------------------------------------- protection sociale
    M(
        PROTECTION,
        -650,
        "Commission protection sociale – travailleurs agricoles",
        [
            I(
                "Couverture sociale des travailleurs agricoles: diagnostic",
                50,
                "ayari",
                positions={
                    G: (SUPPORT, "Le MAS présente le taux de couverture des salariés agricoles."),
                    W: (SUPPORT, "L'UGTT rappelle que la majorité des ouvrières agricoles ne sont pas déclarées."),
                    E: (
                        CONDITIONAL,
                        "L'UTAP soutient une meilleure couverture si les cotisations restent supportables pour les petits exploitants.",
                    ),
                },
                outcome=(DEFERRED, "", "Diagnostic chiffré à compléter avant toute proposition."),
                commitments=[
                    C(
                        "Réaliser un diagnostic chiffré avec la CNSS",
                        G,
                        "mas",
                        "ayari",
                        120,
                        DONE,
                        [(110, "Diagnostic remis aux membres.", None, DONE)],
                    )
                ],
            ),
            I(
                "Programme de travail de la commission",
                20,
                "ayari",
                positions={
                    G: (SUPPORT, "Trois réunions par an sont proposées."),
                    W: (SUPPORT, "L'UGTT approuve."),
                    E: (SUPPORT, "L'UTAP approuve."),
                },
                outcome=(TRIPARTITE, "", "Programme adopté."),
            ),
        ],
    ),
    M(
        PROTECTION,
        -560,
        "Commission protection sociale – propositions UGTT–UTAP",
        [
            I(
                "Protection sociale des travailleurs agricoles: propositions conjointes UGTT–UTAP",
                60,
                "jlassi",
                positions={
                    G: (RESERVATION, "Le gouvernement réserve sa position jusqu'à l'étude actuarielle."),
                    W: (SUPPORT, "L'UGTT propose avec l'UTAP un régime de cotisation forfaitaire saisonnier."),
                    E: (SUPPORT, "L'UTAP soutient le régime forfaitaire."),
                },
                outcome=(
                    BILATERAL,
                    "workers,employers",
                    "Accord UGTT–UTAP sur un régime forfaitaire saisonnier; le gouvernement attend l'étude actuarielle.",
                ),
                commitments=[
                    C(
                        "Recenser les exploitations volontaires pour une phase pilote",
                        E,
                        "utap",
                        "jlassi",
                        90,
                        DONE,
                        [(85, "140 exploitations volontaires recensées.", None, DONE)],
                    ),
                    C(
                        "Commander une étude actuarielle à la CNSS",
                        G,
                        "mas",
                        "ayari",
                        120,
                        DONE,
                        [(100, "Étude commandée.", None, DONE)],
                    ),
                ],
            ),
            I(
                "Accidents du travail dans l'agriculture: statistiques",
                30,
                "jaziri",
                positions={
                    G: (SUPPORT, "Le MAS présente les données de la CNAM."),
                    W: (SUPPORT, "L'UGTT alerte sur le transport des ouvrières."),
                    E: (SUPPORT, "L'UTAP partage le constat."),
                },
                outcome=(FOR_INFORMATION, "", "La commission prend acte."),
            ),
        ],
    ),
    M(
        PROTECTION,
        -410,
        "Commission protection sociale – portabilité des droits",
        [
            I(
                "Portabilité des droits sociaux des travailleurs migrants",
                50,
                "ayari",
                docs=[
                    (
                        "Conventions bilatérales de sécurité sociale",
                        "https://www.social.gov.tn/securite-sociale/conventions-bilaterales",
                    )
                ],
                positions={
                    G: (SUPPORT, "Le MAS propose d'actualiser les conventions bilatérales de sécurité sociale."),
                    W: (SUPPORT, "L'UGTT demande la portabilité des droits à la retraite."),
                    E: (SUPPORT, "L'UTICA soutient."),
                },
                outcome=(TRIPARTITE, "", "Actualisation des conventions bilatérales prioritaires."),
                commitments=[
                    C(
                        "Recenser les conventions bilatérales de sécurité sociale à actualiser",
                        G,
                        "mas",
                        "ayari",
                        150,
                        DONE,
                        [(140, "Liste de six conventions prioritaires transmise.", None, DONE)],
                        from_outcome=True,
                    )
                ],
            ),
            I(
                "Droits des travailleurs migrants en Tunisie",
                30,
                "benhamida",
                positions={
                    G: (SUPPORT, "Le gouvernement prend note des recommandations du HCDH."),
                    W: (SUPPORT, "L'UGTT soutient l'accès des migrants aux services sociaux."),
                    E: (NONE, ""),
                },
                outcome=(FOR_INFORMATION, "", "La commission prend acte."),
            ),
        ],
        observers=["benhamida"],
    ),
    M(
        PROTECTION,
        -230,
        "Commission protection sociale – transport des travailleuses agricoles",
        [
            I(
                "Transport des travailleuses agricoles et accidents du travail",
                50,
                "mzoughi",
                positions={
                    G: (SUPPORT, "Le MAS propose des contrôles renforcés pendant les récoltes."),
                    W: (SUPPORT, "L'UGTT demande des sanctions contre les transporteurs non autorisés."),
                    E: (
                        CONDITIONAL,
                        "L'UTAP soutient si une offre de transport autorisé existe dans les zones rurales.",
                    ),
                },
                outcome=(
                    TRIPARTITE,
                    "",
                    "Campagne conjointe de prévention et contrôles renforcés pendant les récoltes.",
                ),
                commitments=[
                    C(
                        "Renforcer les contrôles du transport des ouvrières agricoles pendant les récoltes",
                        G,
                        "mas",
                        "jaziri",
                        120,
                        DONE,
                        [(110, "Contrôles renforcés dans cinq gouvernorats.", None, DONE)],
                        from_outcome=True,
                    ),
                    C(
                        "Sensibiliser les exploitants au transport sécurisé",
                        E,
                        "utap",
                        "benromdhane",
                        90,
                        DROPPED,
                        [(95, "Intégré à la campagne conjointe; engagement clos.", None, DROPPED)],
                    ),
                ],
            ),
            I(
                "Suivi de l'étude actuarielle",
                20,
                "ayari",
                positions={
                    G: (SUPPORT, "Résultats attendus au prochain trimestre."),
                    W: (SUPPORT, "L'UGTT demande à être associée."),
                    E: (SUPPORT, "L'UTAP demande à être associée."),
                },
                outcome=(FOR_INFORMATION, "", "La commission prend acte."),
            ),
        ],
        late="jlassi",
    ),
    M(
        PROTECTION,
        -130,
        "Commission protection sociale – travailleurs saisonniers",
        [
            I(
                "Travailleurs agricoles saisonniers: régime pilote",
                60,
                "jlassi",
                positions={
                    G: (CONDITIONAL, "Le gouvernement accepte une phase pilote limitée à deux gouvernorats."),
                    W: (SUPPORT, "L'UGTT soutient et demande une évaluation à un an."),
                    E: (SUPPORT, "L'UTAP soutient la phase pilote."),
                },
                outcome=(TRIPARTITE, "", "Phase pilote à Jendouba et Sidi Bouzid, évaluée au bout d'un an."),
                commitments=[
                    C(
                        "Préparer le texte du régime pilote (Jendouba et Sidi Bouzid)",
                        G,
                        "mas",
                        "ayari",
                        140,
                        IN_PROGRESS,
                        [
                            (50, "Projet de texte rédigé avec la CNSS.", None, IN_PROGRESS),
                            (100, "Projet soumis aux partenaires.", None, None),
                        ],
                        from_outcome=True,
                    ),
                    C("Informer les travailleurs saisonniers du régime pilote", W, "ugtt", "mzoughi", 200, OPEN),
                    C(
                        "Identifier les exploitations pilotes à Jendouba et Sidi Bouzid",
                        E,
                        "utap",
                        "jlassi",
                        160,
                        IN_PROGRESS,
                        [(70, "Liste de 60 exploitations établie à Jendouba.", None, IN_PROGRESS)],
                    ),
                ],
            ),
        ],
    ),
    M(
        PROTECTION,
        -50,
        "Commission protection sociale – conventions de sécurité sociale",
        [
            I(
                "Conventions bilatérales de sécurité sociale: état d'avancement",
                40,
                "ayari",
                positions={
                    G: (SUPPORT, "Deux conventions actualisées, quatre en négociation."),
                    W: (SUPPORT, "L'UGTT signale des cas de travailleurs sans couverture à l'étranger."),
                    E: (NONE, ""),
                },
                outcome=(FOR_INFORMATION, "", "La commission prend acte."),
                commitments=[
                    C(
                        "Transmettre les cas signalés de travailleurs migrants sans couverture",
                        W,
                        "ugtt",
                        "belhaj",
                        30,
                        OPEN,
                    )
                ],
            ),
            I(
                "Calendrier de la phase pilote",
                20,
                "ayari",
                positions={
                    G: (SUPPORT, "Lancement prévu au début de la saison."),
                    W: (SUPPORT, "L'UGTT approuve."),
                    E: (SUPPORT, "L'UTAP approuve."),
                },
                outcome=(TRIPARTITE, "", "Calendrier approuvé."),
            ),
        ],
    ),
    M(
        PROTECTION,
        16,
        "Réunion bilatérale gouvernement–UGTT: portabilité des droits",
        [
            I("Portabilité des droits à la retraite des travailleurs migrants", 60, "ayari"),
        ],
        status=MeetingStatus.SCHEDULED,
        kind=MeetingKind.BILATERAL,
    ),
    M(
        PROTECTION,
        45,
        "Commission protection sociale – bilan du régime pilote",
        [
            I("Régime pilote des travailleurs saisonniers: premier bilan", 50, "ayari"),
            I("Étude actuarielle: résultats", 40, "ayari"),
        ],
        status=MeetingStatus.DRAFT,
    ),
]

# --- Building the records ------------------------------------------------------------------


def working_day(day: dt.date, forward: bool) -> dt.date:
    """Meetings fall on Monday to Friday (the weekend in Tunisia is Saturday and Sunday)."""
    while day.weekday() >= 5:
        day += dt.timedelta(days=1 if forward else -1)
    return day


def _attendance(rng: random.Random, role: InvitationRole) -> Attendance:
    if role in (InvitationRole.CHAIR, InvitationRole.SECRETARIAT):
        return Attendance.PRESENT
    roll = rng.random()
    if role == InvitationRole.ALTERNATE:
        return Attendance.PRESENT if roll < 0.4 else Attendance.EXCUSED
    if roll < 0.82:
        return Attendance.PRESENT
    return Attendance.EXCUSED if roll < 0.94 else Attendance.ABSENT


def _invitations(
    spec: M, body: BodySpec, people: dict[str, Person], sides: dict[str, Side], rng: random.Random, held: bool
) -> list[Invitation]:
    roles: list[tuple[str, InvitationRole]] = [(body.chair, InvitationRole.CHAIR)]
    roles += [(key, InvitationRole.TITULAR) for key in body.titular if key != body.chair]
    roles += [(key, InvitationRole.ALTERNATE) for key in body.alternate if key != body.chair]
    if spec.kind == MeetingKind.BILATERAL:  # government and workers only
        roles = [(k, r) for k, r in roles if sides[k] in (G, W)]
    roles += [
        (key, InvitationRole.OBSERVER) for key in (spec.observers if spec.observers is not None else body.observers)
    ]
    roles.append((body.secretariat, InvitationRole.SECRETARIAT))

    invitations: list[Invitation] = []
    for rank, (key, role) in enumerate(roles, start=1):
        invitation = Invitation(person_id=people[key].id, role=role, rank=rank, arrived_late=False)
        invitation.attendance = _attendance(rng, role) if held else Attendance.UNRECORDED
        invitations.append(invitation)
    if not held:
        return invitations

    by_key = {key: inv for (key, _role), inv in zip(roles, invitations, strict=True)}
    if spec.on_behalf:
        alternate, titular = spec.on_behalf
        by_key[titular].attendance = Attendance.EXCUSED
        by_key[alternate].attendance = Attendance.PRESENT
        by_key[alternate].on_behalf_of_id = people[titular].id
    if spec.late:
        by_key[spec.late].attendance = Attendance.PRESENT
        by_key[spec.late].arrived_late = True
    # A held meeting met its quorum: top up each side with its titular members if needed.
    assert body.quorum_rule is not None
    needed = required_per_side(body.quorum_rule, body.quorum_min_per_side)
    for side in Side.parties():
        on_side = [
            (k, inv)
            for (k, r), inv in zip(roles, invitations, strict=True)
            if sides[k] == side and r != InvitationRole.SECRETARIAT
        ]
        present = sum(1 for _k, inv in on_side if inv.attendance == Attendance.PRESENT)
        for key, inv in on_side:
            if present >= needed:
                break
            if inv.attendance != Attendance.PRESENT and (not spec.on_behalf or key != spec.on_behalf[1]):
                inv.attendance = Attendance.PRESENT
                present += 1
    return invitations


@dataclass
class Built:
    meetings: list[Meeting] = field(default_factory=list)
    items: list[AgendaItem] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)


def build_meetings(
    today: dt.date,
    tz: ZoneInfo,
    people: dict[str, Person],
    sides: dict[str, Side],
    orgs: dict[str, Organisation],
    bodies: dict[str, Body],
    meetings: list[M] = MEETINGS,
    seed: str = "dialogue-demo",
) -> Built:
    """The `meetings` (the demo's by default), dated relative to `today`, with everything
    that hangs on them; `seed` names the attendance draws."""
    specs = {spec.name: spec for spec in BODIES}
    built = Built()
    held_before: dict[str, int] = {}
    for index, spec in enumerate(meetings):
        body_spec = specs[spec.body]
        day = working_day(today + dt.timedelta(days=spec.days), forward=spec.days > 0)
        hour, minute = body_spec.hour
        starts = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)
        held = spec.status == MeetingStatus.HELD
        first_of_body = held_before.get(spec.body, 0) == 0

        items = [I("Adoption de l'ordre du jour", 10, body_spec.chair)]
        if not first_of_body:
            items.append(
                I(
                    "Suivi des engagements des réunions précédentes",
                    20,
                    body_spec.secretariat,
                    "Point des engagements ouverts (suivi des engagements).",
                )
            )
        items += spec.items
        items.append(I("Questions diverses", 15, body_spec.chair))
        total = sum(item.minutes for item in items)

        meeting = Meeting(
            body_id=bodies[spec.body].id,
            title=spec.title,
            kind=spec.kind or (MeetingKind.PLENARY if body_spec.kind == BodyKind.PLENARY else MeetingKind.COMMITTEE),
            starts_at=starts.astimezone(dt.UTC),
            ends_at=(starts + dt.timedelta(minutes=total + 30)).astimezone(dt.UTC),  # with a coffee break
            venue=spec.venue
            if spec.venue is not None
            else ("" if spec.online_url and spec.days > 0 else body_spec.venue),
            online_url=spec.online_url,
            status=spec.status,
            description=spec.description,
        )
        translate(meeting, "title", "description")
        meeting.invitations = _invitations(spec, body_spec, people, sides, random.Random(f"{seed}-{index}"), held)
        built.meetings.append(meeting)

        for rank, item_spec in enumerate(items, start=1):
            item = AgendaItem(
                meeting=meeting,
                rank=rank,
                title=item_spec.title,
                description=item_spec.description,
                duration_minutes=item_spec.minutes,
                presenter_id=people[item_spec.presenter].id,
                c144_matter=item_spec.c144,
            )
            translate(item, "title", "description")
            built.items.append(item)
            item.documents = [AgendaDocument(title=title, url=url) for title, url in item_spec.docs]
            if held:
                item.positions = [
                    Position(side=side, stance=stance, statement=statement)
                    for side, (stance, statement) in item_spec.positions.items()
                ]
                if item_spec.outcome:
                    kind, agreeing, text = item_spec.outcome
                    item.outcome = Outcome(kind=kind, sides=agreeing, text=text)
                elif item_spec.title == "Suivi des engagements des réunions précédentes":
                    item.outcome = Outcome(
                        kind=FOR_INFORMATION,
                        text="Le secrétariat a présenté l'état des engagements; les parties ont fait le point sur les retards.",
                    )
                if item.outcome is not None:
                    translate(item.outcome, "text")
                for c in item_spec.commitments:
                    built.commitments.append(_commitment(c, day, today, meeting, item, people, orgs))
        if held:
            held_before[spec.body] = held_before.get(spec.body, 0) + 1
    return built


def _commitment(
    spec: C,
    day: dt.date,
    today: dt.date,
    meeting: Meeting,
    item: AgendaItem,
    people: dict[str, Person],
    orgs: dict[str, Organisation],
) -> Commitment:
    commitment = Commitment(
        meeting=meeting,
        agenda_item=item,
        from_outcome=spec.from_outcome,
        title=spec.title,
        description=spec.description,
        side=spec.side,
        organisation_id=orgs[spec.org].id,
        responsible_id=people[spec.who].id,
        due_on=day + dt.timedelta(days=spec.due),
        status=spec.status,
        closed_on=None,
    )
    translate(commitment, "title", "description")
    # Only what has already happened: an update dated after today is left out.
    updates = [
        CommitmentUpdate(written_on=day + dt.timedelta(days=after), note=note, evidence_url=url, status=status)
        for after, note, url, status in spec.updates
        if day + dt.timedelta(days=after) <= today
    ]
    commitment.updates = updates
    if spec.status in (DONE, DROPPED):
        commitment.closed_on = max((u.written_on for u in updates), default=min(today, commitment.due_on or today))
    return commitment


# --- Ten years of history (`dialogue demo --scale N`) --------------------------------------

# The demo's own meetings reach back about two years (715 days). The earlier rounds of them
# are spread between HISTORY_START and HISTORY_START + HISTORY_SPAN days back, the oldest
# last: the record always reaches back about ten years, and scale 100 is a busy council.
HISTORY_START = 800
HISTORY_SPAN = 2200
SETTLED_AFTER = dt.timedelta(days=365)  # an older commitment still open is mostly settled by now


def history_shifts(scale: int) -> list[int]:
    """How many days back each of the `scale - 1` earlier rounds of the demo's meetings lies."""
    rounds = scale - 1
    return [HISTORY_START + round(HISTORY_SPAN * number / rounds) for number in range(1, rounds + 1)]


def past_round(shift: int) -> list[M]:
    """The demo's meetings `shift` days earlier: all in the past, so every one that was not
    cancelled or postponed was held (attendance, positions and outcomes recorded)."""
    kept = (MeetingStatus.CANCELLED, MeetingStatus.POSTPONED)
    return [
        replace(
            spec,
            days=spec.days - shift,
            status=spec.status if spec.status in kept else MeetingStatus.HELD,
            online_url=None,
        )
        for spec in MEETINGS
    ]


SETTLED_NOTES = {
    DONE: "Engagement réalisé; les pièces justificatives ont été transmises au secrétariat.",
    DROPPED: "Engagement abandonné d'un commun accord en séance plénière.",
}


def settle(commitments: list[Commitment], today: dt.date, rng: random.Random) -> None:
    """Commitments due more than a year ago: most were kept (done), some dropped, and about
    one in ten is still open, long overdue; a closing note says so, dated near the due date."""
    for commitment in commitments:
        due = commitment.due_on
        if commitment.status not in CommitmentStatus.active() or due is None or due >= today - SETTLED_AFTER:
            continue
        roll = rng.random()
        if roll >= 0.9:
            continue
        status = DONE if roll < 0.8 else DROPPED
        written = due + dt.timedelta(days=rng.randint(-20, 40))
        commitment.updates.append(CommitmentUpdate(written_on=written, note=SETTLED_NOTES[status], status=status))
        commitment.status = status
        commitment.closed_on = written


@dataclass
class Table:
    orgs: dict[str, Organisation]
    people: dict[str, Person]
    sides: dict[str, Side]  # person key -> side of their organisation
    bodies: dict[str, Body]


async def _table(session: AsyncSession) -> Table:
    """The demo's organisations, people and bodies, reusing those already there (--force)."""
    slugs = [slug for slug, *_rest in ORGANISATIONS]
    orgs = {o.slug: o for o in (await session.scalars(select(Organisation).where(Organisation.slug.in_(slugs)))).all()}
    for slug, acronym, name, side, description in ORGANISATIONS:
        if slug not in orgs:
            orgs[slug] = Organisation(
                slug=slug,
                acronym=acronym,
                name=name,
                side=side,
                category=CATEGORIES.get(slug),
                description=description,
            )
            session.add(orgs[slug])
    await session.flush()

    emails = [row[4] for row in PEOPLE]
    query = select(Person).options(joinedload(Person.organisation)).where(Person.email.in_(emails))
    existing = {p.email: p for p in (await session.scalars(query)).all()}
    people: dict[str, Person] = {}
    sides: dict[str, Side] = {}
    for key, name, slug, title, email, phone, language in PEOPLE:
        if email in existing:
            people[key] = existing[email]
            sides[key] = existing[email].organisation.side
            continue
        people[key] = Person(
            full_name=name, organisation_id=orgs[slug].id, title=title, email=email, phone=phone, language=language
        )
        sides[key] = orgs[slug].side
        session.add(people[key])
    await session.flush()

    names = [spec.name for spec in BODIES]
    bodies = {b.name: b for b in (await session.scalars(select(Body).where(Body.name.in_(names)))).all()}
    for spec in BODIES:
        if spec.name in bodies:
            continue
        body = await create_body(session, spec)
        session.add_all(
            [Membership(body_id=body.id, person_id=people[k].id, kind=MembershipKind.TITULAR) for k in spec.titular]
            + [
                Membership(body_id=body.id, person_id=people[k].id, kind=MembershipKind.ALTERNATE)
                for k in spec.alternate
            ]
        )
        bodies[spec.name] = body
    await session.flush()
    return Table(orgs=orgs, people=people, sides=sides, bodies=bodies)


# --- A project and its closing workshop ---------------------------------------------------

AMEM_SLUG = "amem"
# The workshop the project started from: Tunis, 27 July 2022, Hôtel Sheraton, from 11:00.
AMEM_WORKSHOP = (
    dt.datetime(2022, 7, 27, 11, 0, tzinfo=ZoneInfo("Africa/Tunis")),
    dt.datetime(2022, 7, 27, 16, 0, tzinfo=ZoneInfo("Africa/Tunis")),
)
AMEM_PARTNERS: list[tuple[str, PartnerRole]] = [
    ("mas", PartnerRole.LEAD),
    ("ugtt", PartnerRole.ORGANISER),
    ("utica", PartnerRole.ORGANISER),
    ("oit", PartnerRole.COORDINATOR),
    ("aics", PartnerRole.DONOR),
    ("ote", PartnerRole.TECHNICAL_PARTNER),
    ("onm", PartnerRole.TECHNICAL_PARTNER),
    ("ins", PartnerRole.TECHNICAL_PARTNER),
]
# title, presenter, outcome kind, sides agreeing, outcome, statements of the three sides
AMEM_AGENDA: list[tuple[str, str, OutcomeKind, tuple[Side, ...], str, tuple[str, str, str]]] = [
    (
        "Bilan du projet AMEM (2019–2022)",
        "alami",
        FOR_INFORMATION,
        (),
        "Le bilan est présenté: cadre juridique de la migration de main-d'œuvre analysé, attachés sociaux "
        "formés, campagne d'information menée avec les partenaires sociaux.",
        (
            "Le ministère salue un appui qui a renforcé ses services aux travailleurs migrants.",
            "L'UGTT souligne le rôle des réseaux syndicaux dans l'information des migrants.",
            "L'UTICA retient l'apport du projet au recrutement équitable.",
        ),
    ),
    (
        "Acquis de la dynamique tripartite sur la migration de main-d'œuvre",
        "bouazizi",
        TRIPARTITE,
        Side.parties(),
        "Les trois parties conviennent de poursuivre au sein du Conseil national du dialogue social les "
        "travaux de la commission tripartite sur la migration de main-d'œuvre.",
        (
            "Le gouvernement propose d'inscrire la migration au programme du Conseil.",
            "L'UGTT soutient une commission permanente.",
            "L'UTICA soutient la proposition et demande un calendrier.",
        ),
    ),
    (
        "Perspectives: une deuxième phase",
        "collins",
        FOR_INFORMATION,
        (),
        "L'OIT et l'AICS présentent les pistes d'une deuxième phase, à préciser avec les mandants.",
        (
            "Le ministère demande que la deuxième phase couvre aussi les travailleurs agricoles.",
            "L'UGTT demande un volet sur la protection sociale des migrants.",
            "L'UTICA demande un volet sur les compétences.",
        ),
    ),
]
AMEM_INVITED: list[tuple[str, InvitationRole]] = [
    ("bensalah", InvitationRole.CHAIR),
    ("bouazizi", InvitationRole.TITULAR),
    ("ferchichi", InvitationRole.TITULAR),
    ("hamdi", InvitationRole.TITULAR),
    ("benammar", InvitationRole.TITULAR),
    ("gharbi", InvitationRole.TITULAR),
    ("belhaj", InvitationRole.TITULAR),
    ("dridi", InvitationRole.TITULAR),
    ("mestiri", InvitationRole.TITULAR),
    ("alami", InvitationRole.ADVISER),
    ("collins", InvitationRole.ADVISER),
    ("rossi", InvitationRole.OBSERVER),
    ("chebbi", InvitationRole.SECRETARIAT),
]


async def _amem(session: AsyncSession, table: Table) -> Meeting:
    """The AMEM project (ILO, funded by the Italian cooperation) and its closing workshop:
    an event of its own, without a council body, with each partner in its role."""
    project = await session.scalar(select(Project).where(Project.slug == AMEM_SLUG))
    if project is None:
        project = Project(
            slug=AMEM_SLUG,
            acronym="AMEM",
            name="Améliorer la gouvernance de la migration de main-d'œuvre et la protection des droits "
            "des travailleurs migrants",
            lead_organisation_id=table.orgs["oit"].id,
            starts_on=dt.date(2019, 1, 1),
            ends_on=dt.date(2022, 12, 31),
            countries="TN,MA",
            description="Projet de l'OIT pour une migration équitable en Tunisie et au Maroc, mené avec les "
            "mandants tripartites et financé par la coopération italienne.",
        )
        project.donors = [ProjectDonor(organisation_id=table.orgs["aics"].id, rank=1)]
        session.add(project)
        await session.flush()
    starts, ends = (moment.astimezone(dt.UTC) for moment in AMEM_WORKSHOP)
    workshop = Meeting(
        body_id=None,
        project_id=project.id,
        title="Atelier de clôture du projet AMEM",
        kind=MeetingKind.CLOSING_WORKSHOP,
        starts_at=starts,
        ends_at=ends,
        venue="Hôtel Sheraton, Tunis",
        status=MeetingStatus.HELD,
        description="Bilan du projet et présentation des acquis de la dynamique tripartite sur la migration "
        "de main-d'œuvre.",
    )
    workshop.partners = [
        MeetingPartner(organisation_id=table.orgs[slug].id, role=role, rank=rank)
        for rank, (slug, role) in enumerate(AMEM_PARTNERS, start=1)
    ]
    workshop.invitations = [
        Invitation(
            person_id=table.people[key].id,
            role=role,
            rank=rank,
            arrived_late=False,
            attendance=Attendance.PRESENT,
        )
        for rank, (key, role) in enumerate(AMEM_INVITED, start=1)
    ]
    translate(workshop, "title", "description")
    session.add(workshop)
    await session.flush()
    for rank, (title, presenter, kind, sides, outcome, statements) in enumerate(AMEM_AGENDA, start=1):
        item = AgendaItem(
            meeting_id=workshop.id, rank=rank, title=title, duration_minutes=45, presenter_id=table.people[presenter].id
        )
        item.positions = [
            Position(side=side, stance=Stance.SUPPORT, statement=statement)
            for side, statement in zip(Side.parties(), statements, strict=True)
        ]
        item.outcome = Outcome(kind=kind, sides=",".join(side.value for side in sides), text=outcome)
        translate(item, "title", "description")
        translate(item.outcome, "text")
        session.add(item)
    await session.flush()
    # The commitments the council made on the project's items belong to the project.
    on_amem = select(AgendaItem.id).where(AgendaItem.title.contains("AMEM"))
    for commitment in await session.scalars(
        select(Commitment).where(Commitment.agenda_item_id.in_(on_amem), Commitment.project_id.is_(None))
    ):
        commitment.project_id = project.id
    await session.flush()
    return workshop


async def _demo_minutes(session: AsyncSession, settings: Settings) -> None:
    """Minutes for the two latest held meetings where the three sides were present: the
    older one adopted (the government with a reservation), the latest circulated and
    awaiting the employers' approval. Through the workflow's own rules."""
    from dialogue.meetings import service as meetings_service
    from dialogue.minutes import approval, circulation, compose, drafting
    from dialogue.minutes.models import Decision, Minutes

    accounts = list((await session.scalars(select(Account).where(Account.disabled_at.is_(None)))).unique())
    secretariat = next((a for a in accounts if a.role is Role.SECRETARIAT), None)
    approvers = {a.side: a for a in accounts if a.is_approver and a.side is not None}
    if secretariat is None or not all(side in approvers for side in Side.parties()):
        return
    with_minutes = select(Minutes.meeting_id)
    held = await session.scalars(
        select(Meeting.id)
        .where(Meeting.status == MeetingStatus.HELD, Meeting.id.not_in(with_minutes))
        .order_by(Meeting.starts_at.desc())
        .limit(10)
    )
    picks = []
    for meeting_id in list(held):
        meeting = await meetings_service.get_meeting(session, meeting_id, with_invitations=True)
        if compose.approving_sides(meeting) == list(Side.parties()):
            picks.append(meeting)
        if len(picks) == 2:
            break
    plans = [
        (
            Side.GOVERNMENT,
            Decision.RESERVATIONS,
            "Le gouvernement réserve sa position sur le calendrier de mise en œuvre.",
        ),
        (Side.WORKERS, Decision.APPROVED, ""),
        (Side.EMPLOYERS, Decision.APPROVED, ""),
    ]
    awaiting_employers = [(Side.GOVERNMENT, Decision.APPROVED, ""), (Side.WORKERS, Decision.APPROVED, "")]
    for meeting, decisions in zip(reversed(picks), (plans, awaiting_employers), strict=False):
        minutes = await drafting.start_draft(session, meeting)
        introduction = "La séance est ouverte par la présidence, qui souhaite la bienvenue aux membres."
        closing = "L'ordre du jour étant épuisé, la séance est levée."
        narratives = drafting.Narratives(
            introduction=introduction,
            closing=closing,
            introduction_ar=ARABIC[introduction],
            closing_ar=ARABIC[closing],
        )
        await drafting.save_narratives(session, minutes, narratives, minutes.version)
        await circulation.circulate(session, minutes, secretariat, settings, minutes.version)
        for side, decision, text in decisions:
            draft = approval.DecisionDraft(decision=decision, text=text)
            await approval.decide(session, minutes, approvers[side], side, draft)


async def _demo_press_release(session: AsyncSession) -> None:
    """Published press releases, so that the public pages (`/public`) show something: the
    AMEM closing workshop's and the latest held council meeting's with outcomes; drafted and
    published by the service's rules."""
    from dialogue.meetings import service as meetings_service
    from dialogue.press import service as press_service
    from dialogue.press.models import PressRelease

    with_outcomes = (
        select(Meeting.id)
        .join(AgendaItem, AgendaItem.meeting_id == Meeting.id)
        .join(Outcome, Outcome.item_id == AgendaItem.id)
        .where(Meeting.status == MeetingStatus.HELD, Meeting.id.not_in(select(PressRelease.meeting_id)))
        .order_by(Meeting.starts_at.desc())
        .limit(1)
    )
    picks = [
        await session.scalar(with_outcomes.where(Meeting.kind == MeetingKind.CLOSING_WORKSHOP)),
        await session.scalar(with_outcomes.where(Meeting.body_id.is_not(None))),
    ]
    for meeting_id in picks:
        if meeting_id is None:
            continue
        meeting = await meetings_service.get_meeting(session, meeting_id)
        release = await press_service.start_release(session, meeting)
        await press_service.publish(session, release, release.version, meeting)


async def _demo_documents(session: AsyncSession, settings: Settings) -> None:
    """Two small PDFs on the latest held meeting (its minutes list them in their annex) and
    on the next one, and an internal note of the workers on a position: stored in the
    configured storage (DIALOGUE_STORAGE_URL), through the documents' own rules."""
    from dialogue.documents import service as documents
    from dialogue.documents.models import Attachment
    from dialogue.documents.storage import DocumentStorage
    from dialogue.documents.tiny_pdf import tiny_pdf

    storage = DocumentStorage.from_settings(settings)
    accounts = list((await session.scalars(select(Account).where(Account.disabled_at.is_(None)))).unique())
    secretariat = next((a for a in accounts if a.role is Role.SECRETARIAT), None)
    workers = next((a for a in accounts if a.role is Role.DELEGATE and a.side is Side.WORKERS), None)
    if secretariat is None:
        return
    now = dt.datetime.now(dt.UTC)
    held = await session.scalar(
        select(Meeting).where(Meeting.status == MeetingStatus.HELD).order_by(Meeting.starts_at.desc()).limit(1)
    )
    coming = await session.scalar(
        select(Meeting)
        .where(Meeting.status == MeetingStatus.SCHEDULED, Meeting.starts_at > now)
        .order_by(Meeting.starts_at)
        .limit(1)
    )
    plans: list[tuple[Account, Attachment, int, str, str, bool]] = []
    for meeting in (held, coming):
        if meeting is None:
            continue
        plans.append((secretariat, Attachment.MEETING, meeting.id, "Note de cadrage", "note-de-cadrage.pdf", False))
        item = await session.scalar(
            select(AgendaItem).where(AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.rank).limit(1)
        )
        if item is not None:
            plans.append((secretariat, Attachment.ITEM, item.id, "Présentation du point", "presentation.pdf", False))
        position = await session.scalar(
            select(Position).join(AgendaItem).where(AgendaItem.meeting_id == meeting.id, Position.side == Side.WORKERS)
        )
        if workers is not None and position is not None and meeting is coming:
            plans.append((workers, Attachment.POSITION, position.id, "Argumentaire interne", "argumentaire.pdf", True))
    for account, kind, target_id, title, filename, internal in plans:
        target = await documents.find_target(session, kind, target_id)
        upload = documents.Upload(filename, tiny_pdf([title, target.label]))
        checked = documents.check_file(upload, settings.upload_max_bytes)
        async with storage.staged(checked.content, checked.kind.media_type, checked.kind.extension) as key:
            draft = documents.DocumentDraft(title=title, internal=internal)
            await documents.add_document(session, account, target, draft, checked, key)


# The history is written in a few large transactions, not one per round.
ROUNDS_PER_TRANSACTION = 10

# The tables a round writes. Their rows get their ids before the flush, and the history's
# engine is told not to ask for ids back: the ORM then inserts each table's rows with one
# executemany instead of one INSERT ... RETURNING per row (SQLite cannot return the ids
# of a batch in order, so SQLAlchemy inserts such rows one at a time).
NUMBERED: tuple[type[Any], ...] = (
    Meeting,
    Invitation,
    AgendaItem,
    AgendaDocument,
    Position,
    Outcome,
    Commitment,
    CommitmentUpdate,
)


async def _load_history(settings: Settings, table: Table, today: dt.date, scale: int, loaded: Loaded) -> None:
    """The `scale - 1` earlier rounds, through sessions like every change (search text and
    audit trail written by their listeners), every row numbered by hand."""
    tz = settings.tz
    engine = create_engine(settings)
    # Only rows with their id set go through this engine (see NUMBERED).
    engine.sync_engine.dialect.insert_executemany_returning = False
    sessions = session_factory(engine)
    numbered = list(enumerate(history_shifts(scale), start=1))
    try:
        for start in range(0, len(numbered), ROUNDS_PER_TRANSACTION):
            async with sessions() as session:
                ids = await _next_ids(session)
                for number, shift in numbered[start : start + ROUNDS_PER_TRANSACTION]:
                    seed = f"dialogue-demo-history-{number}"
                    round_ = past_round(shift)
                    built = build_meetings(
                        today, tz, table.people, table.sides, table.orgs, table.bodies, meetings=round_, seed=seed
                    )
                    settle(built.commitments, today, random.Random(seed))
                    _number_rows(built, ids)
                    session.add_all(built.meetings)
                    session.add_all(built.items)
                    session.add_all(built.commitments)
                    await session.flush()
                    loaded.count(built, today, tz)
                await _advance_identities(session, ids)
                await session.commit()
    finally:
        await engine.dispose()


async def _next_ids(session: AsyncSession) -> dict[type[Any], int]:
    """The next free id of each table in NUMBERED (one statement)."""
    last = [select(func.coalesce(func.max(model.id), 0)).scalar_subquery() for model in NUMBERED]
    row = (await session.execute(select(*last))).one()
    return {model: int(value) + 1 for model, value in zip(NUMBERED, row, strict=True)}


def _number_rows(built: Built, ids: dict[type[Any], int]) -> None:
    """Give every row of the round its id, taken from `ids` (which moves on)."""
    rows: list[Any] = list(built.meetings)
    rows += [invitation for meeting in built.meetings for invitation in meeting.invitations]
    rows += built.items
    for item in built.items:
        rows += item.documents
        rows += item.positions
        if item.outcome is not None:
            rows.append(item.outcome)
    rows += built.commitments
    for commitment in built.commitments:
        for update in commitment.updates:
            update.side = commitment.side  # what its default would look up, row by row
            rows.append(update)
    for row in rows:
        row.id = ids[type(row)]
        ids[type(row)] += 1


async def _advance_identities(session: AsyncSession, ids: dict[type[Any], int]) -> None:
    """PostgreSQL: move each identity past the ids given by hand, so that the next row the
    application inserts does not take one of them (SQLite uses max(id) + 1 by itself)."""
    if session.bind.dialect.name != "postgresql":
        return
    for model, next_id in ids.items():
        await session.execute(
            sql("SELECT setval(pg_get_serial_sequence(:table, 'id'), :last)"),
            {"table": model.__tablename__, "last": next_id - 1},
        )


@dataclass
class Loaded:
    """What the demo added, for the summary."""

    meetings: int = 0
    past: int = 0
    commitments: int = 0
    overdue: int = 0

    def count(self, built: Built, today: dt.date, tz: ZoneInfo) -> None:
        self.meetings += len(built.meetings)
        self.past += sum(1 for m in built.meetings if m.starts_at.astimezone(tz).date() < today)
        self.commitments += len(built.commitments)
        self.overdue += sum(1 for c in built.commitments if c.is_overdue(today))


async def _demo_letterhead(session: AsyncSession) -> None:
    """The council's letterhead, so that the letters of convocation look like the real ones."""
    if await session.scalar(select(func.count(Letterhead.id))):
        return
    session.add(
        Letterhead(
            name_fr="Conseil national du dialogue social",
            name_ar="المجلس الوطني للحوار الاجتماعي",
            name_en="National Council for Social Dialogue",
            header_fr="République tunisienne\nMinistère des Affaires sociales",
            header_ar="الجمهورية التونسية\nوزارة الشؤون الاجتماعية",
            header_en="Republic of Tunisia\nMinistry of Social Affairs",
            footer_fr="Boulevard Bab Bnet, 1006 Tunis",
            footer_ar="نهج باب بنات، 1006 تونس",
            footer_en="Boulevard Bab Bnet, 1006 Tunis, Tunisia",
            reference_format="CNDS/{year}/{meeting}-{person}",
            logo=None,
            logo_type="",
        )
    )


async def load_demo(settings: Settings, *, force: bool = False, start_hint: bool = True, scale: int = 1) -> str:
    """Load the demo into the database of `settings`; refuse a database that holds records.

    Returns a short summary for the console. With `force`, organisations, people and bodies
    already there (same slug, email or name) are reused and the meetings are added again.
    With `scale` N, N - 1 earlier rounds of the meetings go back about ten years (at 100:
    thousands of meetings). They go through the same sessions as every change, so the
    search index and the audit trail cover them (ROUNDS_PER_TRANSACTION rounds at a time).
    """
    tz = settings.tz
    today = dt.datetime.now(tz).date()
    loaded = Loaded()
    engine = create_engine(settings)
    sessions = session_factory(engine)
    try:
        async with sessions() as session:
            if not force and (await session.scalar(select(func.count(Organisation.id)))):
                raise DatabaseNotEmpty
            table = await _table(session)
            await _accounts(session, table.orgs)
            built = build_meetings(today, tz, table.people, table.sides, table.orgs, table.bodies)
            session.add_all(built.meetings)
            session.add_all(built.items)
            session.add_all(built.commitments)
            await session.flush()
            built.meetings.append(await _amem(session, table))
            await _demo_documents(session, settings)
            await _demo_minutes(session, settings)
            await _demo_press_release(session)
            await _demo_letterhead(session)
            await session.commit()
        loaded.count(built, today, tz)
        if scale > 1:
            await _load_history(settings, table, today, scale, loaded)
    finally:
        await engine.dispose()

    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host  # noqa: S104  (read, not bound)
    lines = [
        _("Demo data loaded:"),
        _("  {n} organisations, {p} people, {b} bodies").format(
            n=len(table.orgs), p=len(table.people), b=len(table.bodies)
        ),
        _("  {n} meetings ({past} past, {future} to come)").format(
            n=loaded.meetings, past=loaded.past, future=loaded.meetings - loaded.past
        ),
        _("  {n} commitments ({overdue} overdue)").format(n=loaded.commitments, overdue=loaded.overdue),
    ]
    if start_hint:  # not when Dialogue starts right after (`make run`)
        lines.append(
            _("Start Dialogue with `dialogue run` and open http://{host}:{port}").format(host=host, port=settings.port)
        )
    return "\n".join(lines)
