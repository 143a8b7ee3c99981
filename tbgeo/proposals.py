"""The proposal life cycle: statuses, which may follow which, no land approved twice, saving a review.

The workspace is the store (its SQL, its lock, its history rows); the rules of a proposal's life are
here, and the page, the search page and ``tbgeo check --save`` / ``tbgeo proposals`` all go through
them. A rule that depends on what is stored (the current status, the approved sites) is checked by
the store inside the change it guards (``check=``), so two users cannot both pass it at once.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import MutableMapping
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from tbgeo.auth import Identity, acting, allowed, require, require_own
from tbgeo.errors import InputError, Num, PermissionDenied
from tbgeo.i18n import t
from tbgeo.i18n.params import Joined, Template, Text

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

    from tbgeo.store import Decision, Outline, Proposal, Store

__all__ = [
    "ALL_STATUSES",
    "DECIDED_STATUSES",
    "LISTED_STATUSES",
    "NEW_STATUSES",
    "OVERRIDE_TAG",
    "PROPOSAL_STATUSES",
    "TIDY_STATUSES",
    "TIDY_TRANSITIONS",
    "TRANSITIONS",
    "How",
    "Saved",
    "archive_draft",
    "comment",
    "delete_draft",
    "decision_text",
    "new_proposal",
    "override_reason_of",
    "restore_draft",
    "save_review",
    "save_site",
    "set_status",
    "site_key",
    "statuses_for",
    "tidy_actions_for",
    "update_review",
    "display_name",
]

PROPOSAL_STATUSES = ("draft", "submitted", "approved", "rejected")
#: The statuses a proposal may be created with.
NEW_STATUSES = ("draft", "submitted")
#: Which status may follow which; a decision outside this table is refused.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("submitted", "rejected"),
    "submitted": ("approved", "rejected", "draft"),
    "approved": ("submitted",),
    "rejected": ("draft", "submitted"),
}
#: A draft tidied away, never a decision: archived (kept, out of the lists, may come back as a draft)
#: or deleted (a soft delete: the row, its history and audit entries stay; hidden by default).
TIDY_STATUSES = ("archived", "deleted")
ALL_STATUSES = PROPOSAL_STATUSES + TIDY_STATUSES
#: What the lists, the ledger and the maps show unless asked for the tidied-away ones too.
LISTED_STATUSES = PROPOSAL_STATUSES
#: Which tidying may follow which status: only a draft is archived or deleted (a proposal once
#: submitted or decided is part of the record); an archived draft comes back as a draft or is deleted.
TIDY_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("archived", "deleted"),
    "archived": ("draft", "deleted"),
}
#: Statuses of a decided proposal: its name, attributes, geometry and report are kept as decided; a
#: new review of it is stored as a new proposal (a revision, ``revision_of``), never over it.
DECIDED_STATUSES = ("approved", "rejected")
#: m²: two outlines differing by less than this are the same site; land shared by less is
#: digitising noise, not land approved twice.
SAME_SITE_M2 = 1.0

How = Literal["created", "updated", "revised"]


class Saved(NamedTuple):
    """A saved review: the proposal's id, how it was kept, and the decided proposal it is a revision of."""

    id: int
    how: How
    revision_of: int | None

    def message(self, lang: str, *, page: bool = False) -> str:
        """What the user is told, from the outcome alone, so every surface says the same thing (the
        page saves when its "save" button is pressed, the command line on ``--save``)."""
        if self.how == "updated":
            return t("review.page.saved_updated", lang, id=self.id)
        if self.how == "revised":
            key = "review.page.saved_revision" if page else "review.cli.saved_revision"
            return t(key, lang, id=self.id, original=self.revision_of)
        return t("review.page.saved" if page else "review.cli.saved", lang, id=self.id)


def _status_word(status: str) -> Template:
    """A proposal status for a message: its word in the reader's language, with the code as stored."""
    return Template("workspace.status_named", {"word": Text(f"review.page.st_{status}", status), "code": status})


def _statuses(statuses: tuple[str, ...]) -> Joined:
    return Joined(tuple(_status_word(s) for s in statuses))


