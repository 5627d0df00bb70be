"""The fund's data model, one module per aggregate."""

from app.models.attachment import Attachment
from app.models.audit import AuditEvent
from app.models.chronic import ChronicMedicine, ChronicRequest
from app.models.claim import Claim, ClaimItem
from app.models.fund import BenefitCategory, MembershipType, Setting
from app.models.member import Dependent, Member
from app.models.numbering import NumberSequence
from app.models.provider import Provider, ProviderRateOverride
from app.models.scale import ScaleItem
from app.models.security import LoginThrottle, PasswordChangeDue

__all__ = [
    "Attachment",
    "AuditEvent",
    "BenefitCategory",
    "ChronicMedicine",
    "ChronicRequest",
    "Claim",
    "ClaimItem",
    "Dependent",
    "LoginThrottle",
    "Member",
    "MembershipType",
    "NumberSequence",
    "PasswordChangeDue",
    "Provider",
    "ProviderRateOverride",
    "ScaleItem",
    "Setting",
]
