"""Roles, permission names and the security manager.

Every view and API of one resource shares one permission name (``class_permission_name``) and
its methods map onto a few verbs (``method_permission_name``), so the SPEC's permission table is
written here once, as data, and `flask claimdesk sync-roles` makes the database say the same.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, g
from flask_appbuilder.security.sqla.manager import SecurityManager

from app import auth
from app.services import accounts

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
# The committee's work on several records at once (the lists' bulk actions on claims, chronic
# requests, dependents): only those who review see them, while members and Finance keep
# "transition" for their own single steps.
REVIEW = "review"
EXPORT = "export"
# Making members' logins (one-time passwords): Admin's only, as users and roles are.
ACCOUNTS = "accounts"

# ModelView and ModelRestApi methods -> verb. Actions name their own verb.
MODEL_METHOD_PERMISSIONS = {
    # web
    "list": READ,
    "show": READ,
    "add": WRITE,
    "edit": WRITE,
    "delete": DELETE,
    "download": READ,
    "export": EXPORT,
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
ATTACHMENT = "Attachment"
CHRONIC_REQUEST = "ChronicRequest"
CLAIM_NOTE = "ClaimNote"
REVIEW_CHECKLIST = "ReviewChecklist"
COMMITTEE_MEETING = "CommitteeMeeting"
PAYMENT_BATCH = "PaymentBatch"
PAYMENT = "Payment"
# Bank and mobile-money statements Finance imports to reconcile the payments (issue 7).
STATEMENT = "Statement"
AUDIT_EVENT = "AuditEvent"
MEMBER_HOME = "MemberHome"  # the member's own home page with his benefit balance
# The committee's review aids that Admin configures: checklist items per claim type, and the
# canned texts that fill rejections, information requests and notes.
CHECKLIST_ITEM = "ChecklistItem"
REVIEW_TEMPLATE = "ReviewTemplate"
# "My follow-ups due": the notes a committee member asked himself to come back to.
FOLLOW_UPS = "FollowUps"
# The committee's dashboard (charts and their tables): the roles that oversee the fund's work.
DASHBOARD = "Dashboard"
# Assignment and the SLA clock: reviewers' settings (Admin's; a reviewer reads his own), a
# reviewer's own queue, the second appeals awaiting the trustees (Admin's), and in-app
# notifications (each login reads his own and his role's, app.access).
REVIEWER_SETTING = "ReviewerSetting"
REVIEW_QUEUE = "ReviewQueue"
TRUSTEE_REVIEW = "TrusteeReview"
NOTIFICATION = "Notification"
# The fund's reports and the claims list export (SPEC: Committee, Finance, Auditor and Admin run
# reports; members never).
REPORT = "Report"
# Kenya's Data Protection Act: a member's subject-access export (Admin, and a member his own,
# app.services.privacy) and the anonymisation of a member who left (Admin: write).
PRIVACY = "Privacy"

REFERENCE_DATA = (MEMBERSHIP_TYPE, BENEFIT_CATEGORY, SCALE_ITEM, PROVIDER)
R = frozenset({READ})
RW = frozenset({READ, WRITE})
RT = frozenset({READ, TRANSITION})
RWT = frozenset({READ, WRITE, TRANSITION})
RWD = frozenset({READ, WRITE, DELETE})
RWDT = frozenset({READ, WRITE, DELETE, TRANSITION})
R_EXPORT = frozenset({READ, EXPORT})


def _each(resources: tuple[str, ...], verbs: frozenset[str]) -> dict[str, frozenset[str]]:
    return {resource: verbs for resource in resources}


# The SPEC's permission table, row by row. Member grants apply only to the member's own records
# (app.access); Committee reads only the claims' part of the audit trail (app.access too).
# A resource missing from a role's row is refused to that role.
ROLE_PERMISSIONS: dict[str, dict[str, frozenset[str]]] = {
    ROLE_ADMIN: {
        **_each(REFERENCE_DATA, RWD),
        SETTING: RWD,
        MEMBER: RWDT | {ACCOUNTS},
        **_each((CLAIM_ITEM, ATTACHMENT), RWDT),
        DEPENDENT: RWDT | {REVIEW},
        CLAIM: RWDT | {REVIEW},
        CHRONIC_REQUEST: RWT | {REVIEW},
        **_each((CLAIM_NOTE, REVIEW_CHECKLIST, COMMITTEE_MEETING), RW),
        **_each((PAYMENT_BATCH, PAYMENT, STATEMENT), R),
        AUDIT_EVENT: R_EXPORT,
        DASHBOARD: R,
        **_each((CHECKLIST_ITEM, REVIEW_TEMPLATE), RWD),
        FOLLOW_UPS: RW,
        REVIEWER_SETTING: RWD,
        **_each((REVIEW_QUEUE, TRUSTEE_REVIEW), R),
        NOTIFICATION: RW,  # w: mark as read
        REPORT: R,
        PRIVACY: RW,
    },
    ROLE_COMMITTEE: {
        **_each(REFERENCE_DATA, R),
        SETTING: R,
        **_each((MEMBER, CLAIM_ITEM, ATTACHMENT), RWT),
        **_each((DEPENDENT, CHRONIC_REQUEST), RWT | {REVIEW}),  # confirm, decide in bulk
        CLAIM: RWT | {REVIEW},
        **_each((CLAIM_NOTE, REVIEW_CHECKLIST, COMMITTEE_MEETING), RW),
        **_each((PAYMENT_BATCH, PAYMENT, STATEMENT), R),
        AUDIT_EVENT: R,
        DASHBOARD: R,
        **_each((CHECKLIST_ITEM, REVIEW_TEMPLATE), R),
        FOLLOW_UPS: RW,
        **_each((REVIEWER_SETTING, REVIEW_QUEUE), R),
        NOTIFICATION: RW,
        REPORT: R,
    },
    ROLE_FINANCE: {
        **_each(REFERENCE_DATA, R),
        SETTING: R,
        **_each((MEMBER, DEPENDENT, CLAIM_ITEM, ATTACHMENT, CHRONIC_REQUEST), R),
        CLAIM: RT,  # the transition service lets Finance only mark claims paid
        **_each((CLAIM_NOTE, REVIEW_CHECKLIST, COMMITTEE_MEETING), R),
        **_each((PAYMENT_BATCH, PAYMENT), RWT),
        STATEMENT: RW,  # import statements (reconciliation)
        **_each((CHECKLIST_ITEM, REVIEW_TEMPLATE), R),
        REPORT: R,
    },
    ROLE_AUDITOR: {
        **_each(REFERENCE_DATA, R),
        SETTING: R,
        **_each((MEMBER, DEPENDENT, CLAIM, CLAIM_ITEM, ATTACHMENT, CHRONIC_REQUEST), R),
        **_each((CLAIM_NOTE, REVIEW_CHECKLIST, COMMITTEE_MEETING), R),
        **_each((PAYMENT_BATCH, PAYMENT, STATEMENT), R),
        AUDIT_EVENT: R_EXPORT,
        DASHBOARD: R,  # read-only over everything, the fund's figures too
        **_each((CHECKLIST_ITEM, REVIEW_TEMPLATE), R),
        **_each((REVIEWER_SETTING, NOTIFICATION), R),
        REPORT: R,
    },
    ROLE_MEMBER: {
        **_each(REFERENCE_DATA, R),
        MEMBER: R,
        DEPENDENT: RW,  # the dependent service lets him add and change pending dependents only
        CLAIM: RWT,  # ... and change claims only while draft or info_requested
        CLAIM_ITEM: RW,
        ATTACHMENT: RW,
        CHRONIC_REQUEST: RW,  # ... and change requests only while pending
        CLAIM_NOTE: R,  # only notes marked visible to the member (app.access)
        PAYMENT: R,
        MEMBER_HOME: R,
        PRIVACY: R,  # his own data only (app.services.privacy)
    },
}
RESOURCES = frozenset(r for grants in ROLE_PERMISSIONS.values() for r in grants)

# FAB's own screens, as (permission, view) pairs. Admin also gets every FAB permission that
# exists; Public gets nothing at all.
OWN_ACCOUNT = frozenset({
    ("can_userinfo", "UserDBModelView"),
    ("resetmypassword", "UserDBModelView"),
    ("can_this_form_get", "ResetMyPasswordView"),
    ("can_this_form_post", "ResetMyPasswordView"),
})
API_DOCUMENTATION = frozenset({("can_get", "OpenApi"), ("can_show", "SwaggerView"),
                               ("can_get", "MenuApi")})
READ_USERS_AND_ROLES = frozenset(
    (permission, view)
    for view in ("UserDBModelView", "RoleModelView", "UserGroupModelView")
    for permission in ("can_list", "can_show")
)
FAB_PERMISSIONS: dict[str, frozenset[tuple[str, str]]] = {
    ROLE_COMMITTEE: OWN_ACCOUNT | API_DOCUMENTATION,
    ROLE_FINANCE: OWN_ACCOUNT | API_DOCUMENTATION,
    ROLE_AUDITOR: OWN_ACCOUNT | API_DOCUMENTATION | READ_USERS_AND_ROLES,
    ROLE_MEMBER: OWN_ACCOUNT | API_DOCUMENTATION,
}


# Menu entries that are links to FAB's own-account screens: the grant that opens each.
MENU_LINKS: dict[str, tuple[str, str]] = {
    "Profile": ("can_userinfo", "UserDBModelView"),
    "Change password": ("can_this_form_get", "ResetMyPasswordView"),
}
# A member's menu holds what a member uses and nothing more (reference data, claim items and
# his single member record are reached from his claims and his home page).
ROLE_MENUS: dict[str, frozenset[str]] = {
    ROLE_MEMBER: frozenset({
        "Claims", "Chronic requests", "Members", "Dependents", "Payments",
        "My account", "Home", "Profile", "Change password", "My data",
    }),
}


class ClaimdeskSecurityManager(SecurityManager):
    """FAB's security manager with the fund's safe defaults: account lockout on every login path,
    an idle timeout, per-request Secure cookies, and FAB's screens without their file download
    route (app.auth)."""

    authdbview = auth.AuthDBView
    security_api = auth.SecurityApi
    userdbmodelview = auth.UserDBModelView
    rolemodelview = auth.RoleModelView
    groupmodelview = auth.UserGroupModelView
    permissionmodelview = auth.PermissionModelView
    viewmenumodelview = auth.ViewMenuModelView
    permissionviewmodelview = auth.PermissionViewModelView
    # Its chart loads Google Charts from the internet at run time (FAB_NOTES).
    userstatschartview = None

    def __init__(self, appbuilder: Any) -> None:
        super().__init__(appbuilder)
        current_app.session_interface = auth.ClaimdeskSessionInterface()

    def create_limiter(self, app: Any) -> Any:
        # One limiter per app: FAB would otherwise initialise a second one of its own.
        from app.extensions import limiter

        return limiter

    def before_request(self) -> None:  # FAB registers it as the app's before_request
        auth.enforce_idle_timeout()
        super().before_request()
        return auth.enforce_password_change()

    def on_user_login(self, user: Any) -> None:
        from app.extensions import db
        from app.services.audit import access_events

        access_events.logged_in(db.session, user)

    def on_user_logout(self, user: Any) -> None:
        from app.extensions import db
        from app.services.audit import access_events

        access_events.logged_out(db.session, user)

    def reset_password(self, userid: Any, password: str) -> None:
        from app.extensions import db
        from app.services.audit import access_events

        # Recorded first: FAB's update_user commits the new password and the event together.
        access_events.password_changed(db.session, int(userid), g.get("user"))
        super().reset_password(userid, password)
        # Only his own new password ends a login's one-time password, not an admin's reset.
        user = g.get("user")
        if user is not None and getattr(user, "id", None) == int(userid):
            from app.extensions import db
            from app.services.member_accounts import password_changed

            password_changed(db.session, int(userid))
            db.session.commit()

    def _login_failed(self, username: str, *, locked: bool) -> None:
        from app.extensions import db
        from app.services.audit import access_events

        access_events.login_failed(db.session, username, locked=locked)

    def auth_user_db(self, username: str, password: str) -> Any | None:
        """FAB's password check behind the lockout: a locked username is refused before its
        password is looked at, whether or not such a user exists."""
        if not username or not username.strip():
            return super().auth_user_db(username, password)
        key = accounts.throttle_key(username, self.find_user)
        if accounts.is_locked(key):
            g.setdefault(auth.LOGIN_LOCKED, True)
            self._login_failed(username, locked=True)
            return None
        user = super().auth_user_db(username, password)
        if user is None:
            if accounts.record_failed_login(key):
                g.setdefault(auth.LOGIN_LOCKED, True)
            self._login_failed(username, locked=bool(g.get(auth.LOGIN_LOCKED)))
        else:
            accounts.record_successful_login(key)
        return user
