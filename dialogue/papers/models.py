"""The institution's letterhead: one record, edited by the secretariat."""

from __future__ import annotations

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from dialogue.db import Base, FreeText, Versioned


class Letterhead(Versioned, Base):
    """What heads every letter of convocation: the institution's name and header lines in
    each language, the footer (address), the logo (PNG or JPEG, small: kept here as bytes)
    and how reference numbers are made. There is at most one row."""

    name_fr: Mapped[str] = mapped_column(String(200), default="")
    name_ar: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(200), default="")
    # Lines above the name ("République tunisienne", "Ministère des Affaires sociales").
    header_fr: Mapped[FreeText]
    header_ar: Mapped[FreeText]
    header_en: Mapped[FreeText]
    footer_fr: Mapped[str] = mapped_column(String(300), default="")
    footer_ar: Mapped[str] = mapped_column(String(300), default="")
    footer_en: Mapped[str] = mapped_column(String(300), default="")
    # Placeholders {year}, {meeting} and {person}: "CNDS/{year}/{meeting}".
    reference_format: Mapped[str] = mapped_column(String(100), default="{year}/{meeting}")
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    logo_type: Mapped[str] = mapped_column(String(20), default="")  # image/png or image/jpeg

    def text(self, field: str, language: str) -> str:
        """`name`, `header` or `footer` in `language`, else in French, Arabic, English."""
        for code in (language, "fr", "ar", "en"):
            value = getattr(self, f"{field}_{code}", "")
            if value:
                return str(value)
        return ""
