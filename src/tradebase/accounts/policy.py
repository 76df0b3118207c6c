"""Who may do what: every object-level rule of Tradebase, in one place.

Pure functions over an ``Actor`` and plain ids, so that the rules can be tested exhaustively
and read in one sitting. ``guard.authorize`` applies them inside the services.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from tradebase.accounts.roles import Role

__all__ = [
    "ANONYMOUS",
    "BUYER_LANGUAGES",
    "READ_PERMISSIONS",
    "STAFF_LANGUAGES",
    "SYSTEM",
    "Actor",
    "DockingScope",
    "EntryOwner",
    "EventParty",
    "EventScope",
    "JudgeSeat",
    "Permission",
    "RequestParties",
    "Role",
    "TradeReporter",
    "acts_for_buyer",
    "acts_for_enterprise",
    "acts_for_party",
    "acts_for_supplier",
    "docking_scope",
    "event_scope",
    "interface_languages",
    "is_allowed",
    "is_judge",
    "judge_conflict",
    "manages_round",
    "may_ask_group_meeting",
    "may_change_entry",
    "may_check_in",
    "may_decide_join",
    "may_declare_conflict",
    "may_edit_lead",
    "may_edit_registration",
    "may_import_trade",
    "may_import_trade_somewhere",
    "may_invite",
    "may_lift_suspension",
    "may_moderate_request",
    "may_post_message",
    "may_post_requests",
    "may_read_judge_comments",
    "may_read_meeting_note",
    "may_read_ranking",
    "may_read_sealed_quotes",
    "may_read_sealed_scores",
    "may_read_thread",
    "may_read_trade",
    "may_record_lead",
    "may_record_meeting_outcome",
    "may_register",
    "may_report_request",
    "may_request_join",
    "may_revoke_credential",
    "may_see_agenda",
    "may_see_all_needs",
    "may_see_buyer_organisation",
    "may_see_credential",
    "may_see_enquiry",
    "may_see_entry",
    "may_see_event",
    "may_see_event_totals",
    "may_see_group_meeting",
    "may_see_lead",
    "may_see_meeting_outcome",
    "may_see_meeting_request",
    "may_see_message_author",
    "may_see_registration",
    "may_see_request",
    "may_see_scheduled_meeting",
    "may_submit_entry",
    "may_view_round",
    "meeting_side",
    "needs_second_factor",
    "organises_event",
    "owns_entry",
    "round_bases",
    "system_actor",
    "thread_side",
    "transfer_bases",
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
    # a supplier's sealed quote in a round: its own (a supplier's member), or entered on its
    # behalf by the round's base administrators (recorded as such)
    QUOTE_IN_ROUND = "quote_in_round"
    # events: create an event of a base (docking day, exhibition, festival, campaign, ...)
    ORGANISE_EVENT = "organise_event"
    # a docking request a buyer without an account made in person (a lead met at a fair),
    # recorded for the enterprise that met it: its members, its base's administrators
    RECORD_MET_REQUEST = "record_met_request"
    # analytics: read the rate table, evaluation schemes and their runs (anyone signed in)
    READ_ANALYTICS = "read_analytics"
    MANAGE_RATES = "manage_rates"  # keep the exchange rates (platform administrators)
    DEFINE_SCHEME = "define_scheme"  # create or edit an evaluation scheme (officers)
    RUN_SCHEME = "run_scheme"  # rank the bases on a stored scheme, kept as a run


# Permissions that read only: a read-only API token holds them too.
READ_PERMISSIONS = frozenset({
    Permission.VIEW_AUDIT, Permission.MATCH_LISTINGS, Permission.SEARCH_CAPACITY,
    Permission.VIEW_DOCKING_DASHBOARD, Permission.READ_ANALYTICS,
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
    language: str = ""  # the interface language the user chose; "" = the browser's
    scopes: frozenset[str] = frozenset({"read", "write"})
    is_system: bool = False
    verified: bool = True
    """False for a user who signed up and has not proven its e-mail address yet: it may
    sign in (to resend the link) and do nothing else (``is_allowed``, ``can_write``)."""

    @property
    def is_authenticated(self) -> bool:
        return self.is_system or self.role is not None

    @property
    def can_write(self) -> bool:
        return self.is_system or (self.role is not None and self.verified
                                  and "write" in self.scopes)


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
    if actor.role is None or not actor.verified:
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
        case Permission.QUOTE_IN_ROUND:
            if actor.role is Role.BASE_ADMIN:
                return administers
            return actor.role is Role.SUPPLIER and bool(actor.organisation.strip())
        case Permission.ORGANISE_EVENT:
            return actor.role is Role.BASE_ADMIN and administers
        case Permission.RECORD_MET_REQUEST:
            if actor.role is Role.BASE_ADMIN:
                return administers
            return actor.role is Role.ENTERPRISE and enterprise_id in actor.enterprise_ids
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
        case Permission.READ_ANALYTICS:
            return True
        case Permission.MANAGE_RATES:
            return False  # a platform administrator's (above)
        case Permission.DEFINE_SCHEME:
            # a programme officer designates and reviews bases on schemes it defines
            return actor.role is Role.OFFICER
        case Permission.RUN_SCHEME:
            # the officers, and a base administrator reporting upward
            return actor.role in (Role.OFFICER, Role.BASE_ADMIN)
    return False


# --- imports and exports of the register -------------------------------------------------


def transfer_bases(actor: Actor) -> frozenset[int] | None:
    """The bases whose rows ``actor`` may import and export (``None``: every base, and rows
    of no base such as regions): ``IMPORT_DATA`` on the platform, else the bases it holds
    ``IMPORT_DATA`` on (a base administrator: its bases). Files are checked row by row and
    exports filtered by this one value."""
    if is_allowed(actor, Permission.IMPORT_DATA):
        return None
    return frozenset(base for base in actor.base_ids
                     if is_allowed(actor, Permission.IMPORT_DATA, base_id=base))


# --- trade-flow records --------------------------------------------------------------------


@dataclass(frozen=True)
class TradeReporter:
    """Whose trade records these are: ``kind`` is base, enterprise, region or country;
    ``base_id`` the base (for an enterprise, its base), ``enterprise_id`` the enterprise."""

    kind: str
    base_id: int | None = None
    enterprise_id: int | None = None


def may_import_trade(actor: Actor, reporter: TradeReporter) -> bool:
    """Importing trade records of ``reporter``: whoever may import on the platform (an
    administrator, the operator) any reporter; a base administrator its own bases and their
    enterprises (``IMPORT_DATA`` on the base, as the register's imports); regions and
    countries are statistics of the platform, not of a base."""
    if is_allowed(actor, Permission.IMPORT_DATA):
        return True
    return (reporter.kind in ("base", "enterprise") and reporter.base_id is not None
            and is_allowed(actor, Permission.IMPORT_DATA, base_id=reporter.base_id))


def may_import_trade_somewhere(actor: Actor) -> bool:
    """Whether some trade record could be the actor's to import (checked before a file is
    read; every reporter of the file is then checked with ``may_import_trade``)."""
    return is_allowed(actor, Permission.IMPORT_DATA) or any(
        may_import_trade(actor, TradeReporter("base", base_id=base)) for base in actor.base_ids)


def may_read_trade(actor: Actor, reporter: TradeReporter) -> bool:
    """Reading trade records and the measures built on them. A region's or a country's are
    official statistics, read by every staff role and enterprise; a base's and its
    enterprises' are commercial: programme officers and administrators read them all, a base
    administrator those of its bases, an enterprise its own. Buyers and suppliers read none."""
    if actor.is_system:
        return True
    if actor.role is None or not actor.verified:
        return False
    if actor.role in (Role.ADMIN, Role.OFFICER):
        return True
    if actor.role not in (Role.BASE_ADMIN, Role.ENTERPRISE):
        return False
    if reporter.kind in ("region", "country"):
        return True
    if actor.role is Role.BASE_ADMIN:
        return reporter.base_id is not None and reporter.base_id in actor.base_ids
    return reporter.kind == "enterprise" and reporter.enterprise_id in actor.enterprise_ids


def home_base(actor: Actor) -> int | None:
    """The base a new record of ``actor`` goes to unless it names one: a base
    administrator's first base; None for everyone else."""
    return min(actor.base_ids) if actor.base_ids else None