def site_key(site: BaseGeometry) -> str:
    """A key of a site's outline (normalised, so the same outline gives the same key)."""
    import shapely  # shapely loads when a site is saved, not at the app's warm start

    return hashlib.sha1(shapely.to_wkb(shapely.normalize(site))).hexdigest()


# -- rules -------------------------------------------------------------------------------------------
def _check_editable(p: Proposal) -> None:
    """What was decided stays as it was: a decided proposal's review is not replaced."""
    if p.status in DECIDED_STATUSES:
        raise InputError("workspace.decided_frozen", id=p.id, status=Text(f"review.page.st_{p.status}", p.status))
    _check_not_tidied(p)


def _check_not_tidied(p: Proposal) -> None:
    """An archived or deleted draft takes no review and no decision (an archived one is restored first)."""
    if p.status in TIDY_STATUSES:
        raise InputError(f"workspace.{p.status}_frozen", id=p.id)


def _check_transition(p: Proposal, status: str) -> None:
    _check_not_tidied(p)
    if status not in TRANSITIONS[p.status]:
        raise InputError(
            "workspace.bad_transition",
            current=_status_word(p.status),
            status=_status_word(status),
            allowed=_statuses(TRANSITIONS[p.status]),
        )


def _refuse_double_approval(p: Proposal, approved: list[Outline]) -> None:
    """The same land cannot be approved for two proposals: refuse when the site overlaps an approved one."""
    for other in approved:
        if other.id == p.id:
            continue
        shared = p.geometry.intersection(other.geometry).area
        if shared > SAME_SITE_M2:
            raise InputError("workspace.overlaps_approved", id=p.id, other=other.id, name=other.name or Text("review.page.unnamed"),
                             ha=Num(shared / 10_000.0, 2))


# -- changes -----------------------------------------------------------------------------------------
def new_proposal(
    store: Store,
    geometry: BaseGeometry,
    *,
    name: str,
    attributes: dict[str, Any] | None = None,
    report: dict[str, Any] | None = None,
    actor: Identity | None = None,
    status: str = "draft",
    revision_of: int | None = None,
) -> Proposal:
    """A new proposal (geometry in EPSG:9209), draft or submitted: approval and rejection are decisions.
    ``actor``: who makes it (default: who acts from the command line, ``tbgeo.auth.acting``)."""
    actor = actor or acting(store)
    require(actor, "review")
    if status not in NEW_STATUSES:
        raise InputError("workspace.bad_status", status=status, allowed=_statuses(NEW_STATUSES))
    return store.add_proposal(geometry, name=name, attributes=attributes, report=report, user=actor.name,
                              status=status, revision_of=revision_of)


def _check_right(actor: Identity, p: Proposal, status: str) -> None:
    """Approving, rejecting or reopening a decision is an approver's; submitting or withdrawing a
    proposal is its author's (a planner's own)."""
    if status in DECIDED_STATUSES or p.status in DECIDED_STATUSES:
        require(actor, "proposal.decide")
    else:
        require_own(actor, p)


def statuses_for(actor: Identity, p: Proposal) -> tuple[str, ...]:
    """The statuses the actor may move the proposal to now (what the decision form offers)."""
    out = []
    for status in TRANSITIONS.get(p.status, ()):
        try:
            _check_right(actor, p, status)
        except PermissionDenied:
            continue
        out.append(status)
    return tuple(out)


