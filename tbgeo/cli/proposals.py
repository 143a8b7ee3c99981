"""``tbgeo proposals``: list stored proposals, show one with its findings and history, record a decision or a
comment; ``tbgeo proposals archive|delete|restore ID`` tidies a draft away (or back)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from tbgeo import proposals
from tbgeo.auth import acting
from tbgeo.cli import emit_json
from tbgeo.errors import InputError
from tbgeo.i18n import fmt_number, t
from tbgeo.i18n.params import fmt_when
from tbgeo.places.locate import locate
from tbgeo.places.search import load_sources
from tbgeo.proposals import LISTED_STATUSES, PROPOSAL_STATUSES
from tbgeo.review.record import render_record
from tbgeo.store import open_store

if TYPE_CHECKING:
    from tbgeo.store import Decision, Proposal

NAME = "proposals"
HELP_KEY = "review.cli.proposals_help"
#: ``tbgeo proposals <what> ID``: the tidying of a draft (``tbgeo.proposals``), by its word.
TIDY = {"archive": proposals.archive_draft, "delete": proposals.delete_draft, "restore": proposals.restore_draft}
#: What each tidying says when done (the page says the same).
_DONE = {"archive": "review.page.archived", "delete": "review.page.deleted", "restore": "review.page.restored"}


def add_arguments(parser: argparse.ArgumentParser, lang: str) -> None:
    parser.add_argument("what", nargs="?", metavar="archive|delete|restore|ID", help=t("review.cli.what_help", lang))
    parser.add_argument("id", nargs="?", metavar="ID", help=t("review.cli.tidy_id_help", lang))
    parser.add_argument("--all", action="store_true", help=t("review.cli.all_help", lang))
    parser.add_argument("--status", choices=PROPOSAL_STATUSES, help=t("review.cli.status_help", lang))
    parser.add_argument("--comment", default="", help=t("review.cli.comment_help", lang))
    parser.add_argument("--override-reason", metavar="TEXT", help=t("review.cli.override_help", lang))
    parser.add_argument("--user", help=t("review.cli.user_help", lang))
    parser.add_argument("--format", choices=("text", "json"), default="text", help=t("cli.format_help", lang))


def _row(p: Proposal, lang: str, report: dict[str, Any] | None = None) -> dict[str, Any]:
    """One proposal's line; its stored report said in ``lang`` (``render_record``) unless given."""
    report = render_record(p.report or {}, lang) if report is None else report
    return {
        "id": p.id,
        "name": proposals.display_name(p.name, lang),
        "status": p.status,
        "area_ha": round(p.area_ha, 4),
        "sector": p.attributes.get("sector"),
        "verdict": report.get("verdict"),
        "rice_ha": (report.get("rice") or {}).get("total_ha"),
        "places": report.get("places"),  # former districts and new communes (reports since issue 15)
        "created_at": p.created_at,
        "created_by": p.created_by,
        "revision_of": p.revision_of,
    }


def _number(value: str) -> int:
    if not value.strip().isdigit():
        raise InputError("review.cli.bad_id", value=value[:40])
    return int(value)


def run(args: argparse.Namespace) -> int:
    if args.what in TIDY:
        if args.id is None:
            raise InputError("review.cli.need_tidy_id", action=args.what)
        if args.status or args.override_reason is not None:
            raise InputError("review.cli.tidy_options")
        return _tidy(args, _number(args.id))
    if args.id is not None:  # a second word after a number
        raise InputError("cli.unrecognized", args=args.id)
    args.id = None if args.what is None else _number(args.what)
    if args.id is None:
        if args.status or args.comment or args.override_reason is not None:
            raise InputError("review.cli.need_id")
        return _list(args)
    if args.override_reason is not None and args.status != "approved":
        raise InputError("review.cli.override_needs_approve")
    return _show(args)


