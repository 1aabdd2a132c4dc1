"""Human case numbers: KF + local date + 8 random characters, e.g. KF20261127-7Q3M9X2A.

Random rather than sequential so that a number reveals nothing about how many
cases others have filed, and so that no counter row serialises submissions.
"""

import secrets
from datetime import datetime

from hub.clock import local_day

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U to misread


def new_case_number(at: datetime) -> str:
    suffix = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"KF{local_day(at):%Y%m%d}-{suffix}"
