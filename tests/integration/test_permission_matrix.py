"""Every role (and anonymous) against every registered route, over HTTP, compared with the SPEC.

The expected table is written here from the SPEC's permission table, independently of
app.security. Every route the app registers must be named below (an endpoint, a view's method
or an action): a new route fails this test until someone decides who may use it.
"""

from __future__ import annotations

import io
import re
import uuid
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import session
from flask_wtf.csrf import generate_csrf

from app.extensions import db
from app.models import (
    Attachment,
    AuditEvent,
    ChecklistAnswer,
    ChecklistItem,
    ChronicMedicine,
    ChronicRequest,
    Claim,
    ClaimNote,
    CommitteeMeeting,
    Dependent,
    Member,
    Notification,
    Payment,
    PaymentBatch,
    ProviderRateOverride,
    ReviewerSetting,
    Setting,
    StatementImport,
)
from app.services.attachments import Upload, attach, find_owner
from tests import factories, hostile_files
from tests.helpers import api_token, login

ANONYMOUS = "anonymous"
LOGINS = {"Admin": "admin", "Committee": "committee1", "Finance": "finance",
          "Auditor": "auditor", "Member": "member1"}
ROLES = (ANONYMOUS, "Member", "Auditor", "Finance", "Committee", "Admin")  # Admin deletes last

# --- The SPEC's table: resource -> role -> verbs (r read, w write, d delete, t transition) ----
REFERENCE = dict(Admin="rwd", Committee="r", Finance="r", Auditor="r", Member="r")
SPEC = {
    "membershiptype": REFERENCE, "benefitcategory": REFERENCE, "scaleitem": REFERENCE,
    "provider": REFERENCE,
    "setting": dict(Admin="rwd", Committee="r", Finance="r", Auditor="r"),
    # a: create members' logins with one-time passwords
    "member": dict(Admin="rwdta", Committee="rwt", Finance="r", Auditor="r", Member="r"),
    # the member's own home page with his benefit balance
    "member home": dict(Member="r"),
    # v: confirm or remove several dependents, decide several chronic requests at once
    "dependent": dict(Admin="rwdtv", Committee="rwtv", Finance="r", Auditor="r", Member="rw"),
    # v: review several claims at once (the list's bulk actions)
    "claim": dict(Admin="rwdtv", Committee="rwtv", Finance="rt", Auditor="r", Member="rwt"),
    "claimitem": dict(Admin="rwdt", Committee="rwt", Finance="r", Auditor="r", Member="rw"),
    "chronicrequest": dict(Admin="rwtv", Committee="rwtv", Finance="r", Auditor="r",
                           Member="rw"),
    "attachment": dict(Admin="rwdt", Committee="rwt", Finance="r", Auditor="r", Member="rw"),
    # x: export the audit trail (the list's filters, streamed; the same over REST)
    "auditevent": dict(Admin="rx", Committee="r", Auditor="rx"),
    # users and roles: Admin rwd, Auditor r, everyone his own account
    "users": dict(Admin="rwd", Auditor="r"),
    "roles": dict(Admin="rwd", Auditor="r"),
    "groups": dict(Admin="rwd", Auditor="r"),
    "permissions": dict(Admin="r"),
    "own account": {role: "rw" for role in LOGINS},
    "nobody": {},  # routes FAB registers that no permission opens
    # submitting a claim: its member, or Committee and Admin as the fund's claims officer
    "claim submission": dict(Admin="t", Committee="t", Member="t"),
    # confirming a dependent: Committee and Admin (the member's own step is asking for removal)
    "dependent confirmation": dict(Admin="t", Committee="t"),
    "api documentation": {role: "r" for role in LOGINS},
    # notes on claims (a member reads those marked visible on his claims), checklist answers,
    # and what Admin configures for the review: checklist items and review templates
    "claimnote": dict(Admin="rw", Committee="rw", Finance="r", Auditor="r", Member="r"),
    "reviewchecklist": dict(Admin="rw", Committee="rw", Finance="r", Auditor="r"),
    "checklistitem": dict(Admin="rwd", Committee="r", Finance="r", Auditor="r"),
    "reviewtemplate": dict(Admin="rwd", Committee="r", Finance="r", Auditor="r"),
    # "My follow-ups due": those who write notes
    "follow ups": dict(Admin="rw", Committee="rw"),
    # committee meetings: their record, steps, attendance, agenda and minutes
    "committeemeeting": dict(Admin="rw", Committee="rw", Finance="r", Auditor="r"),
    # the committee's dashboard: those who oversee the fund's work; Auditor reads everything
    "dashboard": dict(Admin="r", Committee="r", Auditor="r"),
    # reviewers' settings (a reviewer reads his own), a reviewer's queue, second appeals for
    # the trustees, in-app notifications (w: mark read; each reads his own and his role's)
    "reviewersetting": dict(Admin="rwd", Committee="r", Auditor="r"),
    "review queue": dict(Admin="r", Committee="r"),
    "trustee review": dict(Admin="r"),
    "notification": dict(Admin="rw", Committee="rw", Auditor="r"),
    # the fund's reports and the claims list export: those who run reports, members never
    "report": dict(Admin="r", Committee="r", Finance="r", Auditor="r"),
    # Data Protection Act: subject-access export (a member his own), anonymisation (Admin)
    "privacy": dict(Admin="rw", Member="r"),
    # payment batches: Finance builds (w), approves, releases, pays, cancels, downloads the
    # payout file (t); payments: a member reads his own
    "paymentbatch": dict(Admin="r", Committee="r", Finance="rwt", Auditor="r"),
    "payment": dict(Admin="r", Committee="r", Finance="r", Auditor="r", Member="r"),
    # statements Finance imports to reconcile the payments (w: import one)
    "statement": dict(Admin="r", Committee="r", Finance="rw", Auditor="r"),
}

