"""The fund's enumerations, as stored (SPEC "Entities")."""

MEMBER_STATUSES = ("pending", "active", "suspended", "lapsed", "terminated")
DEPENDENT_STATUSES = ("pending", "active", "removed")
RELATIONSHIPS = ("spouse", "child")
COVERS = ("member", "member_spouse", "family")
PAYOUT_METHODS = ("bank", "mobile_money", "cheque")
PROVIDER_TYPES = ("hospital", "clinic", "pharmacy", "laboratory", "specialist")
CLAIM_TYPES = ("outpatient", "inpatient", "chronic", "dental", "optical")
SCALE_UNITS = ("consultation", "visit", "day", "session", "procedure", "item")
SCALE_ROLES = ("surgery", "anaesthetist")
EXCLUDED_CAUSES = ("self_inflicted", "alcohol_or_drugs", "extreme_sport")
CLAIM_STATUSES = (
    "draft",
    "submitted",
    "under_review",
    "info_requested",
    "approved",
    "partially_approved",
    "rejected",
    "appealed",
    "trustee_review",
    "paid",
    "withdrawn",
)
PRIORITIES = ("P1", "P2", "P3")
SLA_STATUSES = ("on_track", "at_risk", "breached")
DECLARATION_SOURCES = ("online", "paper")
CHRONIC_STATUSES = ("pending", "approved", "rejected", "expired")
SETTING_TYPES = ("int", "decimal", "bool", "text")
MEETING_TYPES = ("monthly", "special")
MEETING_STATUSES = ("draft", "open", "closed")
# What a committee meeting did with a decision on its agenda; "pending" until it acts, and
# "deferred" when the meeting closed without acting on it (the claim may go on a later agenda).
AGENDA_OUTCOMES = ("pending", "ratified", "sent_back", "deferred")
# A payment batch is built (draft), approved by a second Finance user (four eyes), released to
# the bank or mobile-money provider, then recorded as paid; it can be cancelled until paid.
BATCH_STATUSES = ("draft", "approved", "released", "paid", "cancelled")
# One payment per claim: pending while its batch is open, paid with the batch, cancelled with it.
PAYMENT_STATUSES = ("pending", "paid", "cancelled")
STATEMENT_SOURCES = ("bank", "mobile_money")
