"""Who may do what: every object-level rule of Tradebase, in one place.

Pure functions over an ``Actor`` and plain ids, so that the rules can be tested exhaustively
and read in one sitting. ``guard.authorize`` applies them inside the services.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from tradebase.accounts.roles import Role

__all__ = ["ANONYMOUS", "SYSTEM", "Actor", "Permission", "Role", "is_allowed", "system_actor"]


class Permission(StrEnum):
    CREATE_BASE = "create_base"
    MANAGE_BASE = "manage_base"  # edit a base, its designations, key lists and indicators
    DELETE_BASE = "delete_base"
    CREATE_ENTERPRISE = "create_enterprise"  # in a base (or with no base)
    EDIT_ENTERPRISE = "edit_enterprise"  # profile, catalog, enterprise indicators
    DELETE_ENTERPRISE = "delete_enterprise"
    VIEW_AUDIT = "view_audit"
    MANAGE_USERS = "manage_users"
    IMPORT_DATA = "import_data"


@dataclass(frozen=True)
class Actor:
    """Who is acting in a unit of work."""

    label: str
    role: Role | None = None
    user_id: int | None = None
    base_ids: frozenset[int] = field(default_factory=frozenset)
    enterprise_ids: frozenset[int] = field(default_factory=frozenset)
    organisation: str = ""
    scopes: frozenset[str] = frozenset({"read", "write"})
    is_system: bool = False

    @property
    def is_authenticated(self) -> bool:
        return self.is_system or self.role is not None

    @property
    def can_write(self) -> bool:
        return self.is_system or (self.role is not None and "write" in self.scopes)


ANONYMOUS = Actor(label="anonymous")
SYSTEM = Actor(label="system", is_system=True)


def system_actor(label: str = "cli") -> Actor:
    """The operator at the command line or a job: trusted with the whole database."""
    return Actor(label=label, is_system=True)


def is_allowed(
    actor: Actor,
    permission: Permission,
    *,
    base_id: int | None = None,
    enterprise_id: int | None = None,
) -> bool:
    """Whether ``actor`` holds ``permission`` on the base or enterprise named.

    ``base_id`` is the base the object belongs to (for an enterprise, its base); write
    permissions need an actor with the ``write`` scope.
    """
    if actor.is_system:
        return True
    if actor.role is None:
        return False
    if permission is not Permission.VIEW_AUDIT and not actor.can_write:
        return False
    if actor.role is Role.ADMIN:
        return True
    administers = base_id is not None and base_id in actor.base_ids
    match permission:
        case Permission.MANAGE_BASE | Permission.CREATE_ENTERPRISE | Permission.IMPORT_DATA:
            return actor.role is Role.BASE_ADMIN and administers
        case Permission.DELETE_ENTERPRISE:
            return actor.role is Role.BASE_ADMIN and administers
        case Permission.EDIT_ENTERPRISE:
            if actor.role is Role.BASE_ADMIN:
                return administers
            return actor.role is Role.ENTERPRISE and enterprise_id in actor.enterprise_ids
        case Permission.VIEW_AUDIT:
            return actor.role is Role.BASE_ADMIN and (base_id is None or administers)
        case Permission.CREATE_BASE | Permission.DELETE_BASE | Permission.MANAGE_USERS:
            return False
    return False