def may_create_enterprise(actor: Actor) -> bool:
    """Add an enterprise from the enterprise list (to ``home_base``): what the "New
    enterprise" button of the list is shown for."""
    return is_allowed(actor, Permission.CREATE_ENTERPRISE, base_id=home_base(actor))


def may_edit_catalog(actor: Actor, *, base_id: int | None, enterprise_id: int) -> bool:
    """Edit an enterprise's profile and add or edit its products."""
    return is_allowed(actor, Permission.EDIT_ENTERPRISE, base_id=base_id,
                      enterprise_id=enterprise_id)


# --- buyers' requests: who sees them and who acts on them ----------------------------------


@dataclass(frozen=True)
class RequestParties:
    """Who a buyer's request concerns: its buyer, and the enterprises it was sent to."""

    buyer_id: int | None
    organisation: str = ""
    enterprise_ids: frozenset[int] = frozenset()  # sent to (a shortlist alone is not sent)
    base_ids: frozenset[int] = frozenset()  # the bases of those enterprises
    hidden: bool = False  # hidden by a moderator: gone from the factories' inboxes
    anonymous: bool = False  # the buyer's organisation is named only once it accepts a quote


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


@dataclass(frozen=True)
class DockingScope:
    """The docking parties an actor acts for or oversees, as plain data.

    Both the predicates below (one request, one enquiry) and the services' SQL filters (the
    lists of requests and enquiries) are built from this one value, so a visibility rule is
    written once: here.
    """

    everything: bool = False  # platform administrators and the system
    buyer_id: int | None = None  # requests this user posted
    organisation: str = ""  # requests of the buyer's organisation
    enterprise_ids: frozenset[int] = frozenset()  # enquiries sent to these enterprises
    base_ids: frozenset[int] = frozenset()  # enquiries sent to the enterprises of these bases

    def is_buyer_of(self, parties: RequestParties) -> bool:
        """The scope covers the request's buyer side (the buyer sees every enquiry)."""
        return (self.everything
                or (self.buyer_id is not None and self.buyer_id == parties.buyer_id)
                or (bool(self.organisation) and self.organisation == parties.organisation))

    def receives(self, enterprise_id: int, base_id: int | None) -> bool:
        """The scope covers a sent enquiry's enterprise side: the enterprise itself, or the
        administrators of its base."""
        return (self.everything or enterprise_id in self.enterprise_ids
                or (base_id is not None and base_id in self.base_ids))