# --- Routes: what each one does ---------------------------------------------------------------
PUBLIC = "public"  # answers everyone, logged in or not
REFRESH = "refresh token"  # JWT refresh: 401 to all, as nobody here sends a refresh token
NO_ACTIONS = "no actions"  # the action routes of a view without actions: 404 for everyone

VIEWS = {  # view (endpoint prefix) -> resource
    "ClaimView": "claim", "ClaimItemView": "claimitem", "ChronicRequestView": "chronicrequest",
    "ChronicMedicineView": "chronicrequest", "MemberView": "member",
    "DependentView": "dependent", "MembershipTypeView": "membershiptype",
    "BenefitCategoryView": "benefitcategory", "ScaleItemView": "scaleitem",
    "ProviderView": "provider", "ProviderRateOverrideView": "provider",
    "SettingView": "setting", "AuditEventView": "auditevent",
    "MemberLookupView": "member", "DependentLookupView": "dependent",
    "ClaimLookupView": "claim", "ProviderLookupView": "provider",
    "ChronicRequestLookupView": "chronicrequest",
    "ClaimApi": "claim", "ClaimItemApi": "claimitem", "ChronicRequestApi": "chronicrequest",
    "MemberApi": "member", "DependentApi": "dependent", "MembershipTypeApi": "membershiptype",
    "BenefitCategoryApi": "benefitcategory", "ScaleItemApi": "scaleitem",
    "ProviderApi": "provider", "SettingApi": "setting", "AuditEventApi": "auditevent",
    "UserDBModelView": "users", "RoleModelView": "roles", "UserGroupModelView": "groups",
    "PermissionModelView": "permissions", "ViewMenuModelView": "permissions",
    "PermissionViewModelView": "permissions",
    "ClaimNoteView": "claimnote", "ClaimNoteApi": "claimnote", "FollowUpView": "follow ups",
    "ChecklistItemView": "checklistitem", "ChecklistItemApi": "checklistitem",
    "ReviewTemplateView": "reviewtemplate", "ReviewTemplateApi": "reviewtemplate",
    "ChecklistAnswerApi": "reviewchecklist",
    "CommitteeMeetingView": "committeemeeting", "CommitteeMeetingApi": "committeemeeting",
    "ReviewerSettingView": "reviewersetting", "ReviewerSettingApi": "reviewersetting",
    "MyQueueView": "review queue", "TrusteeReviewView": "trustee review",
    "NotificationView": "notification", "NotificationApi": "notification",
    "PaymentBatchView": "paymentbatch", "PaymentBatchApi": "paymentbatch",
    "PaymentView": "payment", "PaymentApi": "payment",
    "StatementImportView": "statement", "StatementImportApi": "statement",
}
METHODS = {  # a view's method -> verb
    "list": "r", "show": "r", "add": "w", "edit": "w", "delete": "d", "search": "r",
    "get_list": "r", "get": "r", "info": "r", "post": "w", "put": "w",
}
ENDPOINTS = {  # other endpoints -> PUBLIC or (resource, verb)
    "static": PUBLIC, "appbuilder.static": PUBLIC, "IndexView.index": PUBLIC,
    "UtilView.back": PUBLIC, "LocaleView.index": PUBLIC, "health.health": PUBLIC,
    "AuthDBView.login": PUBLIC, "AuthDBView.logout": PUBLIC, "SecurityApi.login": PUBLIC,
    "SecurityApi.refresh": REFRESH,
    "OpenApi.get": ("api documentation", "r"), "SwaggerView.show": ("api documentation", "r"),
    "MenuApi.get_menu_data": ("api documentation", "r"),
    "UserDBModelView.userinfo": ("own account", "r"),
    "ResetMyPasswordView.this_form_get": ("own account", "r"),
    "ResetMyPasswordView.this_form_post": ("own account", "w"),
    "ResetPasswordView.this_form_get": ("users", "w"),
    "ResetPasswordView.this_form_post": ("users", "w"),
    "UserInfoEditView.this_form_get": ("users", "w"),
    "UserInfoEditView.this_form_post": ("users", "w"),
    # a claim's transitions, one at a time or for claims selected in the list
    "ClaimTransitionView.transition": ("claim submission", "t"),  # <action> is "submit"
    "ClaimTransitionView.bulk": ("claim", "v"),
    # the same over REST (an empty body is refused after the permission check), and the working
    "ClaimApi.transition": ("claim", "t"),
    "ClaimApi.bulk_transition": ("claim", "t"),
    "ClaimApi.adjudication": ("claim", "r"),
    # the benefit balance: a member's own (app.access), any member's for those who read members
    "MemberBalanceApi.balance": ("member", "r"),
    "MemberHomeView.home": ("member home", "r"),
    "NotificationApi.read": ("notification", "w"),  # mark one as read
    # the dashboard page and the numbers of each of its charts
    "DashboardView.index": ("dashboard", "r"),
    **{f"DashboardApi.{chart}": ("dashboard", "r")
       for chart in ("open_claims", "monthly", "sla", "decision_time", "categories",
                     "top_claimants", "reviewers")},
    # a committee meeting's steps (<action> "open"), attendance, agenda (<operation> "add")
    # and minutes; the same over REST
    "MeetingTransitionView.transition": ("committeemeeting", "w"),
    "MeetingSittingView.attendance": ("committeemeeting", "w"),
    "MeetingSittingView.agenda": ("committeemeeting", "w"),
    "MeetingSittingView.send_back": ("committeemeeting", "w"),
    "MeetingSittingView.choose": ("committeemeeting", "w"),
    "MeetingSittingView.minutes": ("committeemeeting", "r"),
    "CommitteeMeetingApi.transition": ("committeemeeting", "w"),
    "CommitteeMeetingApi.attendance": ("committeemeeting", "w"),
    "CommitteeMeetingApi.agenda": ("committeemeeting", "r"),
    "CommitteeMeetingApi.agenda_step": ("committeemeeting", "w"),
    "CommitteeMeetingApi.minutes": ("committeemeeting", "r"),
    # decisions on chronic requests, one (<action> "approve") or several
    "ChronicTransitionView.transition": ("chronicrequest", "t"),
    "ChronicTransitionView.bulk": ("chronicrequest", "v"),
    "ChronicRequestApi.transition": ("chronicrequest", "t"),
    "ChronicRequestApi.bulk_transition": ("chronicrequest", "v"),
    # a dependent's steps: one (<action> "confirm") or several; over REST the single step is a
    # write (a member asks for a removal), the service refusing him the committee's steps
    "DependentTransitionView.transition": ("dependent confirmation", "t"),
    "DependentTransitionView.bulk": ("dependent", "v"),
    "DependentApi.transition": ("dependent", "w"),
    "DependentApi.bulk_transition": ("dependent", "v"),
    # files: uploads and removal are the attachment's "write" (members remove their own drafts')
    "AttachmentView.claim_upload": ("attachment", "w"),
    "AttachmentView.request_upload": ("attachment", "w"),
    "AttachmentView.download": ("attachment", "r"),
    "AttachmentView.thumbnail": ("attachment", "r"),
    "AttachmentView.remove": ("attachment", "w"),
    "AttachmentView.note_upload": ("attachment", "w"),  # a member is refused by the service
    # the claim page's checklist form, and answering over REST
    "ChecklistAnswerView.answer": ("reviewchecklist", "w"),
    "ChecklistAnswerApi.answer": ("reviewchecklist", "w"),
    "AttachmentApi.get_list": ("attachment", "r"),
    "AttachmentApi.get": ("attachment", "r"),
    "AttachmentApi.upload": ("attachment", "w"),
    "AttachmentApi.download": ("attachment", "r"),
    "AttachmentApi.delete": ("attachment", "w"),
    # the reports' pages, downloads and REST, and the claims list export
    "ReportsView.index": ("report", "r"),
    "ReportsView.show": ("report", "r"),
    "ReportsView.download": ("report", "r"),
    "ReportsView.claims_export": ("report", "r"),
    "ReportApi.index": ("report", "r"),
    "ReportApi.report": ("report", "r"),
    "ReportApi.claims_export": ("report", "r"),
    # a claim's statement as PDF: whoever reads the claim (a member his own)
    "ClaimStatementView.statement": ("claim", "r"),
    "ClaimApi.statement": ("claim", "r"),
    "PrivacyView.export": ("privacy", "r"),  # a member gets 404 for another's (the record)
    "PrivacyView.mine": ("privacy", "r"),
    "PrivacyView.my_export": ("privacy", "r"),
    "PrivacyView.anonymise": ("privacy", "w"),
    "MemberPrivacyApi.subject_access": ("privacy", "r"),
    "MemberPrivacyApi.anonymise": ("privacy", "w"),
    # payment batches: building one, its steps (<action> "approve"), cheques, payout file
    "BuildBatchView.build": ("paymentbatch", "w"),
    "PaymentBatchStepsView.transition": ("paymentbatch", "t"),
    "PaymentFilesView.download": ("paymentbatch", "t"),
    "ChequeNumbersView.record": ("paymentbatch", "t"),
    "PaymentBatchApi.build": ("paymentbatch", "w"),
    "PaymentBatchApi.transition": ("paymentbatch", "t"),
    "PaymentBatchApi.cheques": ("paymentbatch", "t"),
    "PaymentBatchApi.payout_file": ("paymentbatch", "t"),
    # a member's payment advice (PDF): his own, or any for those who read payments
    "PaymentAdviceView.download": ("payment", "r"),
    "PaymentApi.advice": ("payment", "r"),
    # reconciliation: importing a statement, what is left to follow up
    "ReconciliationView.import_statement": ("statement", "w"),
    "ReconciliationView.unmatched": ("statement", "r"),
    "StatementImportApi.import_statement": ("statement", "w"),
    "StatementImportApi.unmatched": ("statement", "r"),
    "AuditEventView.export": ("auditevent", "x"),  # <fmt> is "csv"
    "AuditEventApi.export": ("auditevent", "x"),
}
# FAB's permission screens are list-only: their other routes exist, and no one may use them.
ENDPOINTS.update({
    f"{view}.{method}": ("nobody", "r")
    for view in ("PermissionModelView", "ViewMenuModelView", "PermissionViewModelView")
    for method in ("show", "add", "edit", "delete")
})
ACTIONS = {  # (view, action) -> (resource, verb)
    ("UserDBModelView", "resetmypassword"): ("own account", "r"),
    ("UserDBModelView", "resetpasswords"): ("users", "w"),
    ("UserDBModelView", "userinfoedit"): ("users", "w"),
    ("RoleModelView", "copyrole"): ("roles", "w"),
    ("ClaimView", "bulk_start_review"): ("claim", "v"),
    ("ClaimView", "bulk_recommend"): ("claim", "v"),
    ("ClaimView", "bulk_approve"): ("claim", "v"),
    ("ClaimView", "bulk_reject"): ("claim", "v"),
    ("ClaimView", "bulk_request_info"): ("claim", "v"),
    ("FollowUpView", "mark_done"): ("follow ups", "w"),
    ("ClaimView", "bulk_add_to_agenda"): ("claim", "v"),
    ("ClaimView", "bulk_reassign"): ("claim", "v"),
    ("NotificationView", "mark_read"): ("notification", "w"),
    ("MemberView", "create_login"): ("member", "a"),
    ("ChronicRequestView", "bulk_approve"): ("chronicrequest", "v"),
    ("ChronicRequestView", "bulk_reject"): ("chronicrequest", "v"),
    ("DependentView", "bulk_confirm"): ("dependent", "v"),
    ("DependentView", "bulk_remove"): ("dependent", "v"),
}
# What <pk> names where it is not the view's own model: views without a datamodel, and routes
# of one view about another record.
PK_MODELS = {"ClaimTransitionView": Claim, "ClaimStatementView": Claim,
             "AttachmentView": Attachment, "MemberBalanceApi": Member,
             "PrivacyView": Member, "MemberPrivacyApi": Member,
             "ChronicTransitionView": ChronicRequest, "DependentTransitionView": Dependent,
             "MeetingTransitionView": CommitteeMeeting, "MeetingSittingView": CommitteeMeeting,
             "AttachmentView.claim_upload": Claim,
             "AttachmentView.note_upload": ClaimNote, "ChecklistAnswerView": Claim,
             "AttachmentView.request_upload": ChronicRequest,
             "PaymentBatchStepsView": PaymentBatch, "PaymentFilesView": PaymentBatch,
             "PaymentAdviceView": Payment, "ChequeNumbersView": PaymentBatch}
