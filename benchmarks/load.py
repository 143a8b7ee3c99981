"""A load run (issue 12 §4): concurrent sessions driving the domain for a while on each store; JSON.

Each session (a thread with its own signed-in identity: planners and approvers) loops: review a site
(its own, moved a little each time), save the review as a proposal, submit it (a decision made on the
view it read: ``expected=row_version``), have an approver decide on someone's submitted proposal seen
a moment earlier (a stale view there is a conflict, reported, never a silent overwrite), and read the
rice-land ledger. At the end every decision that was reported done must be in the store's history:
"lost updates" counts those that are not (must be 0).

    python benchmarks/load.py [--sessions 20] [--seconds 60]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ADMIN_URL = os.environ.get("TBGEO_TEST_PG", "postgresql:///postgres")


def _run(sessions: int, seconds: float) -> dict[str, Any]:
    import shapely

    from tbgeo import proposals
    from tbgeo.auth import Identity
    from tbgeo.errors import ConflictError, TbgeoError
    from tbgeo.review.config import load_config
    from tbgeo.review.context import ReviewContext
    from tbgeo.review.ledger import rice_ledger
    from tbgeo.review.model import SiteAttrs
    from tbgeo.review.run import review_site
    from tbgeo.store import open_store

    store = open_store()
    ctx = ReviewContext.from_catalog()
    cfg = load_config()
    lat: dict[str, list[float]] = defaultdict(list)
    counts: dict[str, int] = defaultdict(int)
    done_decisions: list[tuple[int, str, str]] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def timed(kind: str, fn: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return fn()
        finally:
            with lock:
                lat[kind].append(time.perf_counter() - t0)

    def session(i: int) -> None:
        rng = random.Random(i)
        planner = Identity(f"planner{i}", f"Planner {i}", frozenset({"planner"}))
        approver = Identity(f"approver{i}", f"Approver {i}", frozenset({"approver"}))
        while time.monotonic() < stop:
            try:
                x = 590_000 + (i % 5) * 6_000 + rng.uniform(0, 3_000)
                y = 2_250_000 + (i // 5) * 6_000 + rng.uniform(0, 3_000)
                site = shapely.box(x, y, x + 300, y + 300)
                report = timed("review", lambda site=site: review_site(site, attrs=SiteAttrs(name=f"Khu {i}",
                               sector="electronics"), context=ctx, config=cfg))
                saved = timed("save", lambda report=report: proposals.save_review(store, report, "vi", actor=planner))
                seen = store.proposal(saved.id)
                timed("submit", lambda seen=seen: proposals.set_status(store, seen.id, "submitted", actor=planner,
                                                                       expected=seen.row_version))
                with lock:
                    done_decisions.append((seen.id, "submitted", planner.name))
                pending = [p for p in store.proposals(("submitted",)) if p.created_by != planner.name][:1]
                for p in pending:  # decide on what was seen; someone may have decided meanwhile
                    verdict = "approved" if rng.random() < 0.5 else "rejected"
                    try:
                        timed("decide", lambda p=p, verdict=verdict: proposals.set_status(
                            store, p.id, verdict, actor=approver, expected=p.row_version))
                        with lock:
                            done_decisions.append((p.id, verdict, approver.name))
                    except ConflictError:
                        with lock:
                            counts["conflicts"] += 1
                timed("ledger", lambda: rice_ledger(store.proposals()))
                with lock:
                    counts["loops"] += 1
            except TbgeoError as exc:  # a refusal by a rule (land approved twice, busy): reported
                with lock:
                    counts[f"refused:{exc.key}"] += 1
            except Exception as exc:  # a fault
                with lock:
                    counts[f"error:{type(exc).__name__}"] += 1

    threads = [threading.Thread(target=session, args=(i,)) for i in range(sessions)]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t0
    history = {(p.id, d.status_to, d.by) for p in store.proposals() for d in p.history}
    lost = sum(1 for d in done_decisions if d not in history)
    ops = sum(len(v) for v in lat.values())
    return {
        "store": store.kind,
        "sessions": sessions,
        "seconds": round(wall, 1),
        "operations": ops,
        "throughput_ops_s": round(ops / wall, 1),
        "loops": counts.pop("loops", 0),
        "latency_ms": {k: {"p50": round(1000 * statistics.median(v), 1),
                           "p95": round(1000 * sorted(v)[int(0.95 * (len(v) - 1))], 1), "n": len(v)}
                       for k, v in sorted(lat.items())},
        "conflicts_reported": counts.pop("conflicts", 0),
        "refused": {k.split(":", 1)[1]: v for k, v in counts.items() if k.startswith("refused:")},
        "errors": {k.split(":", 1)[1]: v for k, v in counts.items() if k.startswith("error:")},
        "decisions_done": len(done_decisions),
        "lost_updates": lost,
        "proposals": len(store.proposals()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    import psycopg

    out = []
    with tempfile.TemporaryDirectory(prefix="tbgeo-load-") as tmp:
        os.environ.pop("TBGEO_DATABASE_URL", None)
        os.environ["TBGEO_WORKSPACE"] = str(Path(tmp) / "load.gpkg")
        os.environ["TBGEO_CACHE"] = str(Path(tmp) / "cache")
        os.environ["TBGEO_LOCK_WAIT"] = "30"  # 20 sessions on one file queue for its lock
        out.append(_run(args.sessions, args.seconds))
        name = f"tbgeo_load_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(ADMIN_URL, autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{name}"')
        os.environ["TBGEO_DATABASE_URL"] = ADMIN_URL.rsplit("/", 1)[0] + "/" + name
        try:
            out.append(_run(args.sessions, args.seconds))
        finally:
            os.environ.pop("TBGEO_DATABASE_URL", None)
            with psycopg.connect(ADMIN_URL, autocommit=True) as con:
                con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(json.dumps({"benchmark": "load", "runs": out, "cpus": os.cpu_count()}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