def docking_scope(actor: Actor) -> DockingScope:
    """Whose requests and enquiries ``actor`` may read."""
    if actor.is_system or actor.role is Role.ADMIN:
        return DockingScope(everything=True)
    if actor.role is None:
        return DockingScope()
    return DockingScope(
        buyer_id=actor.user_id,
        organisation=actor.organisation if actor.role is Role.BUYER else "",
        enterprise_ids=actor.enterprise_ids if actor.role is Role.ENTERPRISE else frozenset(),
        base_ids=actor.base_ids if actor.role is Role.BASE_ADMIN else frozenset(),
    )


def may_see_request(actor: Actor, parties: RequestParties) -> bool:
    """A request (its text, quantity, destination): its buyer, the enterprises it was sent
    to, the base administrators of those enterprises, and platform administrators. Nobody
    else. Quotes are per enquiry: see ``may_see_enquiry``.
    A request hidden by a moderator (``may_moderate_request``) is gone for the enterprises;
    its buyer and the administrators still see it."""
    scope = docking_scope(actor)
    reached = bool(scope.enterprise_ids & parties.enterprise_ids) and not parties.hidden
    return scope.is_buyer_of(parties) or reached or bool(scope.base_ids & parties.base_ids)


def may_see_enquiry(
    actor: Actor, parties: RequestParties, *, enterprise_id: int, base_id: int | None,
    sent: bool,
) -> bool:
    """One enquiry of a request, with its quote, lead time and note: the request's buyer
    (every enquiry, shortlisted ones too) and platform administrators; once it is sent, the
    enterprise it was sent to and that enterprise's base administrators. An enterprise never
    sees a competitor's enquiry on the same request, nor one of a hidden request."""
    scope = docking_scope(actor)
    if parties.hidden:  # gone for the enterprises; their base administrators moderate
        return scope.is_buyer_of(parties) or (
            sent and base_id is not None and base_id in scope.base_ids)
    return scope.is_buyer_of(parties) or (sent and scope.receives(enterprise_id, base_id))


def may_see_buyer_organisation(
    actor: Actor, parties: RequestParties, accepted_enterprise_ids: frozenset[int],
    accepted_base_ids: frozenset[int] = frozenset(),
) -> bool:
    """Who asks (the buyer's organisation and account): whoever may see the request, unless
    the buyer chose to stay anonymous until it accepts a quote; then its buyer side,
    platform administrators, and the enterprises whose quote it accepted (with their base
    administrators). A response schema for the others has no organisation field at all."""
    scope = docking_scope(actor)
    if scope.is_buyer_of(parties):
        return True
    if not may_see_request(actor, parties):
        return False
    if not parties.anonymous:
        return True
    return bool(scope.enterprise_ids & accepted_enterprise_ids) or bool(
        scope.base_ids & accepted_base_ids)


def may_post_requests(actor: Actor, *, suspended: bool) -> bool:
    """Post, edit, publish a request and send enquiries: a buyer (or an administrator) who
    has not been suspended by a moderator."""
    if actor.is_system or actor.role is Role.ADMIN:
        return actor.can_write
    return actor.role is Role.BUYER and actor.can_write and not suspended


def may_report_request(actor: Actor, parties: RequestParties) -> bool:
    """Report a request as spam: a member of an enterprise it reached."""
    return (actor.role is Role.ENTERPRISE and actor.can_write
            and bool(actor.enterprise_ids & parties.enterprise_ids))


