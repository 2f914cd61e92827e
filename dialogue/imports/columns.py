"""What each kind of import reads, and which column of a file holds what.

A column is recognised by its header in French, Arabic or English (the labels below in
every language of the catalogs, and the usual other names), without regard to case,
accents, tashkeel or punctuation; the person may also choose by hand what each column holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeVar

from dialogue.choices import Choice
from dialogue.i18n import LANGUAGES, N_, gettext, using_language
from dialogue.search import fold


class ImportKind(Choice):
    ORGANISATIONS = "organisations", N_("Organisations")
    PEOPLE = "people", N_("People")
    COMMITMENTS = "commitments", N_("Commitments")


@dataclass(frozen=True)
class Field:
    key: str
    label: str  # an English msgid, translated where shown
    required: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def shown(self) -> str:
        return gettext(self.label)


def required(key: str, label: str, *aliases: str) -> Field:
    """A column the file must have, known by its label and the `aliases`."""
    return Field(key, label, True, aliases)


def optional(key: str, label: str, *aliases: str) -> Field:
    """A column the file may have."""
    return Field(key, label, False, aliases)


_SIDE = required("side", N_("Side"), "side", "partie", "college", "collège", "الطرف", "الجهة", "الفئة")
_ORGANISATION = required(
    "organisation",
    N_("Organisation"),
    "organisation",
    "organization",
    "org",
    "structure",
    "المنظمة",
    "الهيكل",
    "المؤسسة",
)
_DESCRIPTION = optional("description", N_("Description"), "description", "details", "détails", "الوصف")

FIELDS: dict[ImportKind, tuple[Field, ...]] = {
    ImportKind.ORGANISATIONS: (
        required("slug", N_("Short identifier"), "slug", "identifiant", "id", "code", "المعرف", "الرمز"),
        required("name", N_("Name"), "name", "nom", "raison sociale", "الاسم", "التسمية"),
        optional("acronym", N_("Acronym"), "acronym", "sigle", "abbreviation", "الاختصار"),
        _SIDE,
        _DESCRIPTION,
    ),
    ImportKind.PEOPLE: (
        required(
            "full_name",
            N_("Name"),
            "name",
            "full name",
            "nom",
            "nom complet",
            "nom et prenom",
            "prenom et nom",
            "الاسم",
            "الاسم واللقب",
        ),
        required(
            "email", N_("Email"), "email", "e-mail", "mail", "courriel", "adresse email", "البريد الإلكتروني", "البريد"
        ),
        _ORGANISATION,
        optional("side", N_("Side"), *_SIDE.aliases),
        optional("title", N_("Title"), "title", "job title", "fonction", "titre", "poste", "الصفة", "الوظيفة"),
        optional("phone", N_("Phone"), "phone", "telephone", "téléphone", "tel", "mobile", "الهاتف"),
        optional("language", N_("Language"), "language", "langue", "اللغة"),
        optional(
            "bodies",
            N_("Member of (bodies)"),
            "bodies",
            "body",
            "member of",
            "instances",
            "instance",
            "membre de",
            "الهيئات",
            "عضو في",
        ),
        optional(
            "alternate_bodies",
            N_("Alternate in (bodies)"),
            "alternate in",
            "alternate",
            "suppleant",
            "suppléant de",
            "suppleant dans",
            "عضو نائب في",
            "نائب",
        ),
    ),
    ImportKind.COMMITMENTS: (
        required("reference", N_("Reference"), "reference", "ref", "référence", "numero", "n°", "المرجع", "الرقم"),
        required("title", N_("Title"), "title", "commitment", "titre", "engagement", "intitulé", "العنوان", "الالتزام"),
        _SIDE,
        optional("organisation", N_("Organisation"), *_ORGANISATION.aliases),
        optional(
            "responsible",
            N_("Responsible person (email)"),
            "responsible",
            "responsable",
            "email",
            "courriel",
            "المسؤول",
        ),
        optional("due_on", N_("Due date"), "due date", "due", "deadline", "échéance", "date limite", "الأجل", "الموعد"),
        optional("status", N_("Status"), "status", "statut", "état", "الحالة"),
        _DESCRIPTION,
    ),
}

C = TypeVar("C", bound=Choice)
_PUNCTUATION = re.compile(r"[\s\-_.:;,*()'’\"/]+")


def folded(text: str) -> str:
    """A header or a value as compared: `search.fold` without spaces and punctuation."""
    return _PUNCTUATION.sub("", fold(text))


def _names(field: Field) -> set[str]:
    names = {folded(alias) for alias in field.aliases}
    for language in LANGUAGES:
        with using_language(language):
            names.add(folded(gettext(field.label)))
    return names


def recognise(kind: ImportKind, headers: list[str]) -> list[str]:
    """The field each column holds ("" for a column not recognised); a field is given to
    the first column that names it."""
    names = {field.key: _names(field) for field in FIELDS[kind]}
    taken: set[str] = set()
    mapping: list[str] = []
    for header in headers:
        key = next((k for k, known in names.items() if k not in taken and folded(header) in known), "")
        if key:
            taken.add(key)
        mapping.append(key)
    return mapping


def chosen(kind: ImportKind, headers: list[str], choices: dict[int, str]) -> list[str]:
    """`recognise`, overridden by the person's `choices` (column index -> field key or "")."""
    keys = {field.key for field in FIELDS[kind]} | {""}
    mapping = recognise(kind, headers)
    return [(choices[i] if choices[i] in keys else "") if i in choices else mapping[i] for i in range(len(headers))]


def parse_choice(value: str, choice: type[C]) -> C | None:
    """A choice from a cell: its stored value, or its label in any of the languages."""
    wanted = folded(value)
    for member in choice:
        if wanted == folded(member.value):
            return member
        for language in LANGUAGES:
            with using_language(language):
                if wanted == folded(member.label):
                    return member
    return None
