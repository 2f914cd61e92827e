"""Which language a page speaks: the account's preference, else the switcher's cookie, else
the browser's Accept-Language, else French; the account page and the switcher set it."""

from __future__ import annotations

import re
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.accounts.models import Account, Role
from dialogue.people.models import Language, Person, Side
from tests import factories as f
from tests.conftest import sign_in

HTML = re.compile(r'<html lang="(\w+)" dir="(\w+)">')


def page_language(text: str) -> tuple[str, str]:
    found = HTML.search(text)
    assert found, "no <html lang dir>"
    return found.group(1), found.group(2)


async def delegate(db: AsyncSession, language: Language | None = None) -> tuple[Account, Person]:
    org = await f.organisation(db, Side.WORKERS, acronym="UGTT")
    person = await f.person(db, org, full_name="Samia Ben Salah", language=Language.FR)
    account = await f.account(db, Role.DELEGATE, org, email="samia@example.tn", person_id=person.id, language=language)
    await db.commit()
    return account, person


async def stored(db: AsyncSession, account: Account, person: Person) -> tuple[Language | None, Language]:
    account_language = await db.scalar(select(Account.language).where(Account.id == account.id))
    person_language = await db.scalar(select(Person.language).where(Person.id == person.id))
    await db.rollback()  # the next look sees what later requests wrote
    assert person_language is not None
    return account_language, person_language


async def choose(client: AsyncTestClient[Any], language: str) -> Any:
    await client.get("/login")
    token = client.cookies.get("csrftoken") or ""
    return await client.post(
        "/language", data={"language": language, "next": "/login", "_csrf_token": token}, follow_redirects=False
    )


async def test_browser_language_then_cookie_then_default(anonymous: AsyncTestClient[Any]) -> None:
    assert page_language((await anonymous.get("/login")).text) == ("fr", "ltr")
    anonymous.headers["accept-language"] = "de-DE, ar;q=0.8, en;q=0.5"
    assert page_language((await anonymous.get("/login")).text) == ("ar", "rtl")

    answer = await choose(anonymous, "en")

    assert answer.status_code == 303
    assert answer.headers["location"] == "/login"
    assert page_language((await anonymous.get("/login")).text) == ("en", "ltr")


async def test_a_language_the_browser_refuses_is_never_chosen(anonymous: AsyncTestClient[Any]) -> None:
    # q=0 means "not acceptable" (RFC 9110), whatever its place in the header.
    for header, expected in [
        ("de, ar;q=0", ("fr", "ltr")),
        ("ar;q=0, en;q=0.1", ("en", "ltr")),
        ("de, ar;level=1;q=0.000, en;q=0.2", ("en", "ltr")),
        ("de, en;q=0.5, ar;q=0.9", ("ar", "rtl")),
        ("ar;q=0.0, fr;q=0.2, en;q=0.3", ("en", "ltr")),
    ]:
        anonymous.headers["accept-language"] = header
        assert page_language((await anonymous.get("/login")).text) == expected, header


async def test_account_preference_outranks_cookie_and_browser(
    anonymous: AsyncTestClient[Any], db: AsyncSession
) -> None:
    await delegate(db, Language.AR)
    anonymous.headers["accept-language"] = "en"
    anonymous.cookies.set("dialogue_lang", "fr", domain="testserver.local", path="/")
    await sign_in(anonymous, "samia@example.tn")

    page = await anonymous.get("/account")

    assert page_language(page.text) == ("ar", "rtl")


async def test_person_chooses_language_on_account_page(anonymous: AsyncTestClient[Any], db: AsyncSession) -> None:
    account, person = await delegate(db)
    anonymous.headers["accept-language"] = "en"
    await sign_in(anonymous, "samia@example.tn")
    page = await anonymous.get("/account")
    assert page_language(page.text) == ("en", "ltr")
    assert 'name="language"' in page.text
    assert '<option value="" selected>' in page.text

    answer = await anonymous.post("/account/language", data={"language": "ar", "version": "1"}, follow_redirects=False)

    assert answer.status_code == 303
    assert answer.headers["location"] == "/account?done=language"
    assert await stored(db, account, person) == (Language.AR, Language.AR)
    page = await anonymous.get("/account?done=language")
    assert page_language(page.text) == ("ar", "rtl")
    assert '<div class="alert ok" role="status">' in page.text
    assert '<option value="ar" selected>' in page.text