def may_moderate_request(actor: Actor, parties: RequestParties) -> bool:
    """Hide a request and suspend its author: a base administrator of a base the request
    reached, or a platform administrator."""
    if not actor.can_write:
        return False
    if actor.is_system or actor.role is Role.ADMIN:
        return True
    return actor.role is Role.BASE_ADMIN and bool(actor.base_ids & parties.base_ids)


def may_lift_suspension(actor: Actor, parties: RequestParties | None) -> bool:
    """Lift a buyer's suspension: who may moderate the request it was suspended over
    (``may_moderate_request``: a base administrator of a base that request reached, or a
    platform administrator); when that request is gone (``parties`` None), an administrator."""
    if parties is None:
        return actor.can_write and (actor.is_system or actor.role is Role.ADMIN)
    return may_moderate_request(actor, parties)


# --- an enquiry's message thread between its buyer and its enterprise ---------------------


def thread_side(actor: Actor, parties: RequestParties, enterprise_id: int) -> str | None:
    """The side ``actor`` speaks for in the thread of an enquiry to ``enterprise_id``:
    "buyer" (the request's buyer side), "enterprise" (a member of that enterprise), or None
    for those who only oversee it (administrators, base administrators, the operator)."""
    if actor.is_system or actor.role is None:
        return None
    if acts_for_buyer(actor, parties):
        return "buyer"
    if acts_for_enterprise(actor, enterprise_id):
        return "enterprise"
    return None


def may_read_thread(
    actor: Actor, parties: RequestParties, *, enterprise_id: int, base_id: int | None,
    sent: bool,
) -> bool:
    """An enquiry's messages and their files: exactly who may read the enquiry
    (``may_see_enquiry``). A competitor never reads another enterprise's thread."""
    return may_see_enquiry(actor, parties, enterprise_id=enterprise_id, base_id=base_id,
                           sent=sent)


def may_post_message(
    actor: Actor, parties: RequestParties, *, enterprise_id: int, base_id: int | None,
    sent: bool, suspended: bool,
) -> bool:
    """Write in an enquiry's thread: a reader of the thread who is one of its two sides
    (``thread_side``), with the ``write`` scope; a buyer suspended by a moderator writes
    nothing. Those who only oversee the enquiry read the thread but are no party to it."""
    side = thread_side(actor, parties, enterprise_id)
    if side is None or not actor.can_write:
        return False
    if side == "buyer" and suspended:
        return False
    return may_read_thread(actor, parties, enterprise_id=enterprise_id, base_id=base_id,
                           sent=sent)


def may_see_message_author(
    actor: Actor, parties: RequestParties, *, enterprise_id: int, author_side: str,
) -> bool:
    """Who of a side wrote a message (the author's account): the author's own side and
    platform administrators. The other side reads the side's name only (an anonymous
    buyer's organisation not even that, ``may_see_buyer_organisation``)."""
    if docking_scope(actor).everything:
        return True
    return thread_side(actor, parties, enterprise_id) == author_side


# --- group procurement rounds -------------------------------------------------------------


def round_bases(actor: Actor, member_base_ids: frozenset[int]) -> frozenset[int] | None:
    """The bases whose procurement rounds ``actor`` sees (``None``: every base): platform
    administrators, officers and suppliers (a round is a call for their quotes) see all, a
    base administrator its bases, an enterprise member the bases of its enterprises
    (``member_base_ids``). The list of rounds filters by
    this value; ``may_view_round`` is built from it."""
    if actor.is_system or actor.role in (Role.ADMIN, Role.OFFICER, Role.SUPPLIER):
        return None
    if actor.role is Role.BASE_ADMIN:
        return actor.base_ids
    if actor.role is Role.ENTERPRISE:
        return member_base_ids
    return frozenset()


def may_view_round(actor: Actor, base_id: int, member_base_ids: frozenset[int]) -> bool:
    """A base's procurement round (materials, pooled lots, the published award)."""
    bases = round_bases(actor, member_base_ids)
    return bases is None or base_id in bases


def manages_round(actor: Actor, base_id: int) -> bool:
    """Runs the round: sees who quoted, reads the award's figures before it is published."""
    return actor.is_system or actor.role is Role.ADMIN or (
        actor.role is Role.BASE_ADMIN and base_id in actor.base_ids)


def may_see_all_needs(actor: Actor, base_id: int) -> bool:
    """Every enterprise's declared needs in a round (others see only their own)."""
    return manages_round(actor, base_id) or actor.role is Role.OFFICER


