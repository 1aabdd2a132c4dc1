"""Checks of Chinese identifiers. Each returns the normalised value or raises ValueError(reason).

The checksums come from python-stdnum; its `validate` functions are not used
because `cn.ric` refuses real residents whose county is missing from its table
and `cn.uscc` refuses valid codes that begin with a letter (N…, Y…, A…).
"""

from datetime import date

import phonenumbers
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

from hub.i18n import _l

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
EARLIEST_BIRTH = date(1900, 1, 1)


def resident_id_number(value: str, *, today: date) -> str:
    """身份证号 (GB 11643): 17 digits + check character, digits 7–14 a real birth date."""
    number = ric.compact(value)
    if len(number) != 18:
        raise ValueError(_l("must be 18 characters"))
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValueError(_l("must be 17 digits followed by a digit or X"))
    try:
        born = ric.get_birth_date(number)
    except ValidationError:
        raise ValueError(_l("digits 7-14 are not a valid birth date")) from None
    if not EARLIEST_BIRTH <= born <= today:
        raise ValueError(_l("birth date in digits 7-14 is out of range"))
    if ric.calc_check_digit(number) != number[17]:
        raise ValueError(_l("check character does not match (GB 11643)"))
    return number


def credit_code(value: str) -> str:
    """统一社会信用代码 (GB 32100-2015), including codes whose first characters are letters."""
    code = uscc.compact(value)
    if len(code) != 18:
        raise ValueError(_l("must be 18 characters"))
    if any(c not in USCC_ALPHABET for c in code):
        raise ValueError(_l("contains a character outside GB 32100's set (no I, O, S, V, Z)"))
    if not code[2:8].isdigit():
        raise ValueError(_l("characters 3-8 must be an administrative division code"))
    if uscc.calc_check_digit(code) != code[17]:
        raise ValueError(_l("check character does not match (GB 32100)"))
    return code


def mobile_number(value: str) -> str:
    """A mainland China mobile number, returned as 11 national digits."""
    try:
        parsed = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        raise ValueError(_l("is not a phone number")) from None
    if parsed.country_code != 86 or not phonenumbers.is_valid_number(parsed):
        raise ValueError(_l("is not a valid mainland China number"))
    if phonenumbers.number_type(parsed) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise ValueError(_l("is not a mobile number (SMS must reach it)"))
    return str(parsed.national_number)


def phone_number(value: str) -> str:
    """A mainland China mobile or fixed-line number (a contact may give an office line): a mobile as 11 digits,
    a fixed line with its trunk 0 and area code, as dialled in China (037123456789)."""
    try:
        parsed = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        raise ValueError(_l("is not a phone number")) from None
    if parsed.country_code != 86 or not phonenumbers.is_valid_number(parsed):
        raise ValueError(_l("is not a valid mainland China number"))
    digits = str(parsed.national_number)
    return digits if phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.MOBILE else "0" + digits
