"""The fund's data model, one module per aggregate."""

from app.models.attachment import Attachment
from app.models.audit import AuditChainHead, AuditEvent
from app.models.chronic import ChronicMedicine, ChronicRequest
from app.models.claim import Claim, ClaimItem
from app.models.fund import BenefitCategory, MembershipType, Setting
from app.models.meeting import AgendaItem, CommitteeMeeting
from app.models.member import Dependent, Member
from app.models.note import ClaimNote
from app.models.notification import Notification
from app.models.numbering import NumberSequence
from app.models.payment import Payment, PaymentBatch, StatementImport, StatementLine
from app.models.provider import Provider, ProviderRateOverride
from app.models.review import ChecklistAnswer, ChecklistItem, ReviewTemplate
from app.models.reviewer import ReviewerSetting
from app.models.scale import ScaleItem
from app.models.security import LoginThrottle, PasswordChangeDue

__all__ = [
    "AgendaItem",
    "Attachment",
    "AuditChainHead",
    "AuditEvent",
    "BenefitCategory",
    "ChecklistAnswer",
    "ChecklistItem",
    "ChronicMedicine",
    "ChronicRequest",
    "Claim",
    "ClaimItem",
    "ClaimNote",
    "CommitteeMeeting",
    "Dependent",
    "LoginThrottle",
    "Member",
    "MembershipType",
    "Notification",
    "NumberSequence",
    "Payment",
    "PaymentBatch",
    "PasswordChangeDue",
    "Provider",
    "ProviderRateOverride",
    "ReviewTemplate",
    "ReviewerSetting",
    "ScaleItem",
    "Setting",
    "StatementImport",
    "StatementLine",
]