def acts_for_supplier(actor: Actor, supplier: str) -> bool:
    """The actor is a member of the supplier organisation named (names compare case-blind,
    as a quote's supplier is the organisation's name)."""
    return (actor.role is Role.SUPPLIER and bool(actor.organisation.strip())
            and actor.organisation.strip().casefold() == supplier.strip().casefold())


def may_read_sealed_quotes(
    actor: Actor, base_id: int, round_status: str, *, supplier: str | None = None
) -> bool:
    """A supplier's quote (its prices, capacity, who entered it): while the round is open,
    only its own supplier's members and the system read it — not the base administrator, not
    even one who entered it on the supplier's behalf, nor any other supplier. Once closed,
    the base's administrators and platform administrators read every quote, and a supplier
    still its own. ``supplier`` None asks about the quotes of a round in general (as the
    managers see them). Everyone else sees only the published award."""
    if actor.is_system:
        return True
    if supplier is not None and acts_for_supplier(actor, supplier):
        return True
    if round_status == "open":
        return False
    return actor.role is Role.ADMIN or (actor.role is Role.BASE_ADMIN and base_id in actor.base_ids)


# --- credentials: sessions, API tokens, two-factor sign-in ---------------------------------


def may_see_credential(actor: Actor, owner_id: int) -> bool:
    """A login session or API token: listed to its owner (and the operator) only."""
    return actor.is_system or (actor.user_id is not None and actor.user_id == owner_id)


def may_revoke_credential(actor: Actor, owner_id: int) -> bool:
    """Ending a session or revoking an API token is a write: its owner, through a credential
    with the ``write`` scope (a read-only token revokes nothing, not even itself), or the
    operator."""
    return actor.is_system or (may_see_credential(actor, owner_id) and actor.can_write)


def needs_second_factor(role: Role, *, enrolled: bool, required_roles: frozenset[str]) -> bool:
    """A sign-in asks for a second factor when the user enrolled one, or when the user's role
    is one the installation requires it for (``TRADEBASE_REQUIRE_2FA_ROLES``)."""
    return enrolled or role.value in required_roles


# --- interface languages ------------------------------------------------------------------------

STAFF_LANGUAGES: tuple[str, ...] = ("zh", "en")
BUYER_LANGUAGES: tuple[str, ...] = ("zh", "en", "de", "es", "fr", "sv")


def interface_languages(role: Role | None) -> tuple[str, ...]:
    """The interface languages a reader may use: a buyer (and a visitor, who may be one) any of
    the buyers' languages; factories, administrators and officers work in Chinese or English,
    the languages their pages and the register are written in."""
    return BUYER_LANGUAGES if role is None or role == Role.BUYER else STAFF_LANGUAGES


# --- onboarding: joining an enterprise, inviting administrators -----------------------------


def may_request_join(actor: Actor) -> bool:
    """Ask to join an enterprise (or to register a new one): a verified enterprise user."""
    return actor.role is Role.ENTERPRISE and actor.can_write


def may_decide_join(actor: Actor, base_id: int) -> bool:
    """Approve or refuse a request to join an enterprise of ``base_id`` (or to register one
    there): a base administrator of that base, or an administrator."""
    if actor.is_system:
        return True
    if not actor.can_write:
        return False
    return actor.role is Role.ADMIN or (actor.role is Role.BASE_ADMIN
                                        and base_id in actor.base_ids)


def may_invite(actor: Actor) -> bool:
    """Invite a base administrator by e-mail: an administrator."""
    return actor.is_system or (actor.role is Role.ADMIN and actor.can_write)


# --- events: organisers, registrations and meeting requests --------------------------------


@dataclass(frozen=True)
class EventParty:
    """Who a registration of an event speaks for: an enterprise (its members answer for it)
    or a buyer organisation (its buyers; ``user_id`` is the buyer who registered it)."""

    kind: str  # "enterprise" or "buyer"
    enterprise_id: int | None = None
    organisation: str = ""
    user_id: int | None = None


@dataclass(frozen=True)
class EventScope:
    """The events and registrations an actor organises or acts for, as plain data: the
    predicates below and the services' SQL filters (events/meetings.py, registrations.py)
    are both built from it."""

    everything: bool = False  # platform administrators and the system
    base_ids: frozenset[int] = frozenset()  # organiser of the events of these bases
    enterprise_ids: frozenset[int] = frozenset()  # registrations of these enterprises
    organisation: str = ""  # registrations of this buyer organisation
    user_id: int | None = None  # buyer registrations this user made

    def organises(self, organiser_base_ids: frozenset[int]) -> bool:
        return self.everything or bool(self.base_ids & organiser_base_ids)

    def acts_for(self, party: EventParty) -> bool:
        """The scope speaks for ``party`` (organising an event is not speaking for its
        participants: ``everything`` does not count here)."""
        if party.kind == "enterprise":
            return party.enterprise_id is not None and party.enterprise_id in self.enterprise_ids
        return ((self.user_id is not None and self.user_id == party.user_id)
                or (bool(self.organisation) and self.organisation == party.organisation))


