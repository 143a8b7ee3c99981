"""The dry run's "before → after" list names only text really converted (issue 13 audit): a correct
UTF-8 shapefile lists nothing, though its .dbf bytes are read one character a byte."""

from __future__ import annotations

import pytest

from .helpers import run

NAMES = ["KCN Phúc Khánh", "KCN Nguyễn Đức Cảnh", "KCN Tiền Hải"]


@pytest.mark.parametrize("cpg", [None, "UTF-8"])
def test_a_utf8_shapefile_lists_no_conversion(mk, tmp_path, capsys, env, cpg) -> None:  # type: ignore[no-untyped-def]
    rows = [[name.encode("utf-8")] for name in NAMES]
    z = mk.make_shapefile(tmp_path, "kcn", mk.parks(3), fields=[(b"TEN", "C", 60)], rows=rows, prj=mk.esri_9209(), cpg=cpg)
    code, _, err, out = run(capsys, "import", str(z), "--layer", "industrial_parks", "--dry-run")
    assert code == 0, err
    assert "Văn bản trước → sau chuyển đổi" not in out
    assert "PhÃºc" not in out and "Ã" not in out
    code, data, _, _ = run(capsys, "import", str(z), "--layer", "industrial_parks", "--dry-run", "--format", "json")
    assert code == 0 and data["preview"] == []


def test_utf8_under_a_cp1258_cpg_is_shown_as_the_cpg_reads_it(mk, tmp_path, env) -> None:  # type: ignore[no-untyped-def]
    """A .cpg that says 1258 over UTF-8 text: a program that follows it shows "KCN PhĂºc KhĂ¡nh"; tbgeo
    reads the text right, and the list shows that repair."""
    from tbgeo.ingest.pipeline import plan_import

    rows = [[name.encode("utf-8")] for name in NAMES]
    z = mk.make_shapefile(tmp_path, "kcn", mk.parks(3), fields=[(b"TEN", "C", 60)], rows=rows, prj=mk.esri_9209(), cpg="1258")
    plan = plan_import(z, layer_id="industrial_parks")
    assert plan.frame["TEN"].tolist() == NAMES
    pairs = [(p["before"], p["after"]) for p in plan.preview]
    assert pairs[0] == ("KCN Phúc Khánh".encode().decode("cp1258", errors="replace"), "KCN Phúc Khánh")
    assert [a for _, a in pairs] == NAMES
