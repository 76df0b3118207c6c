"""Each role's own home page, ``/my``: what a signed-in user works on, one click away.

A buyer sees its requests; an enterprise member its enquiries (each with the messages of
the other side it has not read), its enterprises and the links
to its inbox and capacity; a base administrator its bases with their docking dashboards;
an officer the bases whose dashboards it may read. An enterprise user who is no member of an
enterprise yet is led to ask to join one; a base administrator sees how many requests to join
wait for its decision. Which bases and dashboards appear is decided by ``accounts/policy.py``
(``is_allowed``), as on the pages they link to.
"""

from __future__ import annotations

from fastapi.responses import HTMLResponse
from starlette.requests import Request

from tradebase.accounts import onboarding
from tradebase.accounts.policy import Permission, Role, is_allowed
from tradebase.docking import service as docking
from tradebase.docking import threads
from tradebase.errors import Unauthenticated
from tradebase.registry import service as registry
from tradebase.web.deps import DbSession
from tradebase.web.pages.rfq_labels import LABELS
from tradebase.web.pages.routing import page_router
from tradebase.web.pages.templating import render

router = page_router()

WORKSPACE_PATH = "/my"
_RECENT = 10


@router.get(WORKSPACE_PATH, response_class=HTMLResponse)
def workspace(request: Request, db: DbSession) -> HTMLResponse:
    actor = request.state.actor
    if actor.role is None:
        raise Unauthenticated("log in to see your work")
    bases, _ = registry.list_bases(session=db, limit=200)
    decides = actor.role in (Role.ADMIN, Role.BASE_ADMIN) and actor.verified
    requests = (docking.list_requests(session=db)[:_RECENT]
                if actor.role in (Role.BUYER, Role.ADMIN) else [])
    enquiries = (docking.list_enquiries(session=db)[:_RECENT]
                 if actor.role in (Role.ENTERPRISE, Role.BASE_ADMIN) else [])
    context = {
        "role": actor.role.value,
        "requests": requests,
        "enquiries": enquiries,
        # Messages of the other side not read yet, as on the lists these link to.
        "unread_requests": threads.unread_by_request(session=db, requests=requests),
        "unread_messages": threads.unread_counts(session=db, enquiries=enquiries),
        "enterprises": [registry.get_enterprise(session=db, enterprise_id=enterprise_id)
                        for enterprise_id in sorted(actor.enterprise_ids)],
        "managed_bases": [base for base in bases
                          if is_allowed(actor, Permission.MANAGE_BASE, base_id=base.id)],
        "dashboard_bases": [base for base in bases if is_allowed(
            actor, Permission.VIEW_DOCKING_DASHBOARD, base_id=base.id)],
        "may_audit": is_allowed(actor, Permission.VIEW_AUDIT),
        "may_join": actor.role is Role.ENTERPRISE and not actor.enterprise_ids,
        "decides_joins": decides,
        "waiting_joins": len(onboarding.pending_requests(session=db)) if decides else 0,
        "labels": LABELS,
    }
    return render(request, "workspace.html", context)