def event_scope(actor: Actor) -> EventScope:
    """What ``actor`` organises and whom it acts for in events."""
    if actor.is_system:
        return EventScope(everything=True)
    if actor.role is None:
        return EventScope()
    return EventScope(
        everything=actor.role is Role.ADMIN,
        base_ids=actor.base_ids if actor.role is Role.BASE_ADMIN else frozenset(),
        enterprise_ids=actor.enterprise_ids if actor.role is Role.ENTERPRISE else frozenset(),
        organisation=actor.organisation if actor.role is Role.BUYER else "",
        user_id=actor.user_id if actor.role is Role.BUYER else None,
    )


def organises_event(actor: Actor, organiser_base_ids: frozenset[int]) -> bool:
    """Runs the event: an administrator of one of its organising bases, a platform
    administrator, or the system. Organisers approve registrations, cap them, override
    priorities and see every registration and meeting request (never the private notes)."""
    return event_scope(actor).organises(organiser_base_ids)


def may_see_event(actor: Actor, *, published: bool, organiser_base_ids: frozenset[int]) -> bool:
    """An event: everyone once it is published; before that, its organisers only."""
    return published or organises_event(actor, organiser_base_ids)


def acts_for_party(actor: Actor, party: EventParty) -> bool:
    """The actor speaks for the registration's party: a member of its enterprise, or a
    buyer of its organisation (or the buyer who registered it)."""
    if actor.is_system:
        return True
    if actor.role not in (Role.ENTERPRISE, Role.BUYER):
        return False
    return event_scope(actor).acts_for(party)


def may_register(actor: Actor, party: EventParty, *, enterprise_base_id: int | None,
                 organiser_base_ids: frozenset[int]) -> bool:
    """Register a party for an event: its own side (a member of the enterprise, a buyer of
    the organisation); for an enterprise also the administrators of its base (a base sends
    its delegation to an exhibition) and the event's organisers; platform administrators."""
    if not actor.can_write:
        return False
    if actor.is_system or actor.role is Role.ADMIN or acts_for_party(actor, party):
        return True
    if party.kind != "enterprise":
        return False
    return actor.role is Role.BASE_ADMIN and (
        (enterprise_base_id is not None and enterprise_base_id in actor.base_ids)
        or bool(actor.base_ids & organiser_base_ids))


def may_see_registration(actor: Actor, party: EventParty,
                         organiser_base_ids: frozenset[int]) -> bool:
    """A registration with its attendees and available slots: its own side and the
    event's organisers. Other participants see only what suggestions show (name, offers,
    seeks)."""
    return acts_for_party(actor, party) or organises_event(actor, organiser_base_ids)


def may_see_agenda(actor: Actor, party: EventParty, organiser_base_ids: frozenset[int]) -> bool:
    """A participant's agenda — its meetings with their times, tables and counterparts, as a
    page, a printable page, a PDF or an ``.ics`` file: its own side and the event's
    organisers (who see every participant's). Another participant does not learn it
    exists."""
    return acts_for_party(actor, party) or organises_event(actor, organiser_base_ids)


def may_check_in(actor: Actor, organiser_base_ids: frozenset[int]) -> bool:
    """Record at the door that a registration's people came, or undo it: the event's
    organisers (with the ``write`` scope)."""
    return actor.can_write and organises_event(actor, organiser_base_ids)


def may_edit_registration(actor: Actor, party: EventParty,
                          organiser_base_ids: frozenset[int]) -> bool:
    """Change a registration's attendees, offers, seeks and slots, or cancel it."""
    return actor.can_write and may_see_registration(actor, party, organiser_base_ids)


def meeting_side(actor: Actor, requester: EventParty, recipient: EventParty) -> str | None:
    """The side ``actor`` takes on a meeting request: "requester", "recipient", or None
    for those who only oversee it (organisers, platform administrators, the system)."""
    if actor.is_system or actor.role not in (Role.ENTERPRISE, Role.BUYER):
        return None
    if acts_for_party(actor, requester):
        return "requester"
    if acts_for_party(actor, recipient):
        return "recipient"
    return None


def may_see_meeting_request(actor: Actor, requester: EventParty, recipient: EventParty,
                            organiser_base_ids: frozenset[int]) -> bool:
    """A meeting request: its two sides and the event's organisers. Another participant
    does not learn that it exists."""
    return (meeting_side(actor, requester, recipient) is not None
            or organises_event(actor, organiser_base_ids))


