"""French phone numbers (the support form's callback), through Google's libphonenumber
port: parse what people type, keep E.164, write it back the way French readers expect."""

from __future__ import annotations

import phonenumbers

from services.common.text import has_control_characters

PHONE_MAX = 30
# Metropolitan France and the overseas départements and collectivities with French numbers.
FRENCH_REGIONS = frozenset({"FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "NC", "PF", "WF"})
# "0692 …" is a Réunion number written nationally: the overseas plans are tried after metropolitan France's.
_NATIONAL_PLANS = ("FR", "RE", "GP", "MQ", "GF", "YT", "PM")


def french_phone(text: str) -> str | None:
    """The E.164 form of a valid French number ("06 12 34 56 78", "+33 6 12 34 56 78"), else None."""
    if not text or len(text) > PHONE_MAX or has_control_characters(text):
        return None
    for region in _NATIONAL_PLANS:
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            return None
        if phonenumbers.is_valid_number(number) and phonenumbers.region_code_for_number(number) in FRENCH_REGIONS:
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


def national_format(e164: str) -> str:
    """'+33612345678' -> '06 12 34 56 78'; what cannot be parsed is returned as it is."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
