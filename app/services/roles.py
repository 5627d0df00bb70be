"""Make the database's roles say exactly what app.security says (ROLE_PERMISSIONS for the fund's
resources, FAB_PERMISSIONS for FAB's own screens). Run by `flask claimdesk sync-roles` at deploy
time only: the app itself never writes permissions (FAB_UPDATE_PERMS is off)."""

from __future__ import annotations

from typing import Any

from flask import current_app

from app.security import FAB_PERMISSIONS, RESOURCES, ROLE_ADMIN, ROLE_PERMISSIONS, ROLES

MENU_ACCESS = "menu_access"
# A role sees a menu entry when it may read the screen behind it.
READ_PERMISSIONS = ("can_read", "can_list")

Grant = tuple[str, str]  # (permission name, view menu name)


def _permissions_by_view(appbuilder: Any) -> dict[str, set[str]]:
    """Every permission the registered views and APIs check, by permission (view menu) name.

    Several views share one name (a resource's screens, REST API and pick-list search): FAB
    would sync each view alone and drop what the others need, so their permissions are merged.
    """
    needed: dict[str, set[str]] = {}
    for view in appbuilder.baseviews:
        needed.setdefault(view.class_permission_name, set()).update(view.base_permissions or ())
    return needed


def _menu_items(appbuilder: Any) -> list[tuple[str, str | None, str]]:
    """(menu item name, its category or None, the permission name of its screen)."""
    items = []
    for entry in appbuilder.menu.get_list():
        for child in entry.childs or [entry]:
            view = child.baseview
            if view is not None and child.name != "-":
                category = entry.name if child is not entry else None
                items.append((child.name, category, view.class_permission_name))
    return items


def wanted_permissions(appbuilder: Any, role: str) -> set[Grant]:
    """What ``role`` holds, before intersecting with the permissions that exist."""
    wanted: set[Grant] = set(FAB_PERMISSIONS.get(role, ()))
    for resource, verbs in ROLE_PERMISSIONS.get(role, {}).items():
        wanted.update((f"can_{verb}", resource) for verb in verbs)
    for name, category, view_name in _menu_items(appbuilder):
        if any((permission, view_name) in wanted for permission in READ_PERMISSIONS):
            wanted.add((MENU_ACCESS, name))
            if category:
                wanted.add((MENU_ACCESS, category))
    return wanted


def _admin_holds(grant: Grant, admin_grants: set[Grant]) -> bool:
    # Admin holds every permission of FAB's own screens and menus, and of the fund's
    # resources what the SPEC gives him (never deleting audit events, say).
    permission, view_name = grant
    return view_name not in RESOURCES or grant in admin_grants or permission == MENU_ACCESS


def sync_roles() -> dict[str, int]:
    """Create every permission the registered views need, drop those no view needs any more,
    then set each role's permissions to exactly its grants. Idempotent; run at deploy time."""
    appbuilder = current_app.appbuilder
    sm = appbuilder.sm
    session = appbuilder.session
    # FAB grants each new permission to Admin as it creates it: the roles must exist first.
    for role_name in (*ROLES, sm.auth_role_public):
        if sm.find_role(role_name) is None:
            sm.add_role(role_name)

    needed = _permissions_by_view(appbuilder)
    for view_name, permissions in needed.items():
        sm.add_permissions_view(sorted(permissions), view_name)
    menu_names = set(appbuilder.menu.get_flat_name_list())
    for menu_name in sorted(menu_names):
        sm.add_permissions_menu(menu_name)

    existing: dict[Grant, Any] = {}
    stale = []
    for pvm in session.query(sm.permissionview_model).all():
        if pvm.permission is None or pvm.view_menu is None:
            stale.append(pvm)
            continue
        key = (pvm.permission.name, pvm.view_menu.name)
        if key[1] in needed or (key[0] == MENU_ACCESS and key[1] in menu_names):
            existing[key] = pvm
        else:
            stale.append(pvm)

    summary: dict[str, int] = {}
    for role_name in ROLES:
        role = sm.find_role(role_name)
        wanted = wanted_permissions(appbuilder, role_name)
        if role_name == ROLE_ADMIN:
            grants = [pvm for key, pvm in existing.items() if _admin_holds(key, wanted)]
        else:
            grants = [pvm for key, pvm in existing.items() if key in wanted]
        role.permissions = sorted(grants, key=lambda pvm: pvm.id)
        summary[role_name] = len(grants)
    sm.find_role(sm.auth_role_public).permissions = []
    # Roles made by hand keep what they have, minus permissions that no longer exist.
    for role in sm.get_all_roles():
        role.permissions = [pvm for pvm in role.permissions if pvm not in stale]
    session.flush()
    for pvm in stale:
        session.delete(pvm)
    session.flush()
    _drop_unused_view_menus(sm, session, set(needed) | menu_names)
    session.commit()
    return summary


def _drop_unused_view_menus(sm: Any, session: Any, names: set[str]) -> None:
    used = {pvm.view_menu_id for pvm in session.query(sm.permissionview_model).all()}
    for view_menu in session.query(sm.viewmenu_model).all():
        if view_menu.name not in names and view_menu.id not in used:
            session.delete(view_menu)

