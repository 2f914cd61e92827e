"""The weighted lists of Accept-Language and Accept-Encoding (RFC 9110 §12.4.2)."""

from __future__ import annotations


def weights(header: str, unreadable: float = 0.0) -> list[tuple[str, float]]:
    """`header`'s values, lowercased, each with its weight `q` (1 when absent, at most 1,
    `unreadable` when it is not a number), in the header's order. A weight of 0 (or NaN)
    means "not acceptable": callers skip values whose weight is not above 0."""
    found: list[tuple[str, float]] = []
    for item in header.split(","):
        value, *parameters = (part.strip() for part in item.split(";"))
        weight = 1.0
        for parameter in parameters:
            name, _sep, number = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = min(float(number.strip()), 1.0)
                except ValueError:
                    weight = unreadable
        if value:
            found.append((value.lower(), weight))
    return found
