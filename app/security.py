"""Roles, permission names and the security manager.

Every view and API of one resource shares one permission name (``class_permission_name``) and
its methods map onto a few verbs (``method_permission_name``), so the SPEC's permission table is
written here once, as data, and `flask claimdesk sync-roles` makes the database say the same.
"""

from __future__ import annotations

from flask_appbuilder.security.sqla.manager import SecurityManager

# --- Roles -------------------------------------------------------------------------------------
ROLE_ADMIN = "Admin"
ROLE_COMMITTEE = "Committee"
ROLE_FINANCE = "Finance"
ROLE_AUDITOR = "Auditor"
ROLE_MEMBER = "Member"
ROLES = (ROLE_ADMIN, ROLE_COMMITTEE, ROLE_FINANCE, ROLE_AUDITOR, ROLE_MEMBER)

# --- Verbs (stored as can_<verb>) ---------------------------------------------------------------
READ = "read"
WRITE = "write"
DELETE = "delete"
TRANSITION = "transition"
EXPORT = "export"

# ModelView and ModelRestApi methods -> verb. Actions name their own verb.
MODEL_METHOD_PERMISSIONS = {
    # web
    "list": READ,
    "show": READ,
    "add": WRITE,
    "edit": WRITE,
    "delete": DELETE,
    "download": READ,
    "api": READ,
    "api_read": READ,
    "api_get": READ,
    "api_readvalues": READ,
    "api_column_add": WRITE,
    "api_column_edit": WRITE,
    "api_create": WRITE,
    "api_update": WRITE,
    "api_delete": DELETE,
    "muldelete": DELETE,
    # REST
    "get": READ,
    "get_list": READ,
    "info": READ,
    "post": WRITE,
    "put": WRITE,
}

# --- Resources (class_permission_name of their views and APIs) -----------------------------------
MEMBERSHIP_TYPE = "MembershipType"
BENEFIT_CATEGORY = "BenefitCategory"
SCALE_ITEM = "ScaleItem"
PROVIDER = "Provider"
SETTING = "Setting"
MEMBER = "Member"
DEPENDENT = "Dependent"
CLAIM = "Claim"
CLAIM_ITEM = "ClaimItem"
CHRONIC_REQUEST = "ChronicRequest"
AUDIT_EVENT = "AuditEvent"

REFERENCE_DATA = (MEMBERSHIP_TYPE, BENEFIT_CATEGORY, SCALE_ITEM, PROVIDER)
R = {READ}
RW = {READ, WRITE}
RWT = {READ, WRITE, TRANSITION}

# The SPEC's permission table. Admin gets every permission that exists (sync-roles).
# Member rows apply only to the member's own records (see app.access).
ROLE_PERMISSIONS: dict[str, dict[str, set[str]]] = {
    ROLE_COMMITTEE: {
        **{r: R for r in REFERENCE_DATA},
        SETTING: R,
        MEMBER: RWT,
        DEPENDENT: RWT,
        CLAIM: RWT,
        CLAIM_ITEM: RWT,
        CHRONIC_REQUEST: RWT,
        AUDIT_EVENT: R,
    },
    ROLE_FINANCE: {
        **{r: R for r in REFERENCE_DATA},
        SETTING: R,
        MEMBER: R,
        DEPENDENT: R,
        CLAIM: R,
        CLAIM_ITEM: R,
        CHRONIC_REQUEST: R,
    },
    ROLE_AUDITOR: {
        **{r: R for r in REFERENCE_DATA},
        SETTING: R,
        MEMBER: R,
        DEPENDENT: R,
        CLAIM: R,
        CLAIM_ITEM: R,
        CHRONIC_REQUEST: R,
        AUDIT_EVENT: {READ, EXPORT},
    },
    ROLE_MEMBER: {
        **{r: R for r in REFERENCE_DATA},
        MEMBER: R,
        DEPENDENT: RW,
        CLAIM: RWT,
        CLAIM_ITEM: RW,
        CHRONIC_REQUEST: RW,
    },
}


class ClaimdeskSecurityManager(SecurityManager):
    """FAB's security manager with the fund's roles (lockout and audit hooks are added here)."""
