"""An HTTP header's weighted list (`Accept`, `Accept-Language`; RFC 9110 §12.4.2)."""


def weighted(header: str | None) -> list[tuple[str, float]]:
    """Each value, lower case, with its `q` (1 when absent, 0 when malformed), in the header's order."""
    values = []
    for part in (header or "").split(","):
        value, *parameters = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, given = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(given)
                except ValueError:
                    quality = 0.0
        values.append((value.lower(), quality))
    return values