URL_VALUES = {"version": "v1", "locale": "en", "filename": "css/claimdesk.css",
              "action": "submit", "ClaimTransitionView.bulk action": "reject",
              "ChronicTransitionView.transition action": "approve",
              "ChronicTransitionView.bulk action": "approve",
              "DependentTransitionView.transition action": "confirm",
              "DependentTransitionView.bulk action": "confirm",
              "MeetingTransitionView.transition action": "open", "operation": "add",
              "PaymentBatchStepsView.transition action": "approve",
              "appbuilder.static filename": "js/ab_actions.js", "report": "membership",
              "fmt": "csv"}


# --- The cases: one per registered route and method --------------------------------------------


def route_cases(app) -> list[tuple[str, str, str, object, str | None]]:
    """(rule, method, endpoint, what the matrix says, action name)."""
    views = {view.endpoint: view for view in app.appbuilder.baseviews}
    cases = []
    for rule in app.url_map.iter_rules():
        view_name, _, method_name = rule.endpoint.partition(".")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method_name in ("action", "action_post") and view_name in VIEWS:
                actions = views[view_name].actions
                for name in sorted(actions) or [None]:
                    says = NO_ACTIONS if name is None else ACTIONS.get((view_name, name))
                    # An action for one record is not offered for several, and the other way.
                    offered = name is None or (actions[name].multiple
                                               if method_name == "action_post"
                                               else actions[name].single)
                    cases.append((rule.rule, method, rule.endpoint,
                                  says if offered else NO_ACTIONS, name))
                continue
            says = ENDPOINTS.get(rule.endpoint)
            if says is None and view_name in VIEWS and method_name in METHODS:
                says = (VIEWS[view_name], METHODS[method_name])
            cases.append((rule.rule, method, rule.endpoint, says, None))
    return sorted(cases, key=lambda case: (case[0], case[1], case[4] or ""))