def set_status(
    store: Store,
    proposal_id: int,
    status: str,
    *,
    actor: Identity | None = None,
    comment: str = "",
    override_reason: str | None = None,
    expected: int | None = None,
) -> Proposal:
    """Record a decision, if the actor's roles and the life cycle allow it: ``TRANSITIONS`` from the
    stored status, no approval of land another approved proposal holds, and no approval of a proposal
    whose stored review blocks (verdict ``block``) without a written ``override_reason`` — all checked
    inside the store's change, so nothing is written when one refuses. ``expected``: the
    ``row_version`` the decision was made on (a stale view is refused).

    The reason (NFC, stripped, not empty) is kept in the decision's comment, before the reviewer's
    own comment (``OVERRIDE_TAG``; ``decision_text`` and ``override_reason_of`` read it back), and in
    the audit log's details. A reason is refused for any other decision, and for a proposal whose
    review does not block.
    """
    actor = actor or acting(store)
    if not (allowed(actor, "proposal.edit") or allowed(actor, "proposal.decide")):
        # who asks before what they ask about: refused as such, whether or not the proposal exists
        require(actor, "proposal.decide" if status in DECIDED_STATUSES else "proposal.edit")
    if status not in PROPOSAL_STATUSES:
        raise InputError("workspace.bad_status", status=status, allowed=_statuses(PROPOSAL_STATUSES))
    reason = " ".join(_clean(override_reason).split())  # one line: the comment after it starts on the next
    comment = _clean(comment)
    if comment.casefold().startswith(OVERRIDE_TAG.strip().casefold()):
        raise InputError("workspace.comment_reserved", tag=OVERRIDE_TAG.strip())
    if override_reason is not None and status != "approved":
        raise InputError("workspace.override_only_approval", status=_status_word(status))
    if override_reason is not None and not reason:
        raise InputError("workspace.override_empty", id=proposal_id)
    blocked_before = status == "approved" and bool(_blocking(store.proposal(proposal_id)))

    def check(p: Proposal) -> None:
        _check_right(actor, p, status)
        _check_transition(p, status)
        if status != "approved":
            return
        _refuse_double_approval(p, store.outlines(("approved",)))  # outlines only: no histories read
        blocking = _blocking(p)
        if blocking and not reason:
            named = [r for r in blocking if r]
            raise InputError("workspace.block_needs_reason", id=p.id, findings=Joined(
                tuple(Text(f"review.rule.{r}.title", r) for r in named)) if named else Text("review.severity.block"))
        if reason and not blocking:
            raise InputError("workspace.override_not_needed", id=p.id)
        if bool(blocking) != blocked_before:  # re-reviewed by someone else in the meantime
            raise InputError("workspace.verdict_changed", id=p.id)

    if reason and blocked_before:
        comment = f"{OVERRIDE_TAG}{reason}" + (f"\n{comment}" if comment else "")
    return store.set_status(proposal_id, status, user=actor.name, comment=comment, check=check, expected=expected,
                            details={"override_reason": reason} if reason and blocked_before else None)


def comment(store: Store, proposal_id: int, text: str, *, actor: Identity | None = None) -> Proposal:
    """A comment kept in the proposal's history (a planner's, an approver's)."""
    actor = actor or acting(store)
    require(actor, "proposal.comment")
    clean = text.strip()
    if not clean:
        raise InputError("workspace.empty_comment")
    if clean.casefold().startswith(OVERRIDE_TAG.strip().casefold()):
        raise InputError("workspace.comment_reserved", tag=OVERRIDE_TAG.strip())
    return store.add_comment(proposal_id, clean, user=actor.name)


# -- tidying drafts away ------------------------------------------------------------------------------
def _check_tidy_right(actor: Identity, p: Proposal) -> None:
    """A planner tidies their own drafts (``proposal.edit``); anyone's only with ``proposal.tidy`` (an
    administrator's housekeeping). Said as a refusal of the actor's name first, as every refusal is."""
    if allowed(actor, "proposal.tidy"):
        return
    if actor.single_user or p.created_by == actor.name:
        require(actor, "proposal.edit")
        return
    if allowed(actor, "proposal.edit"):
        raise PermissionDenied("auth.not_owner_tidy", name=actor.name, id=p.id, owner=p.created_by)
    require(actor, "proposal.tidy")


def tidy_actions_for(actor: Identity, p: Proposal) -> tuple[str, ...]:
    """The tidying the actor may do to the proposal now (``TIDY_TRANSITIONS``: what the page offers)."""
    try:
        _check_tidy_right(actor, p)
    except PermissionDenied:
        return ()
    return TIDY_TRANSITIONS.get(p.status, ())


def _tidy(store: Store, proposal_id: int, status: str, actor: Identity | None, comment: str,
          expected: int | None) -> Proposal:
    actor = actor or acting(store)
    text = _clean(comment)
    if text.casefold().startswith(OVERRIDE_TAG.strip().casefold()):
        raise InputError("workspace.comment_reserved", tag=OVERRIDE_TAG.strip())

    def check(p: Proposal) -> None:
        _check_tidy_right(actor, p)
        if status in TIDY_TRANSITIONS.get(p.status, ()):
            return
        if p.status == status:
            raise InputError(f"workspace.already_{status}", id=p.id)
        raise InputError(f"workspace.{'restore' if status == 'draft' else status}_not_draft", id=p.id,
                         status=_status_word(p.status))

    return store.set_status(proposal_id, status, user=actor.name, comment=text, check=check, expected=expected,
                            details={"tidy": status})


