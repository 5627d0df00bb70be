"""Make the database's roles say exactly what app.security.ROLE_PERMISSIONS says."""

from __future__ import annotations

from flask import current_app

from app.security import ROLE_ADMIN, ROLE_PERMISSIONS, ROLES, READ

MENU_ACCESS = "menu_access"
# FAB's own screens a role needs beyond the fund's resources.
EXTRA_PERMISSIONS: dict[str, set[tuple[str, str]]] = {
    role: {("can_this_form_get", "ResetMyPasswordView"),
           ("can_this_form_post", "ResetMyPasswordView"),
           ("can_userinfo", "UserDBModelView"),
           ("resetmypassword", "UserDBModelView")}
    for role in ROLES
}


def _menu_names_by_resource(appbuilder) -> dict[str, set[str]]:
    """Menu entries (and their categories) that lead to each resource's screens."""
    names: dict[str, set[str]] = {}
    for category in appbuilder.menu.get_list():
        for item in category.childs or [category]:
            view = item.baseview
            resource = getattr(view, "class_permission_name", None)
            if resource:
                names.setdefault(resource, set()).update({item.name, category.name})
    return names


def wanted_permissions(appbuilder, role: str) -> set[tuple[str, str]]:
    grants = ROLE_PERMISSIONS.get(role, {})
    menus = _menu_names_by_resource(appbuilder)
    wanted: set[tuple[str, str]] = set(EXTRA_PERMISSIONS.get(role, set()))
    for resource, verbs in grants.items():
        wanted.update((f"can_{verb}", resource) for verb in verbs)
        if READ in verbs:
            wanted.update((MENU_ACCESS, name) for name in menus.get(resource, ()))
    return wanted


def sync_roles() -> dict[str, int]:
    """Create every permission the registered views need, then set each role's permissions to
    exactly its grants. Idempotent; run at deploy time."""
    appbuilder = current_app.appbuilder
    sm = appbuilder.sm
    session = appbuilder.session
    # FAB grants each new permission to Admin as it creates it: the roles must exist first.
    for role_name in (*ROLES, sm.auth_role_public):
        if sm.find_role(role_name) is None:
            sm.add_role(role_name)
    appbuilder.add_permissions(update_perms=True)
    existing = {
        (pvm.permission.name, pvm.view_menu.name): pvm
        for pvm in session.query(sm.permissionview_model).all()
    }
    summary: dict[str, int] = {}
    for role_name in ROLES:
        role = sm.find_role(role_name)
        if role_name == ROLE_ADMIN:
            role.permissions = list(existing.values())
        else:
            wanted = wanted_permissions(appbuilder, role_name)
            role.permissions = [pvm for key, pvm in existing.items() if key in wanted]
        summary[role_name] = len(role.permissions)
    session.commit()
    return summary