def _case_id(case) -> str:
    rule, method, _, _, action = case
    return f"{method} {rule}" + (f" [{action}]" if action else "")


def pytest_generate_tests(metafunc):
    if "case" in metafunc.fixturenames:
        from app import create_app  # the cases come from the app's own url_map
        from tests.conftest import test_config

        cases = route_cases(_probe_app(create_app, test_config))
        metafunc.parametrize("case", cases, ids=[_case_id(c) for c in cases])


_APPS: dict[str, object] = {}


def _probe_app(create_app, test_config):
    # An app built only to list routes at collection time (no database is touched).
    if "routes" not in _APPS:
        _APPS["routes"] = create_app(test_config())
    return _APPS["routes"]


# --- Logged-in clients, one login per role for the whole module ---------------------------------


@pytest.fixture(scope="module")
def web_clients(app):
    clients = {ANONYMOUS: app.test_client()}
    clients[ANONYMOUS].get("/login/")  # a session with a CSRF token, as a visitor's browser has
    for role, username in LOGINS.items():
        clients[role] = app.test_client()
        assert login(clients[role], username).status_code == 302
    return clients


@pytest.fixture(scope="module")
def api_headers_by_role(app):
    headers = {ANONYMOUS: {}}
    for role, username in LOGINS.items():
        headers[role] = {"Authorization": f"Bearer {api_token(app.test_client(), username)}"}
    return headers