def archive_draft(store: Store, proposal_id: int, *, actor: Identity | None = None, comment: str = "",
                  expected: int | None = None) -> Proposal:
    """Archive a draft: kept with its history, out of the lists and maps until restored (``restore_draft``).
    Its owner's (a planner's own), or an administrator's; ``expected``: the ``row_version`` seen."""
    return _tidy(store, proposal_id, "archived", actor, comment, expected)


def delete_draft(store: Store, proposal_id: int, *, actor: Identity | None = None, comment: str = "",
                 expected: int | None = None) -> Proposal:
    """Delete a draft (or an archived one): a soft delete, status ``deleted``, hidden from the lists, the
    ledger and the maps, its history and audit entries kept. A submitted or decided proposal is part of
    the record and cannot be deleted. Who may: as ``archive_draft``."""
    return _tidy(store, proposal_id, "deleted", actor, comment, expected)


def restore_draft(store: Store, proposal_id: int, *, actor: Identity | None = None, comment: str = "",
                  expected: int | None = None) -> Proposal:
    """An archived draft back to a draft (a deleted one stays deleted). Who may: as ``archive_draft``."""
    return _tidy(store, proposal_id, "draft", actor, comment, expected)


#: How a decision's comment marks the reason for approving a proposal whose review blocks. Stored
#: data (not a message): the history says it in the reader's language (``decision_text``).
OVERRIDE_TAG = "[override] "


def _clean(text: str | None) -> str:
    """A user's text as stored: NFC, without surrounding white space."""
    return unicodedata.normalize("NFC", text or "").strip()


def _blocking(p: Proposal) -> list[str]:
    """The rules whose findings block in the proposal's stored review (none unless its verdict blocks;
    ``[""]`` when it blocks but names no finding)."""
    report = p.report or {}
    if report.get("verdict") != "block":
        return []
    rules = [str(f.get("rule")) for f in report.get("findings") or [] if f.get("severity") == "block" and f.get("rule")]
    return rules or [""]  # a report that blocks without saying why (an old or hand-made one)


def override_reason_of(decision: Decision) -> tuple[str, str] | None:
    """(the override reason, the reviewer's comment) of an approval recorded over a blocking review,
    or None for any other decision or comment."""
    if decision.status_to != "approved" or not decision.comment.startswith(OVERRIDE_TAG):
        return None
    reason, _, rest = decision.comment.removeprefix(OVERRIDE_TAG).partition("\n")
    return reason, rest


def decision_text(decision: Decision, lang: str) -> str:
    """A decision's comment as the history shows it: an override's reason said in ``lang``."""
    override = override_reason_of(decision)
    if override is None:
        return decision.comment
    text = t("workspace.override_note", lang, reason=override[0])
    return f"{text} {override[1]}" if override[1] else text


def update_review(
    store: Store,
    proposal_id: int,
    report: dict[str, Any],
    *,
    actor: Identity | None = None,
    name: str | None = None,
    attributes: dict[str, Any] | None = None,
    expected: int | None = None,
    geometry: BaseGeometry | None = None,
) -> Proposal:
    """Replace a proposal's review report (and its name, attributes and outline if given: a draft
    reopened and drawn anew keeps its number); refused for a decided proposal, whose new review is a
    revision (``save_site``), for a planner's proposal edited by another planner, and on a view older
    than the stored proposal (``expected``: the ``row_version`` seen). Every changed field (the area
    for the outline) is in its history."""
    actor = actor or acting(store)

    def check(p: Proposal) -> None:
        require_own(actor, p)
        _check_editable(p)

    return store.update_report(proposal_id, report, user=actor.name, name=name, attributes=attributes, check=check,
                               expected=expected, geometry=geometry)


def _decided_with_outline(store: Store, geometry: BaseGeometry) -> int | None:
    """The newest decided proposal with the same outline as ``geometry``, if any."""
    for p in store.proposals(DECIDED_STATUSES):  # newest first
        if p.geometry.symmetric_difference(geometry).area < SAME_SITE_M2:
            return p.id
    return None