def _list(args: argparse.Namespace) -> int:
    """Every stored proposal, one line (or one JSON object) each; archived and deleted ones with ``--all``."""
    lang = args.lang
    items = open_store(create=False).proposals()
    listed = [p for p in items if args.all or p.status in LISTED_STATUSES]
    rows = [_row(p, lang) for p in listed]
    if args.format == "json":
        emit_json(rows)
        return 0
    print(t("review.cli.proposals_header", lang, n=len(rows)))
    if len(listed) < len(items):
        print("  " + t("review.cli.hidden_note", lang, n=len(items) - len(listed)))
    for r in rows:
        verdict = t(f"review.severity.{r['verdict']}", lang) if r["verdict"] else "—"
        status = t("review.page.st_" + r["status"], lang)
        area = fmt_number(r["area_ha"], lang, 2)
        print(f"  #{r['id']:<4} {status:<12} {area:>10} ha  {verdict:<10} {r['name']}")
    return 0


def _show(args: argparse.Namespace) -> int:
    """One proposal with its history, after the decision (``--status``) or comment asked for."""
    lang = args.lang
    ws = open_store(create=False)  # a store not made yet has no proposal: the store says so
    if args.status:  # the domain asks who acts before looking the proposal up
        p = proposals.set_status(ws, args.id, args.status, actor=acting(ws, args.user), comment=args.comment,
                                 override_reason=args.override_reason)
    elif args.comment:
        p = proposals.comment(ws, args.id, args.comment, actor=acting(ws, args.user))
    else:
        p = ws.proposal(args.id)
    report = render_record(p.report or {}, lang)
    data = {**_row(p, lang, report), "findings": report.get("findings") or [], "history": [
        _decision(d) for d in p.history
    ], "changes": [{"at": c.at, "by": c.by, "field": c.field, "from": c.old, "to": c.new} for c in p.changes]}
    if args.format == "json":
        emit_json(data)
        return 0
    print(f"#{p.id} {proposals.display_name(p.name, lang)} — {t('review.page.st_' + p.status, lang)}, {fmt_number(p.area_ha, lang, 2)} ha")
    if p.revision_of is not None:
        print("  " + t("review.cli.revision_of", lang, id=p.revision_of))
    if p.geometry is not None and not p.geometry.is_empty:

        src = load_sources(proposals=[])
        loc = locate(p.geometry, districts=src.districts, communes=src.communes, cw=src.cw)
        print("  " + t("places.report_line", lang, where=loc.text(lang)))
    for f in data["findings"]:
        _print_finding(f, lang)
    for d, decision in zip(data["history"], p.history, strict=True):
        before = t("review.page.st_" + d["from"], lang) if d["from"] else "—"
        change = f"{before} → {t('review.page.st_' + d['to'], lang)}" if d["to"] else t("review.cli.comment_word", lang)
        said = proposals.decision_text(decision, lang)
        print(f"  {fmt_when(d['at'], lang)}  {d['by']}: {change}{'  «' + said + '»' if said else ''}")
    for c in p.changes:
        print("  " + t("review.cli.change_line", lang, at=fmt_when(c.at, lang), by=c.by, field=c.field, old=c.old or "—", new=c.new or "—"))
    return 0


def _tidy(args: argparse.Namespace, proposal_id: int) -> int:
    """Archive, delete or restore a draft as ``--user`` (rights and rules: ``tbgeo.proposals``)."""
    ws = open_store(create=False)
    p = TIDY[args.what](ws, proposal_id, actor=acting(ws, args.user), comment=args.comment)
    if args.format == "json":
        emit_json(_row(p, args.lang))
        return 0
    print(t(_DONE[args.what], args.lang, id=p.id))
    return 0


def _decision(d: Decision) -> dict[str, Any]:
    """One history entry for JSON: an approval over a blocking review gives its reason apart."""
    override = proposals.override_reason_of(d)
    reason, comment = override if override is not None else (None, d.comment)
    return {"at": d.at, "by": d.by, "from": d.status_from, "to": d.status_to, "comment": comment,
            "override_reason": reason}


def _print_finding(f: dict[str, Any], lang: str) -> None:
    """One finding of the stored report, as ``tbgeo check`` prints it (severity, title, value, message, citation)."""
    severity = f.get("severity", "info")
    label = t(f"review.severity.{severity}", lang)
    print(f"  {label:<10} {f.get('title', f.get('rule', ''))}: {f.get('value_text', '—')}")
    if f.get("message"):
        print(f"        {f['message']}")
    if f.get("citation"):
        print(f"        [{f['citation']}]")