def csrf_for(app, client) -> str:
    with client.session_transaction() as stored:
        raw = stored.get("csrf_token")
    with app.test_request_context():
        if raw:
            session["csrf_token"] = raw
        token = generate_csrf()
        raw = session["csrf_token"]
    with client.session_transaction() as stored:
        stored["csrf_token"] = raw
    return token


# --- Records to fill <pk> with: all of them member1's, so that "own" holds ----------------------


def seed_records() -> None:
    own = factories.member(first_name="Own", user_id=factories.user_id("member1"))
    factories.dependent(of=own, status="pending")
    claim = factories.claim(of=own, items=2)
    request = ChronicRequest(member=own, condition="Asthma", doctor_name="Dr Wanjiru",
                             requested_monthly_amount=Decimal("2000.00"))
    db.session.add(ChronicMedicine(request=request, name="Salbutamol", strength="100mcg"))
    db.session.flush()
    attach_receipt(claim.id)
    # A note member1 may read (visible on his claim), an answered checklist item, a template
    factories.note(claim, author="admin", visible_to_member=True)
    item = factories.checklist("outpatient", (("Original receipts attached", True),))[0]
    db.session.add(ChecklistAnswer(claim=claim, item=item, answer="yes",
                                   answered_by_id=factories.user_id("committee1")))
    db.session.add(ChecklistItem(claim_type="dental", text="Matrix probe: not answered"))
    factories.review_template("Matrix probe")
    db.session.add(ProviderRateOverride(provider=factories.provider(), claim_type="outpatient",
                                        rate_percent=Decimal("100")))
    factories.scale_item()
    db.session.add(Setting(key="matrix_probe", value="1"))
    db.session.add(CommitteeMeeting(meeting_date=date(2026, 5, 14), meeting_type="monthly"))
    # A draft batch built by admin's login (Finance may approve it: four eyes) paying member1
    batch = PaymentBatch(batch_number="PB-000001", method="bank",
                         created_by_id=factories.user_id("admin"),
                         total_amount=Decimal("1200.00"), payment_count=1)
    db.session.add(Payment(batch=batch, line_no=1, claim=claim, member=own,
                           amount=Decimal("1200.00"), reference="PB-000001-001",
                           payee_name="Own Otieno", bank_account_number="1234567890"))
    db.session.add(StatementImport(source="bank", file_name="matrix.csv", sha256="0" * 64))
    db.session.add(AuditEvent(action="matrix_probe", resource_type="claim", resource_id="1"))
    # committee1's own settings, and a notification in the Committee's inbox
    db.session.add(ReviewerSetting(user_id=factories.user_id("committee1"), capacity=30))
    db.session.add(Notification(recipient_role="Committee", kind="sla_breached",
                                message="Matrix probe", claim=claim))
    sm = _sm()
    sm.add_user("matrix_probe", "Matrix", "Probe", "matrix@example.org",
                sm.find_role("Member"), hashed_password="no login: a record to point at")
    if sm.find_role("Matrix probe") is None:
        sm.add_role("Matrix probe")
    if db.session.query(sm.group_model).filter_by(name="matrix_probe").count() == 0:
        db.session.add(sm.group_model(name="matrix_probe", label="Matrix probe"))
    db.session.commit()