def may_read_meeting_note(actor: Actor, note_side: str, requester: EventParty,
                          recipient: EventParty) -> bool:
    """A side's private note on a meeting request: that side only (and the system); not
    the other side, not the organisers. A response for anyone else has no such field."""
    return actor.is_system or meeting_side(actor, requester, recipient) == note_side


def may_see_lead(actor: Actor, collector: EventParty, organiser_base_ids: frozenset[int]
                 ) -> bool:
    """A lead collected at a fair (a buyer's name, contact and wants): the event's organisers
    and the exhibitor that collected it (``collector``, its registration's party). Not the
    other exhibitors of the delegation, not the public."""
    return acts_for_party(actor, collector) or organises_event(actor, organiser_base_ids)


def may_record_lead(actor: Actor, collector: EventParty, organiser_base_ids: frozenset[int]
                    ) -> bool:
    """Record a lead for an exhibitor, or turn it into a docking request or a contact."""
    return actor.can_write and may_see_lead(actor, collector, organiser_base_ids)


def may_edit_lead(actor: Actor, collector: EventParty, organiser_base_ids: frozenset[int]
                  ) -> bool:
    """Correct a lead (the buyer's name, company, country, contact, wants) or delete it:
    whoever may record it — the event's organisers and the exhibitor that collected it."""
    return may_record_lead(actor, collector, organiser_base_ids)


# --- competitions: organisers, judges, conflicts of interest, sealed scores ----------------


@dataclass(frozen=True)
class JudgeSeat:
    """A judge of a competition as plain data: its user, its affiliation (an enterprise), the
    enterprises its user is a member of, and the entries and enterprises it declared a
    conflict of interest with."""

    user_id: int
    affiliation_id: int | None = None
    member_of: frozenset[int] = frozenset()
    conflict_entries: frozenset[int] = frozenset()
    conflict_enterprises: frozenset[int] = frozenset()


def judge_conflict(seat: JudgeSeat, *, entry_id: int, entry_enterprise_id: int | None,
                   entry_submitted_by: int | None = None) -> str | None:
    """Why the judge may not score the entry, or None: ``own_entry`` (its user submitted it),
    ``own_enterprise`` (the entry is its affiliation's or an enterprise its user belongs to),
    ``declared_entry`` or ``declared_enterprise`` (a conflict it declared). Such an entry is
    never assigned to it."""
    if entry_submitted_by is not None and entry_submitted_by == seat.user_id:
        return "own_entry"
    if entry_enterprise_id is not None and (
            entry_enterprise_id == seat.affiliation_id or entry_enterprise_id in seat.member_of):
        return "own_enterprise"
    if entry_id in seat.conflict_entries:
        return "declared_entry"
    if entry_enterprise_id is not None and entry_enterprise_id in seat.conflict_enterprises:
        return "declared_enterprise"
    return None


@dataclass(frozen=True)
class EntryOwner:
    """Who answers for a competition entry: the user who submitted it and, for an entry of
    an enterprise, that enterprise (each of its members answers for it)."""

    kind: str  # "enterprise" or "person"
    submitted_by: int | None = None
    enterprise_id: int | None = None


def owns_entry(actor: Actor, owner: EntryOwner) -> bool:
    """The entry is the actor's own: it submitted it, or it is a member of the enterprise of
    an enterprise's entry."""
    if actor.user_id is not None and actor.user_id == owner.submitted_by:
        return True
    return (owner.kind == "enterprise" and owner.enterprise_id is not None
            and actor.role is Role.ENTERPRISE and owner.enterprise_id in actor.enterprise_ids)


def may_submit_entry(actor: Actor, *, kind: str, enterprise_id: int | None,
                     organiser_base_ids: frozenset[int]) -> bool:
    """Enter a competition: its organisers, any entry; an enterprise's member, an entry of
    that enterprise; any other signed-in user (a designer, a pattern maker) an entry as a
    person, naming at most an enterprise it belongs to. Officers change nothing."""
    if not actor.can_write:
        return False
    if organises_event(actor, organiser_base_ids):
        return True
    if actor.role in (None, Role.OFFICER):
        return False
    if enterprise_id is None:
        return kind == "person"
    return actor.role is Role.ENTERPRISE and enterprise_id in actor.enterprise_ids


def may_see_entry(actor: Actor, owner: EntryOwner, organiser_base_ids: frozenset[int], *,
                  published: bool, assigned: bool) -> bool:
    """An entry: everyone once the results are published; before that its own side, the
    organisers and the judges it is assigned to."""
    return (published or assigned or owns_entry(actor, owner)
            or organises_event(actor, organiser_base_ids))


