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


_SIDE = Field("side", N_("Side"), True, ("side", "partie", "college", "collège", "الطرف", "الجهة", "الفئة"))
_ORGANISATION = Field(
    "organisation",
    N_("Organisation"),
    True,
    ("organisation", "organization", "org", "structure", "المنظمة", "الهيكل", "المؤسسة"),
)
_DESCRIPTION = Field("description", N_("Description"), False, ("description", "details", "détails", "الوصف"))

FIELDS: dict[ImportKind, tuple[Field, ...]] = {
    ImportKind.ORGANISATIONS: (
        Field("slug", N_("Short identifier"), True, ("slug", "identifiant", "id", "code", "المعرف", "الرمز")),
        Field("name", N_("Name"), True, ("name", "nom", "raison sociale", "الاسم", "التسمية")),
        Field("acronym", N_("Acronym"), False, ("acronym", "sigle", "abbreviation", "الاختصار")),
        _SIDE,
        _DESCRIPTION,
    ),
    ImportKind.PEOPLE: (
        Field(
            "full_name",
            N_("Name"),
            True,
            ("name", "full name", "nom", "nom complet", "nom et prenom", "prenom et nom", "الاسم", "الاسم واللقب"),
        ),
        Field(
            "email",
            N_("Email"),
            True,
            ("email", "e-mail", "mail", "courriel", "adresse email", "البريد الإلكتروني", "البريد"),
        ),
        _ORGANISATION,
        Field("side", N_("Side"), False, _SIDE.aliases),
        Field("title", N_("Title"), False, ("title", "job title", "fonction", "titre", "poste", "الصفة", "الوظيفة")),
        Field("phone", N_("Phone"), False, ("phone", "telephone", "téléphone", "tel", "mobile", "الهاتف")),
        Field("language", N_("Language"), False, ("language", "langue", "اللغة")),
        Field(
            "bodies",
            N_("Member of (bodies)"),
            False,
            ("bodies", "body", "member of", "instances", "instance", "membre de", "الهيئات", "عضو في"),
        ),
        Field(
            "alternate_bodies",
            N_("Alternate in (bodies)"),
            False,
            ("alternate in", "alternate", "suppleant", "suppléant de", "suppleant dans", "عضو نائب في", "نائب"),
        ),
    ),
    ImportKind.COMMITMENTS: (
        Field("reference", N_("Reference"), True, ("reference", "ref", "référence", "numero", "n°", "المرجع", "الرقم")),
        Field(
            "title",
            N_("Title"),
            True,
            ("title", "commitment", "titre", "engagement", "intitulé", "العنوان", "الالتزام"),
        ),
        _SIDE,
        Field("organisation", N_("Organisation"), False, _ORGANISATION.aliases),
        Field(
            "responsible",
            N_("Responsible person (email)"),
            False,
            ("responsible", "responsable", "email", "courriel", "المسؤول"),
        ),
        Field(
            "due_on",
            N_("Due date"),
            False,
            ("due date", "due", "deadline", "échéance", "date limite", "الأجل", "الموعد"),
        ),
        Field("status", N_("Status"), False, ("status", "statut", "état", "الحالة")),
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