async def test_htmx_reloads_the_whole_page_in_the_new_language(
    anonymous: AsyncTestClient[Any], db: AsyncSession
) -> None:
    account, person = await delegate(db)
    await sign_in(anonymous, "samia@example.tn")

    answer = await anonymous.post(
        "/account/language",
        data={"language": "en", "version": "1"},
        headers={"HX-Request": "true"},
        follow_redirects=False,
    )

    assert answer.status_code == 204
    assert answer.headers["HX-Redirect"] == "/account?done=language"
    assert await stored(db, account, person) == (Language.EN, Language.EN)


async def test_back_to_the_browsers_language(anonymous: AsyncTestClient[Any], db: AsyncSession) -> None:
    account, person = await delegate(db, Language.AR)
    anonymous.headers["accept-language"] = "en"
    await sign_in(anonymous, "samia@example.tn")

    answer = await anonymous.post("/account/language", data={"language": "", "version": "1"}, follow_redirects=False)

    assert answer.status_code == 303
    # The person keeps the language of their emails; the interface follows the browser.
    assert await stored(db, account, person) == (None, Language.FR)
    assert page_language((await anonymous.get("/account")).text) == ("en", "ltr")


async def test_unknown_language_is_refused_with_a_message(anonymous: AsyncTestClient[Any], db: AsyncSession) -> None:
    account, person = await delegate(db)
    anonymous.headers["accept-language"] = "en"
    await sign_in(anonymous, "samia@example.tn")

    answer = await anonymous.post("/account/language", data={"language": "de", "version": "1"})
    fragment = await anonymous.post(
        "/account/language", data={"language": "xx" * 500, "version": "1"}, headers={"HX-Request": "true"}
    )

    assert answer.status_code == 422
    assert "Choose one of the options." in answer.text
    assert "<html" in answer.text
    assert fragment.status_code == 422
    assert "Choose one of the options." in fragment.text
    assert "<html" not in fragment.text
    assert await stored(db, account, person) == (None, Language.FR)


async def test_stale_language_form_is_refused(anonymous: AsyncTestClient[Any], db: AsyncSession) -> None:
    account, person = await delegate(db)
    anonymous.headers["accept-language"] = "en"
    await sign_in(anonymous, "samia@example.tn")
    # Another tab changed the preference in between (version 1 -> 2).
    await anonymous.post("/account/language", data={"language": "en", "version": "1"})

    answer = await anonymous.post("/account/language", data={"language": "ar", "version": "1"})
    mangled = await anonymous.post("/account/language", data={"language": "ar", "version": "٢"})

    assert answer.status_code == 409
    assert "Someone else changed this record" in answer.text
    assert mangled.status_code == 409
    assert await stored(db, account, person) == (Language.EN, Language.EN)


async def test_switcher_updates_a_signed_in_persons_preference(
    anonymous: AsyncTestClient[Any], db: AsyncSession
) -> None:
    account, person = await delegate(db, Language.EN)
    await sign_in(anonymous, "samia@example.tn")

    answer = await choose(anonymous, "ar")

    assert answer.status_code == 303
    assert await stored(db, account, person) == (Language.AR, Language.AR)
    assert page_language((await anonymous.get("/account")).text) == ("ar", "rtl")


async def test_switcher_ignores_an_unknown_language(anonymous: AsyncTestClient[Any], db: AsyncSession) -> None:
    account, person = await delegate(db, Language.EN)
    await sign_in(anonymous, "samia@example.tn")

    answer = await choose(anonymous, "klingon")

    assert answer.status_code == 303
    assert "dialogue_lang" not in answer.headers.get("set-cookie", "")
    assert await stored(db, account, person) == (Language.EN, Language.FR)