def attach_receipt(claim_id: int, text: str = "Receipt R-1001") -> int:
    member1 = _sm().find_user(username="member1")
    owner = find_owner(member1, claim_id=claim_id)
    (row,) = attach(owner, [Upload("receipt.pdf", io.BytesIO(hostile_files.pdf_receipt(text)))],
                    member1)
    return row.id


def fresh_attachment() -> int:
    """Removing a file consumes it: each role that may remove one gets its own."""
    claim_id = db.session.query(Claim.id).order_by(Claim.id.desc()).limit(1).scalar()
    return attach_receipt(claim_id, f"Receipt {uuid.uuid4().hex}")


# Routes whose allowed use consumes the record: every role is given a record of its own.
def claims_audit_event() -> int:
    """An event of the claims' part of the trail (which Committee reads): the newest event of
    all is often a login, which it does not."""
    return db.session.scalar(sa.select(sa.func.max(AuditEvent.id)).where(
        AuditEvent.resource_type == "claim"))


FRESH_RECORDS = {"AttachmentView.remove": fresh_attachment,
                 "AttachmentApi.delete": fresh_attachment,
                 "AuditEventView.show": claims_audit_event,
                 "AuditEventApi.get": claims_audit_event}


def _sm():
    from flask import current_app

    return current_app.appbuilder.sm


