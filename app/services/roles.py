"""Make the database's roles say exactly what app.security says (ROLE_PERMISSIONS for the fund's
resources, FAB_PERMISSIONS for FAB's own screens). Run by `flask claimdesk sync-roles` at deploy
time only: the app itself never writes permissions (FAB_UPDATE_PERMS is off)."""

from __future__ import annotations

from typing import Any

from flask import current_app

from app.security import (
    FAB_PERMISSIONS,
    MENU_LINKS,
    RESOURCES,
    ROLE_ADMIN,
    ROLE_MENUS,
    ROLE_PERMISSIONS,
    ROLES,
)

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


def _menu_items(appbuilder: Any) -> list[tuple[str, str | None, set[Grant]]]:
    """(menu item name, its category or None, the grants any of which opens its screen)."""
    items = []
    for entry in appbuilder.menu.get_list():
        for child in entry.childs or [entry]:
            if child.name == "-":
                continue
            view = child.baseview
            if view is not None:
                opens = {(permission, view.class_permission_name)
                         for permission in READ_PERMISSIONS}
            elif child.name in MENU_LINKS:
                opens = {MENU_LINKS[child.name]}
            else:
                continue
            category = entry.name if child is not entry else None
            items.append((child.name, category, opens))
    return items


def wanted_permissions(appbuilder: Any, role: str) -> set[Grant]:
    """What ``role`` holds, before intersecting with the permissions that exist."""
    wanted: set[Grant] = set(FAB_PERMISSIONS.get(role, ()))
    for resource, verbs in ROLE_PERMISSIONS.get(role, {}).items():
        wanted.update((f"can_{verb}", resource) for verb in verbs)
    menu = ROLE_MENUS.get(role)
    for name, category, opens in _menu_items(appbuilder):
        if menu is not None and name not in menu:
            continue
        if opens & wanted:
            wanted.add((MENU_ACCESS, name))
            if category:
                wanted.add((MENU_ACCESS, category))
    return wanted


def _admin_holds(grant: Grant, admin_grants: set[Grant], closed_menus: set[str]) -> bool:
    # Admin holds every permission of FAB's own screens and menus, and of the fund's
    # resources what the SPEC gives him (never deleting audit events, say); no menu entry
    # leads him to a screen of ours he may not read (a member's home page).
    permission, view_name = grant
    if permission == MENU_ACCESS:
        return view_name not in closed_menus
    return view_name not in RESOURCES or grant in admin_grants


def _closed_menus(appbuilder: Any, grants: set[Grant]) -> set[str]:
    """Menu entries of the fund's screens that none of ``grants`` opens."""
    return {name for name, _, opens in _menu_items(appbuilder)
            if all(view in RESOURCES for _, view in opens) and not opens & grants}


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
            closed = _closed_menus(appbuilder, wanted)
            grants = [pvm for key, pvm in existing.items()
                      if _admin_holds(key, wanted, closed)]
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

