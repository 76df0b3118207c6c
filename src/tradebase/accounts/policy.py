"""Who may do what: every object-level rule of Tradebase, in one place.

Pure functions over an ``Actor`` and plain ids, so that the rules can be tested exhaustively
and read in one sitting. ``guard.authorize`` applies them inside the services.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from tradebase.accounts.roles import Role

__all__ = [
    "ANONYMOUS", "READ_PERMISSIONS", "SYSTEM", "Actor", "Permission", "RequestParties", "Role",
    "acts_for_buyer", "acts_for_enterprise", "is_allowed", "may_read_sealed_quotes",
    "may_see_request", "may_view_round", "system_actor",
]


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
    # docking
    MATCH_LISTINGS = "match_listings"  # match a text against every catalog (public data)
    POST_REQUEST = "post_request"  # a buyer's request
    OFFER_CAPACITY = "offer_capacity"  # an enterprise's free capacity by month
    SEARCH_CAPACITY = "search_capacity"  # other enterprises' free capacity
    VIEW_DOCKING_DASHBOARD = "view_docking_dashboard"  # a base's intentions, orders, deliveries
    # group procurement
    MANAGE_PROCUREMENT = "manage_procurement"  # open, enter quotes, close, publish a round
    DECLARE_NEED = "declare_need"  # an enterprise's raw-material need in its base's round


# Permissions that read only: a read-only API token holds them too.
READ_PERMISSIONS = frozenset({
    Permission.VIEW_AUDIT, Permission.MATCH_LISTINGS, Permission.SEARCH_CAPACITY,
    Permission.VIEW_DOCKING_DASHBOARD,
})


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
    if permission not in READ_PERMISSIONS and not actor.can_write:
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
        case Permission.MATCH_LISTINGS:
            return True
        case Permission.POST_REQUEST:
            return actor.role is Role.BUYER
        case Permission.OFFER_CAPACITY:
            if actor.role is Role.BASE_ADMIN:
                return administers
            return actor.role is Role.ENTERPRISE and enterprise_id in actor.enterprise_ids
        case Permission.MANAGE_PROCUREMENT:
            return actor.role is Role.BASE_ADMIN and administers
        case Permission.DECLARE_NEED:
            if actor.role is Role.BASE_ADMIN:
                return administers
            return actor.role is Role.ENTERPRISE and enterprise_id in actor.enterprise_ids
        case Permission.SEARCH_CAPACITY:
            # Free capacity is commercial: buyers look for it; a competitor does not see it.
            return actor.role in (Role.BUYER, Role.BASE_ADMIN, Role.OFFICER)
        case Permission.VIEW_DOCKING_DASHBOARD:
            if actor.role is Role.BASE_ADMIN:
                return administers
            return actor.role is Role.OFFICER
    return False


# --- buyers' requests: who sees them and who acts on them ----------------------------------


@dataclass(frozen=True)
class RequestParties:
    """Who a buyer's request concerns: its buyer, and the enterprises it was sent to."""

    buyer_id: int | None
    organisation: str = ""
    enterprise_ids: frozenset[int] = frozenset()  # sent to (a shortlist alone is not sent)
    base_ids: frozenset[int] = frozenset()  # the bases of those enterprises


def acts_for_buyer(actor: Actor, parties: RequestParties) -> bool:
    """The actor is the request's buyer, or a buyer of the same organisation."""
    if actor.is_system or (actor.user_id is not None and actor.user_id == parties.buyer_id):
        return True
    return (actor.role is Role.BUYER and bool(actor.organisation)
            and actor.organisation == parties.organisation)


def acts_for_enterprise(actor: Actor, enterprise_id: int) -> bool:
    """The actor answers for ``enterprise_id`` (quotes, intentions, order progress)."""
    if actor.is_system:
        return True
    return actor.role is Role.ENTERPRISE and enterprise_id in actor.enterprise_ids


def may_see_request(actor: Actor, parties: RequestParties) -> bool:
    """A request, its quotes and prices: its buyer, the enterprises it was sent to, the base
    administrators of those enterprises, and platform administrators. Nobody else."""
    if actor.is_system or actor.role is Role.ADMIN:
        return True
    if acts_for_buyer(actor, parties):
        return True
    if actor.role is Role.ENTERPRISE:
        return bool(actor.enterprise_ids & parties.enterprise_ids)
    if actor.role is Role.BASE_ADMIN:
        return bool(actor.base_ids & parties.base_ids)
    return False


# --- group procurement rounds -------------------------------------------------------------


def may_view_round(actor: Actor, base_id: int, member_base_ids: frozenset[int]) -> bool:
    """A base's procurement round (materials, pooled lots, the published award): platform
    administrators, officers, the base's administrators, and members of its enterprises
    (``member_base_ids``: the bases of the actor's enterprises)."""
    if actor.is_system or actor.role in (Role.ADMIN, Role.OFFICER):
        return True
    if actor.role is Role.BASE_ADMIN:
        return base_id in actor.base_ids
    return actor.role is Role.ENTERPRISE and base_id in member_base_ids


def may_read_sealed_quotes(actor: Actor, base_id: int, round_status: str) -> bool:
    """Suppliers' quote prices: sealed from everyone but the system while the round is open
    (the base administrator who entered them too); afterwards the base's administrators and
    platform administrators read them. Everyone else sees only the published award."""
    if actor.is_system:
        return True
    if round_status == "open":
        return False
    return actor.role is Role.ADMIN or (actor.role is Role.BASE_ADMIN and base_id in actor.base_ids)