def ensure_seeded(app, seeded: dict) -> None:
    if not seeded:
        with app.app_context():
            seed_records()
        seeded["done"] = True


def record_pk(app, endpoint: str, seeded: dict) -> int:
    """The newest record of the view's model, after seeding: a seeded one, never a baseline
    user or role (Admin's delete really deletes it)."""
    ensure_seeded(app, seeded)
    view_name = endpoint.split(".")[0]
    if endpoint in FRESH_RECORDS:
        with app.app_context():
            return FRESH_RECORDS[endpoint]()
    view = next(v for v in app.appbuilder.baseviews if v.endpoint == view_name)
    model = PK_MODELS.get(endpoint) or (
        view.datamodel.obj if hasattr(view, "datamodel") else PK_MODELS[view_name])
    with app.app_context():
        pk = db.session.query(model.id).order_by(model.id.desc()).limit(1).scalar()
    assert pk is not None, f"no {model.__name__} to fill <pk> with: add one to seed_records"
    if model is app.appbuilder.sm.user_model:
        assert pk not in app.config["BASELINE_USER_IDS"], "would delete a test login"
    return pk


@pytest.fixture
def seeded(app):
    """Records are seeded on the first <pk> to fill (record_pk); this cleans what is left."""
    state: dict = {}
    yield state
    with app.app_context():  # roles and groups outlive the per-test clean-up
        sm = _sm()
        keep = {"Admin", "Committee", "Finance", "Auditor", "Member", "Public"}
        for role in sm.get_all_roles():
            if role.name not in keep:
                db.session.delete(role)
        db.session.query(sm.group_model).delete()
        db.session.commit()


