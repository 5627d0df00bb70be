"""Logging in and staying logged in: FAB's login form and login API with the lockout's message
and the API's rate limit, the session cookie's flags, the idle timeout, and FAB's own security
screens without their file download route. Plugged in by app.security.ClaimdeskSecurityManager.
"""

from __future__ import annotations

import re
import time
from typing import Any

import sqlalchemy as sa
from flask import (
    Flask,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    make_response,
    redirect,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask_appbuilder import expose, has_access
from flask_appbuilder.security import views as fab_views
from flask_appbuilder.security.api import SecurityApi as FabSecurityApi
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from app.extensions import limiter

LOGIN_LOCKED = "claimdesk_login_locked"  # set on g when a login is refused by the lockout
LOCKED_MESSAGE = (
    "Too many failed logins with this name: logins are refused for a while. "
    "Try again in {minutes} minutes."
)
TOO_MANY_ATTEMPTS_MESSAGE = "Too many login attempts. Try again in a minute."
IDLE_TIMEOUT_MESSAGE = "You were logged out after {minutes} minutes without activity."
LAST_SEEN = "_claimdesk_last_seen"
# The idle clock's step: the stamp, and with it the cookie, is renewed at most this often.
LAST_SEEN_STEP_SECONDS = 60
NO_DOWNLOAD = {"download"}
MAX_PAGE_ARG = 10**6  # a page number or page size beyond any list of the fund


def locked_message() -> str:
    return LOCKED_MESSAGE.format(minutes=current_app.config["LOCKOUT_MINUTES"])


# --- The login form -------------------------------------------------------------------------


class AuthDBView(fab_views.AuthDBView):
    """FAB's login form; a refused login says whether the lockout refused it."""

    @property
    def invalid_login_message(self) -> str:  # read by FAB's login() after auth_user_db
        if g.get(LOGIN_LOCKED):
            return locked_message()
        return fab_views.AuthView.invalid_login_message


# --- The login API ----------------------------------------------------------------------------


def _api_login_rate_limit() -> str:
    return current_app.config["API_LOGIN_RATE_LIMIT"]


def _too_many_attempts(limit: Any) -> Response:
    response = make_response(jsonify(message=TOO_MANY_ATTEMPTS_MESSAGE), 429)
    response.headers["Retry-After"] = str(max(1, int(limit.reset_at - time.time())))
    return response


class SecurityApi(FabSecurityApi):
    """FAB's ``/api/v1/security/login`` behind the rate limit and the lockout."""

    def login(self) -> Response:
        response = super().login()
        if response.status_code == 401 and g.get(LOGIN_LOCKED):
            return self.response(401, message=locked_message())
        return response

    login.__doc__ = (FabSecurityApi.login.__doc__ or "").replace(
        "            500:",
        "            429:\n"
        "              description: Too many login attempts from this address\n"
        "              content:\n"
        "                application/json:\n"
        "                  schema:\n"
        "                    type: object\n"
        "                    properties:\n"
        "                      message:\n"
        "                        type: string\n"
        "            500:",
    )
    login = expose("/login", methods=["POST"])(
        limiter.limit(_api_login_rate_limit, on_breach=_too_many_attempts)(login)
    )


# --- Deletes and actions of every ModelView (ours and FAB's security screens) --------------------


class SafeModelViewMixin:
    """No state change without a POST carrying the CSRF token, and actions that load their rows
    through the view's base_filters (FAB's do not: FAB_NOTES), so that the Member role's row
    rule holds for every action of every view."""

    def is_get_mutation_allowed(self) -> bool:
        # FAB turns GET deletes and actions back on with FAB_ALLOW_GET_UNSAFE_MUTATIONS or
        # without CSRFProtect; here they are never allowed.
        return request.method != "GET"

    def _refuse_malformed_list_args(self) -> None:
        """FAB reads ``_flt_<n>_<column>``, ``page_<view>`` and ``psize_<view>`` unchecked (and
        with these very patterns): a filter number the column does not have, or a page that is
        no number, was a server error. They answer 400."""
        filters = self._filters._all_filters  # what FAB's add_filter_index indexes into
        for arg in request.args:
            found = re.findall(r"_flt_(\d)_(.*)", arg)
            if found:
                index, column = int(found[0][0]), found[0][1]
                if column in filters and index >= len(filters[column]):
                    abort(400)
            if re.findall("page_(.*)", arg) or re.findall("psize_(.*)", arg):
                number = request.args.get(arg, "")
                smallest = 1 if "psize_" in arg else 0
                if not (number.isascii() and number.isdigit()
                        and smallest <= int(number) <= MAX_PAGE_ARG):
                    abort(400)

    def _listing(self, render: Any, *args: Any, **kwargs: Any) -> Any:
        self._refuse_malformed_list_args()
        try:
            return render(*args, **kwargs)
        except sa.exc.DataError:
            # FAB hands a filter value the column's type cannot hold (a boolean "x", an amount
            # "abc") to the database as it came; PostgreSQL refuses it.
            self.datamodel.session.rollback()
            abort(400)

    def _list(self, **kwargs: Any) -> Any:
        return self._listing(super()._list, **kwargs)

    def _show(self, pk: Any) -> Any:
        return self._listing(super()._show, pk)  # the page's related lists

    def _add(self) -> Any:
        return self._listing(super()._add)

    def _edit(self, pk: Any) -> Any:
        return self._listing(super()._edit, pk)

    @expose("/delete/<pk>", methods=["POST"])
    @has_access
    def delete(self, pk: Any) -> Any:
        # _delete loads the row through base_filters: a record outside them answers 404.
        self._delete(self._deserialize_pk_if_composite(pk))
        return self.post_delete_redirect()

    def _permitted_action(self, name: str, *, several: bool) -> Any:
        """The action called ``name`` when the current user may run it on one record (from its
        page) or on ``several`` (from the list); otherwise 404, 403 or the login page, as FAB's
        has_access answers. FAB itself fails with a 500 on a name that is no action, or on an
        action that does not take what its route passes."""
        action = self.actions.get(name)
        if action is None or not (action.multiple if several else action.single):
            abort(404)
        if self.appbuilder.sm.has_access(self.get_action_permission_name(name),
                                         self.class_permission_name):
            return action
        if current_user.is_authenticated:
            abort(403)
        abort(redirect(url_for(self.appbuilder.sm.auth_view.__class__.__name__ + ".login",
                               next=request.url)))

    def _visible_item(self, pk: Any) -> Any:
        item = self.datamodel.get(self._deserialize_pk_if_composite(pk), self._base_filters)
        if item is None:
            abort(404)
        return item

    @expose("/action/<string:name>/<pk>", methods=["POST"])
    def action(self, name: str, pk: Any) -> Any:
        action = self._permitted_action(name, several=False)
        return action.func(self._visible_item(pk))

    @expose("/action_post", methods=["POST"])
    def action_post(self) -> Any:
        action = self._permitted_action(request.form.get("action", ""), several=True)
        # All or nothing: one record outside the user's scope refuses the whole request.
        return action.func([self._visible_item(pk) for pk in request.form.getlist("rowid")])


# --- FAB's security screens, without the file download route (FAB_NOTES) -----------------------
# Same class names as FAB's: FAB builds endpoints and permission names from them.


class UserDBModelView(SafeModelViewMixin, fab_views.UserDBModelView):
    exclude_route_methods = NO_DOWNLOAD


class RoleModelView(SafeModelViewMixin, fab_views.RoleModelView):
    exclude_route_methods = NO_DOWNLOAD


class UserGroupModelView(SafeModelViewMixin, fab_views.UserGroupModelView):
    exclude_route_methods = NO_DOWNLOAD


class PermissionModelView(SafeModelViewMixin, fab_views.PermissionModelView):
    exclude_route_methods = NO_DOWNLOAD


class ViewMenuModelView(SafeModelViewMixin, fab_views.ViewMenuModelView):
    exclude_route_methods = NO_DOWNLOAD


class PermissionViewModelView(SafeModelViewMixin, fab_views.PermissionViewModelView):
    exclude_route_methods = NO_DOWNLOAD


# --- Sessions -----------------------------------------------------------------------------------


class ClaimdeskSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, Secure whenever the request came over HTTPS (behind a
    TLS-terminating proxy set CLAIMDESK_SESSION_COOKIE_SECURE, or trust its headers)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def is_static_request() -> bool:
    """A script, style or image of the app's or FAB's (``static`` or ``<blueprint>.static``)."""
    endpoint = request.endpoint or ""
    return endpoint == "static" or endpoint.endswith(".static")


def _record_idle_logout() -> None:
    from app.extensions import db
    from app.services.audit import access_events

    if current_user.is_authenticated:
        access_events.logged_out(db.session, current_user, reason="idle")


def enforce_idle_timeout() -> None:
    """Log out a session idle for longer than PERMANENT_SESSION_LIFETIME, and otherwise restart
    its clock. Flask also refuses a cookie signed longer ago than that; the stamp kept here makes
    the rule explicit and independent of the cookie's signing.

    The session is a cookie: whatever a response writes replaces what an earlier response wrote,
    so a slow answer to a request sent before a state change (logging out, a flashed message)
    would undo the change. Only a changed session is written (SESSION_REFRESH_EACH_REQUEST is
    off), and the clock changes it at most once a minute (LAST_SEEN_STEP_SECONDS): the idle
    time is counted to the minute, and the scripts and pick-list searches a page fires while
    the user works leave the cookie alone. Static files are not activity and are not checked.
    """
    if not session or is_static_request():
        return  # no cookie for visitors who have none (health checks, first page)
    if not session.permanent:
        session.permanent = True  # setting it marks the session changed: only once
    if "_user_id" not in session:
        return
    now = time.time()
    idle_limit = current_app.permanent_session_lifetime.total_seconds()
    last_seen = session.get(LAST_SEEN)
    if last_seen is not None and now - float(last_seen) > idle_limit:
        _record_idle_logout()
        logout_user()
        session.clear()
        flash(IDLE_TIMEOUT_MESSAGE.format(minutes=int(idle_limit // 60)), "info")
        return
    if last_seen is None or now - float(last_seen) >= LAST_SEEN_STEP_SECONDS:
        session[LAST_SEEN] = now


# --- A one-time password must be replaced before anything else --------------------------------

PASSWORD_CHANGE_MESSAGE = "Set your own password before you go on."
PASSWORD_CHANGE_API_MESSAGE = (
    "Set your own password first: log in on the web and change the one-time password."
)
# What a login with a one-time password may still reach: the password form, logging in and out,
# and what those pages load.
OPEN_WHILE_PASSWORD_DUE = frozenset({
    "ResetMyPasswordView.this_form_get", "ResetMyPasswordView.this_form_post",
    "AuthDBView.login", "AuthDBView.logout", "SecurityApi.login", "SecurityApi.refresh",
    "static", "appbuilder.static", "health.health",
})


def _request_user() -> Any | None:
    """The login behind this request: the session's, or on the API the bearer token's (FAB only
    reads the token later, in each route's permission check)."""
    user = g.get("user")
    if user is not None and getattr(user, "is_authenticated", False):
        return user
    if request.path.startswith("/api/"):
        from flask_jwt_extended import verify_jwt_in_request

        try:
            verify_jwt_in_request(optional=True)  # FAB's user loader sets g.user
        except Exception:  # a bad or expired token: the route's own check answers 401
            return None
        user = g.get("user")
        if user is not None and getattr(user, "is_authenticated", False):
            return user
    return None


def enforce_password_change() -> Response | None:
    """Send a login still on its one-time password to the password form (403 on the API)."""
    if request.endpoint in OPEN_WHILE_PASSWORD_DUE:
        return None
    user = _request_user()
    if user is None:
        return None
    from app.extensions import db
    from app.services.member_accounts import password_change_due

    if not password_change_due(db.session, user.id):
        return None
    if request.path.startswith("/api/"):
        return make_response(jsonify(message=PASSWORD_CHANGE_API_MESSAGE), 403)
    flash(PASSWORD_CHANGE_MESSAGE, "warning")
    return redirect(url_for("ResetMyPasswordView.this_form_get"))