def save_site(
    store: Store,
    geometry: BaseGeometry,
    *,
    name: str,
    attributes: dict[str, Any],
    report: dict[str, Any],
    actor: Identity | None = None,
    proposal_id: int | None = None,
    expected: int | None = None,
) -> tuple[Proposal, How]:
    """Keep a reviewed site: (the proposal, ``"created"`` | ``"updated"`` | ``"revised"``).

    ``proposal_id`` (the proposal this review is of) is updated while it is a draft or submitted, its
    outline too when the site was drawn anew (``expected``: the ``row_version`` seen, if known);
    a decided one (approved, rejected) keeps its name, attributes, geometry and report as decided,
    and the review becomes a new draft proposal linked to it (``revision_of``). Without
    ``proposal_id``, a site with the same outline as a decided proposal is also stored as its
    revision; anything else is a new draft.
    """
    if proposal_id is not None:
        stored = store.find_proposal(proposal_id)
        if stored is None or stored.status in TIDY_STATUSES:
            proposal_id = None  # gone (another workspace), archived or deleted: store it anew
        elif stored.status not in DECIDED_STATUSES:
            try:
                moved = not stored.geometry.equals(geometry)
                return update_review(store, proposal_id, report, actor=actor, name=name, attributes=attributes,
                                     expected=expected, geometry=geometry if moved else None), "updated"
            except InputError as exc:  # decided by someone else in the meantime: a revision after all
                if exc.key != "workspace.decided_frozen":
                    raise
    if proposal_id is None:
        proposal_id = _decided_with_outline(store, geometry)
    p = new_proposal(store, geometry, name=name, attributes=attributes, report=report, actor=actor, status="draft",
                     revision_of=proposal_id)
    return p, ("revised" if proposal_id is not None else "created")


def save_review(
    store: Store,
    report: Any,
    lang: str,
    *,
    actor: Identity | None = None,
    proposal_id: int | None = None,
    remember: MutableMapping[str, int] | None = None,
    expected: int | None = None,
) -> Saved:
    """Keep a reviewed site (a ``tbgeo.review`` Report) the one way the page, the search page and
    ``tbgeo check --save`` keep it (``save_site``): its report, as a language-neutral record
    (``Report.to_record``: every reader sees it in their language, ``render_record``); its attributes as reviewed (kept as
    stored when they say the same as those of the proposal it is a review of); and its name — the one
    the review gives, else the name of the proposal it is a review of (a re-review in another
    language does not rename it), else none: an empty name, language-neutral like the report, which
    ``display_name`` says as "unnamed site" in the reader's language.

    ``proposal_id`` is the proposal the review is of (the page's re-check, or a draft reopened into
    the form), ``expected`` the ``row_version`` it was seen at. ``remember`` maps site
    keys to the proposals saved before in one sitting (a page session): the same site reviewed again
    updates its proposal instead of adding a duplicate, and the map learns where each site went.
    """
    key = site_key(report.geometry)
    if proposal_id is None and remember is not None:
        proposal_id = remember.get(key)
    attrs = report.facts.attrs
    name, attributes = attrs.name, attrs.to_dict()
    earlier = store.find_proposal(proposal_id) if proposal_id is not None else None
    if earlier is not None:
        name = name or earlier.name
        if type(attrs).from_dict(earlier.attributes).to_dict() == attributes:
            attributes = earlier.attributes  # the same attributes, kept as stored: no change in the history
    p, how = save_site(store, report.geometry, name=name or "", attributes=attributes,
                       report=report.to_record(), actor=actor, proposal_id=proposal_id, expected=expected)
    if remember is not None:
        remember[key] = p.id
    return Saved(p.id, how, p.revision_of)


def display_name(name: str | None, lang: str) -> str:
    """A proposal's name as a reader sees it: the name, or "unnamed site" in the reader's language for
    a site saved without one (stored empty; a name stored by an older version as either language's
    "unnamed site" is read the same way)."""
    unnamed = t("review.page.unnamed", lang)
    if not name or name in (t("review.page.unnamed", "vi"), t("review.page.unnamed", "en")):
        return unnamed
    return name