def may_change_entry(actor: Actor, owner: EntryOwner, organiser_base_ids: frozenset[int], *,
                     judging_open: bool, judging_started: bool) -> bool:
    """Edit or withdraw an entry: the organisers while judging is open; its own side until
    judging starts (the first score given)."""
    if not actor.can_write or not judging_open:
        return False
    if organises_event(actor, organiser_base_ids):
        return True
    return not judging_started and owns_entry(actor, owner)


def is_judge(actor: Actor, seat: JudgeSeat) -> bool:
    return actor.user_id is not None and actor.user_id == seat.user_id


def may_declare_conflict(actor: Actor, seat: JudgeSeat, organiser_base_ids: frozenset[int]
                         ) -> bool:
    """A conflict of interest: the judge declares its own, the organisers record one."""
    return actor.can_write and (is_judge(actor, seat)
                                or organises_event(actor, organiser_base_ids))


def may_read_sealed_scores(actor: Actor, judging_status: str, organiser_base_ids: frozenset[int],
                           *, seat: JudgeSeat | None = None) -> bool:
    """Scores (values and comments) of a competition, as procurement quotes: while judging is
    open, each judge reads only its own (``seat`` the scores' judge) — not the organisers, not
    another judge. Once closed, the organisers read every score. Others read only the
    published ranking (``may_read_ranking``)."""
    if actor.is_system or (seat is not None and is_judge(actor, seat)):
        return True
    return judging_status != "open" and organises_event(actor, organiser_base_ids)


def may_read_ranking(actor: Actor, judging_status: str, organiser_base_ids: frozenset[int]
                     ) -> bool:
    """The ranking: the organisers once judging is closed (to check it before publishing),
    everyone who sees the event once it is published."""
    if judging_status == "published":
        return True
    return judging_status == "closed" and organises_event(actor, organiser_base_ids)


def may_read_judge_comments(actor: Actor, judging_status: str, comments_published: bool,
                            organiser_base_ids: frozenset[int], *, seat: JudgeSeat) -> bool:
    """A judge's comment on an entry: its judge; the organisers after the close; everyone
    else only when the organisers published the comments with the results."""
    if may_read_sealed_scores(actor, judging_status, organiser_base_ids, seat=seat):
        return True
    return judging_status == "published" and comments_published


def may_see_scheduled_meeting(actor: Actor, a: EventParty, b: EventParty,
                              organiser_base_ids: frozenset[int], *, published: bool) -> bool:
    """A meeting of a docking day's schedule: the organisers, draft or not; its two sides
    once it is published (a draft is the organisers' business). Another participant does not
    learn that it exists."""
    if organises_event(actor, organiser_base_ids):
        return True
    return published and meeting_side(actor, a, b) is not None


def may_ask_group_meeting(actor: Actor, parties: RequestParties,
                          organiser_base_ids: frozenset[int]) -> bool:
    """Ask a docking day for one meeting with all the factories of a capacity-docking split
    (or withdraw that): the split request's buyer (a buyer of its organisation) and the
    event's organisers, with the ``write`` scope."""
    if not actor.can_write:
        return False
    return acts_for_buyer(actor, parties) or organises_event(actor, organiser_base_ids)


def may_see_group_meeting(actor: Actor, members: Sequence[EventParty],
                          organiser_base_ids: frozenset[int], *, published: bool) -> bool:
    """A group meeting (and the request for it): the organisers, draft or not; its members
    (the buyer and the split's factories) once it is published, and the request for it
    whenever (``published=True`` for the request). Another participant does not learn it
    exists."""
    if organises_event(actor, organiser_base_ids):
        return True
    return published and any(acts_for_party(actor, m) for m in members)


def may_see_meeting_outcome(actor: Actor, a: EventParty, b: EventParty,
                            organiser_base_ids: frozenset[int]) -> bool:
    """What a held meeting produced (its result, note, the intention it signed and its
    follow-up): the meeting's two sides and the event's organisers. Another participant
    does not learn it, nor the public (which reads only the totals the organisers publish)."""
    return organises_event(actor, organiser_base_ids) or meeting_side(actor, a, b) is not None


def may_record_meeting_outcome(actor: Actor, a: EventParty, b: EventParty,
                               organiser_base_ids: frozenset[int]) -> bool:
    """Record or change a meeting's outcome and follow-up: whoever may see it, with write."""
    return actor.can_write and may_see_meeting_outcome(actor, a, b, organiser_base_ids)


def may_see_event_totals(actor: Actor, *, published: bool, outcomes_published: bool,
                         organiser_base_ids: frozenset[int]) -> bool:
    """An event's outcome totals (meetings held, intentions, value, contracts, orders): its
    organisers always; everyone else once the event and its totals are published."""
    if organises_event(actor, organiser_base_ids):
        return True
    return published and outcomes_published