# --- What each answer means ---------------------------------------------------------------------


def expected(says, role: str) -> str:
    if says in (PUBLIC,):
        return "allowed"
    if says == NO_ACTIONS:
        return "not found"
    if role == ANONYMOUS or says == REFRESH:
        return "login"
    resource, verb = says
    return "allowed" if verb in SPEC[resource].get(role, "") else "forbidden"


def outcome(response, is_api: bool) -> str:
    status = response.status_code
    if status >= 500:
        return f"error {status}"
    if status == 403:
        return "forbidden"
    if status == 401 or (status == 302 and "/login/" in response.headers.get("Location", "")):
        return "login"
    if status in (404, 405):
        return "not found"
    # An API that passed the permission check may still refuse the empty body it was sent.
    # A web form answers 422 when it re-renders with its fields' errors (CSRF failures are 400).
    if status < 400 or (is_api and status in (400, 409, 422)) or status == 422:
        return "allowed"
    return f"status {status}"


def finished(response):
    """``response`` read to its end and closed, as a browser does. A streamed answer (exports,
    downloads) keeps its request context until its iterable is closed; left open, it is popped
    when the garbage collector gets to it, in the middle of a later request ("Popped wrong
    request context"). Reading it also runs the stream, so a failure inside it shows here."""
    response.get_data()
    response.close()
    return response


def url_for_case(app, rule: str, endpoint: str, action: str | None, seeded: dict) -> str:
    def fill(match: re.Match) -> str:
        name = match.group(1).split(":")[-1]
        if name == "pk":
            return str(record_pk(app, endpoint, seeded))
        if name == "name":
            return action or "no-such-action"
        return URL_VALUES.get(f"{endpoint} {name}", URL_VALUES[name])

    return re.sub(r"<([^>]+)>", fill, rule)


def test_every_route_answers_each_role_as_the_spec_says(app, case, seeded, web_clients,
                                                       api_headers_by_role):
    rule, method, endpoint, says, action = case
    assert says is not None, (
        f"{method} {rule} ({endpoint}{' action ' + action if action else ''}) is not in the "
        "permission matrix: add it to VIEWS/METHODS, ENDPOINTS or ACTIONS after deciding who "
        "may use it"
    )
    is_api = rule.startswith("/api/")
    wrong = []
    for role in ROLES:
        if endpoint == "AuthDBView.logout" and role != ANONYMOUS:
            client = app.test_client()  # logging out the shared client would end its session
            login(client, LOGINS[role])
        else:
            client = web_clients[role]
        url = url_for_case(app, rule, endpoint, action, seeded)
        if is_api:
            response = app.test_client().open(url, method=method, json={},
                                              headers=api_headers_by_role[role])
        elif method == "GET":
            response = client.get(url)
        else:
            data = {"csrf_token": csrf_for(app, client)}
            if endpoint.endswith(".action_post"):
                data.update(action=action or "no-such-action", rowid=url_for_case(
                    app, "<pk>", endpoint, action, seeded))
            response = client.open(url, method=method, data=data)
        got, want = outcome(finished(response), is_api), expected(says, role)
        if got != want:
            wrong.append(f"{role}: expected {want}, got {got} ({response.status_code})")
    assert not wrong, f"{method} {rule}: " + "; ".join(wrong)


def test_every_documented_api_operation_is_a_registered_route(app, api_headers_by_role):
    document = app.test_client().get("/api/v1/_openapi",
                                     headers=api_headers_by_role["Admin"]).get_json()
    routes = {
        (re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule), method.lower())
        for rule in app.url_map.iter_rules() for method in rule.methods
    }
    prefix = document.get("servers", [{}])[0].get("url", "").rstrip("/")
    undocumented = [
        (path, method) for path, operations in document["paths"].items()
        for method in operations
        if (prefix + path, method) not in routes and (path, method) not in routes
    ]
    assert not undocumented, undocumented
