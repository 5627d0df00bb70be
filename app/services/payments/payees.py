"""Whom a payment goes to: the member's payout details, checked when they are entered
(app.services.validation.member_errors) and again when a batch is built, where a member whose
details cannot carry a payment blocks his claims (listed, never skipped in silence)."""

from __future__ import annotations

import re
from typing import Any

from app.services.settings import get_setting

# E.164: a plus, the country code, at most 15 digits in all.
_INTERNATIONAL = re.compile(r"^\+[1-9]\d{7,14}$")
_SEPARATORS = re.compile(r"[\s\-().]")


def is_international(number: str | None) -> bool:
    """Already in international format: a plus and digits only."""
    return bool(number and _INTERNATIONAL.fullmatch(number))


def international_phone(number: str | None, country_code: int | None = None) -> str | None:
    """``number`` in international format (+254712345678), or None when it is not a phone
    number. A number written the local way (0712 345 678) takes the fund's country code."""
    text = _SEPARATORS.sub("", number or "")
    if not text:
        return None
    if text.startswith("00"):
        text = "+" + text[2:]
    elif text.startswith("0"):
        code = country_code if country_code is not None else int(get_setting("phone_country_code"))
        text = f"+{code}{text[1:]}"
    elif not text.startswith("+"):
        text = "+" + text  # 254712345678: already has its country code
    return text if _INTERNATIONAL.match(text) else None


def payout_errors(member: Any) -> dict[str, str]:
    """The member's payout details that cannot carry a payment by his method, by field."""
    method = member.payout_method
    errors: dict[str, str] = {}
    if method == "bank":
        if not (member.bank_account_number or "").strip():
            errors["bank_account_number"] = "A bank payout needs the account number."
        elif not re.fullmatch(r"[0-9A-Za-z]{5,34}",
                              _SEPARATORS.sub("", member.bank_account_number)):
            errors["bank_account_number"] = ("Enter the account number as the bank writes it "
                                             "(5 to 34 letters and digits).")
        if not (member.bank_name or "").strip():
            errors["bank_name"] = "A bank payout needs the bank's name."
        if not (member.bank_branch_code or "").strip():
            errors["bank_branch_code"] = "A bank payout needs the branch code."
    elif method == "mobile_money":
        if not (member.mobile_money_number or "").strip():
            errors["mobile_money_number"] = "A mobile-money payout needs the phone number."
        elif international_phone(member.mobile_money_number) is None:
            errors["mobile_money_number"] = ("Enter a mobile number such as +254712345678 or "
                                             "0712345678.")
    return errors


def payout_blocker(member: Any, batch_method: str) -> str | None:
    """Why ``member``'s claims cannot go into a batch paying by ``batch_method``, or None."""
    if member.payout_method is None:
        return "The member has no payout method: record his bank or mobile-money details."
    if member.payout_method != batch_method:
        return None  # paid by another method: another batch's business
    errors = payout_errors(member)
    if errors:
        return "Payout details incomplete: " + " ".join(errors.values())
    return None


def payee_details(member: Any) -> dict[str, Any]:
    """What a payment copies from the member when its batch is built."""
    name = (member.bank_account_name or "").strip() or member.full_name
    return {
        "payee_name": name[:150],
        "bank_name": member.bank_name,
        "bank_branch_code": member.bank_branch_code,
        "bank_account_number": (member.bank_account_number or "").strip() or None,
        "phone": international_phone(member.mobile_money_number),
    }
