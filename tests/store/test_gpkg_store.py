"""The GeoPackage store (the default workspace file): versions with provenance, rollback, atomic failures, concurrency, proposals."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from tbgeo import proposals
from tbgeo.auth import single_user
from tbgeo.errors import InputError, WorkspaceError
from tbgeo.store.gpkg import GpkgStore
from tests.locks import hold_store


def _parks(n: int) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name": [f"KCN {i}" for i in range(n)], "area_ha": [100.0 + i for i in range(n)]},
        geometry=[shapely.box(580_000 + i * 2_000, 2_260_000, 581_000 + i * 2_000, 2_261_000) for i in range(n)],
        crs="EPSG:9209",
    )


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_versions_activate_and_rollback(tmp_path: Path) -> None:
    ws = GpkgStore.open(tmp_path / "w.gpkg")
    v1 = ws.add_layer_version("industrial_parks", _parks(3), source_name="kcn_2024.zip", sha256="a" * 64,
                              user="Nguyễn Văn A", details={"crs": {"epsg": 9209, "source": "prj"}, "repaired": 1})
    v2 = ws.add_layer_version("industrial_parks", _parks(5), source_name="kcn_2025.zip", sha256="b" * 64, user="Trần Thị B")
    assert (v1.version, v2.version) == (1, 2)
    assert ws.active_version("industrial_parks").version == 2
    assert v1.created_by == "Nguyễn Văn A" and v1.details["repaired"] == 1
    ws.set_active("industrial_parks", 1, user="Lê C")
    active = ws.active_version("industrial_parks")
    assert active.version == 1 and active.source_name == "kcn_2024.zip"
    frame = ws.read_version("industrial_parks", active.version)
    assert list(frame["name"]) == ["KCN 0", "KCN 1", "KCN 2"]
    assert frame.crs.to_epsg() == 9209
    assert frame.geometry.area.sum() == pytest.approx(3 * 1_000_000)
    assert [v.version for v in ws.versions("industrial_parks")] == [1, 2]
    assert ws.audit(1)[0]["action"] == "layer.activate" and ws.audit(1)[0]["who"] == "Lê C"
    ws.set_active("industrial_parks", None)
    assert ws.active_version("industrial_parks") is None


def test_unknown_version_refused_without_change(tmp_path: Path) -> None:
    ws = GpkgStore.open(tmp_path / "w.gpkg")
    ws.add_layer_version("districts", _parks(1), source_name="x.zip", sha256="c" * 64)
    before = _digest(ws.path)
    with pytest.raises(InputError) as err:
        ws.set_active("districts", 7)
    assert err.value.message("vi") == "Lớp «districts» không có phiên bản 7."
    assert _digest(ws.path) == before


def test_failed_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = GpkgStore.open(tmp_path / "w.gpkg")
    ws.add_layer_version("rivers", _parks(1), source_name="ok.zip", sha256="d" * 64)
    import pyogrio

    real = pyogrio.write_dataframe

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        real(*args, **kwargs)
        raise OSError("disk full")

    monkeypatch.setattr(pyogrio, "write_dataframe", broken)
    with pytest.raises(WorkspaceError) as err:
        ws.add_layer_version("rivers", _parks(2), source_name="bad.zip", sha256="e" * 64)
    assert err.value.key == "workspace.write_failed" and "disk full" not in err.value.message("vi")
    log = Path(err.value.params["log"])  # the technical detail in the error log, not on screen
    assert err.value.message("vi").endswith(f"Chi tiết kỹ thuật đã được ghi vào nhật ký lỗi {log}.")
    assert "OSError: disk full" in log.read_text(encoding="utf-8")
    monkeypatch.setattr(pyogrio, "write_dataframe", real)
    assert [v.version for v in ws.versions("rivers")] == [1]
    assert "lv_rivers_2" not in {str(n) for n in pyogrio.list_layers(ws.path)[:, 0]}
    assert ws.add_layer_version("rivers", _parks(2), source_name="again.zip", sha256="f" * 64).version == 2


def test_concurrent_imports_get_distinct_versions(tmp_path: Path) -> None:
    ws_path = tmp_path / "w.gpkg"
    GpkgStore.open(ws_path)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            GpkgStore.open(ws_path).add_layer_version("industrial_clusters", _parks(n), source_name=f"{n}.zip", sha256=str(n) * 64)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in (1, 2, 3, 4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    ws = GpkgStore.open(ws_path)
    versions = ws.versions("industrial_clusters")
    assert [v.version for v in versions] == [1, 2, 3, 4]
    for v in versions:
        assert len(ws.read_version("industrial_clusters", v.version)) == v.features == int(v.source_name.split(".")[0])


def test_proposals_are_a_layer_gis_programs_read(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """QGIS and ogrinfo read the GeoPackage through GDAL: the proposals show there as a layer in
    VN-2000 with their name, status and area, and the same geometry tbgeo stores."""
    import pyogrio
    import shapely

    from tbgeo.store.gpkg import GpkgStore
    from tbgeo.store.gpkg_tables import PROPOSALS_LAYER

    ws = GpkgStore.open(tmp_path / "w.gpkg")
    site = shapely.Polygon([(590_000, 2_262_000), (590_500, 2_262_000), (590_400, 2_262_400)])
    a = ws.add_proposal(site, name="Nhà máy dệt", attributes={"sector": "textile_garment"})
    ws.add_proposal(shapely.box(591_000, 2_263_000, 591_200, 2_263_100), name="Kho lạnh", attributes={})
    ws.set_status(a.id, "submitted")
    layers = {str(name): gtype for name, gtype in pyogrio.list_layers(ws.path)}
    assert layers[PROPOSALS_LAYER] is not None  # a feature layer, not a plain table
    gdf = pyogrio.read_dataframe(ws.path, layer=PROPOSALS_LAYER, fid_as_index=True).sort_index()
    assert gdf.crs.to_epsg() == 9209
    assert gdf.index.tolist() == [a.id, a.id + 1]
    assert gdf[["name", "status"]].values.tolist() == [["Nhà máy dệt", "submitted"], ["Kho lạnh", "draft"]]
    assert gdf.geometry.iloc[0].equals(site)
    assert round(float(gdf["area_ha"].iloc[1]), 6) == 2.0


def test_a_workspace_from_before_gets_its_proposals_layer(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    import pyogrio
    import shapely

    from tbgeo.store.gpkg import GpkgStore
    from tbgeo.store.gpkg_tables import PROPOSALS_LAYER

    ws = GpkgStore.open(tmp_path / "w.gpkg")
    ws.add_proposal(shapely.box(590_000, 2_262_000, 590_500, 2_262_400), name="Cũ", attributes={})
    with sqlite3.connect(ws.path) as con:  # as the workspaces written before the layer existed
        con.execute("DELETE FROM gpkg_geometry_columns WHERE table_name = ?", (PROPOSALS_LAYER,))
        con.execute("DELETE FROM gpkg_contents WHERE table_name = ?", (PROPOSALS_LAYER,))
        con.execute(f"UPDATE {PROPOSALS_LAYER} SET geom = NULL")
    assert dict(pyogrio.list_layers(ws.path))[PROPOSALS_LAYER] is None  # a plain table to GDAL
    GpkgStore.open(ws.path)
    gdf = pyogrio.read_dataframe(ws.path, layer=PROPOSALS_LAYER)
    assert gdf["name"].tolist() == ["Cũ"] and gdf.geometry.iloc[0].equals(shapely.box(590_000, 2_262_000, 590_500, 2_262_400))


def test_revision_is_never_repeated_by_another_state(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A restored backup followed by another change, or a workspace made anew, must not give a
    revision an earlier, different state had (the map is cached on it)."""
    import shutil

    import shapely

    from tbgeo.store.gpkg import GpkgStore

    path = tmp_path / "w.gpkg"
    ws = GpkgStore.open(path)
    shutil.copy(path, tmp_path / "backup.gpkg")
    ws.add_proposal(shapely.box(590_000, 2_262_000, 590_500, 2_262_400), name="A", attributes={})
    with_a = ws.revision()
    shutil.copy(tmp_path / "backup.gpkg", path)  # restore
    ws.add_proposal(shapely.box(591_000, 2_263_000, 591_500, 2_263_400), name="B", attributes={})
    assert ws.revision() != with_a
    seen = {with_a, ws.revision()}
    for _ in range(3):  # deleted and made anew, within the same second
        path.unlink()
        ws = GpkgStore.open(path)
        ws.add_proposal(shapely.box(590_000, 2_262_000, 590_500, 2_262_400), name="A", attributes={})
        assert ws.revision() not in seen
        seen.add(ws.revision())


# -- issue 10 §4: a lock held by another program gives "busy" within a bounded wait ------------------
@pytest.mark.parametrize("mode", ["IMMEDIATE", "EXCLUSIVE"])
def test_a_locked_store_is_busy_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str) -> None:
    from tbgeo.errors import StoreBusyError

    monkeypatch.setenv("TBGEO_LOCK_WAIT", "0.3")
    path = tmp_path / "w.gpkg"
    ws = GpkgStore.open(path)
    p = ws.add_proposal(shapely.box(600_000, 2_250_000, 600_500, 2_250_400), name="Khu A", status="submitted")
    raw = path.read_bytes()
    release, th = hold_store(path, mode)
    try:
        changes = [
            lambda: proposals.set_status(ws, p.id, "approved", actor=single_user("Lãnh đạo Sở")),
            lambda: ws.add_comment(p.id, "Đồng ý"),
            lambda: ws.add_proposal(shapely.box(601_000, 2_250_000, 601_500, 2_250_400), name="Khu B"),
            lambda: proposals.save_site(ws, p.geometry, name="Khu A2", attributes={}, report={"verdict": "ok"},
                                        proposal_id=p.id),
        ]
        for change in changes:
            with pytest.raises(StoreBusyError) as err:
                change()
            assert err.value.message("vi").startswith("Kho dữ liệu đang bận (một chương trình khác đang ghi vào đó")
            assert "đã chờ 0 giây" in err.value.message("vi")
            assert err.value.message("en").startswith("The store is busy (another program is writing to it")
            assert "Try again in a moment" in err.value.message("en")
        if mode == "EXCLUSIVE":  # an exclusive lock also blocks reads: busy, not sqlite3.OperationalError
            with pytest.raises(StoreBusyError) as err:
                ws.proposals()
            assert err.value.message("en").startswith("The store is busy (another program is writing to it")
    finally:
        release.set()
        th.join(10)
    assert path.read_bytes() == raw  # nothing was written
    assert ws.proposal(p.id).status == "submitted" and len(ws.proposals()) == 1


def test_the_file_lock_has_a_timeout_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fcntl

    from tbgeo.errors import StoreBusyError

    monkeypatch.setenv("TBGEO_LOCK_WAIT", "0.2")
    path = tmp_path / "w.gpkg"
    ws = GpkgStore.open(path)
    with open(path.with_name(path.name + ".lock"), "a+") as fh:  # another process's change in progress
        fcntl.flock(fh, fcntl.LOCK_EX)
        other = GpkgStore(path)
        import os

        pid = os.fork()
        if pid == 0:  # the child is "another tbgeo": it must give up with busy
            try:
                other.add_proposal(shapely.box(600_000, 2_250_000, 600_500, 2_250_400), name="X")
                os._exit(0)
            except StoreBusyError:
                os._exit(7)
            except BaseException:
                os._exit(9)
        _, status = os.waitpid(pid, 0)
        fcntl.flock(fh, fcntl.LOCK_UN)
    assert os.waitstatus_to_exitcode(status) == 7
    assert ws.proposals() == []


def test_lock_wait_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from tbgeo.store import lock_wait

    monkeypatch.delenv("TBGEO_LOCK_WAIT", raising=False)
    assert lock_wait() == 5.0
    monkeypatch.setenv("TBGEO_LOCK_WAIT", "1.5")
    assert lock_wait() == 1.5
    monkeypatch.setenv("TBGEO_LOCK_WAIT", "soon")
    assert lock_wait() == 5.0


def test_imports_and_rollbacks_on_a_locked_store_are_busy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tbgeo.errors import StoreBusyError

    monkeypatch.setenv("TBGEO_LOCK_WAIT", "0.3")
    path = tmp_path / "w.gpkg"
    ws = GpkgStore.open(path)
    ws.add_layer_version("industrial_parks", _parks(2), source_name="a.zip", sha256="a")
    raw = path.read_bytes()
    release, th = hold_store(path, "IMMEDIATE")  # QGIS editing the GeoPackage
    try:
        with pytest.raises(StoreBusyError) as err:
            ws.add_layer_version("industrial_parks", _parks(3), source_name="b.zip", sha256="b")
        assert err.value.message("en").startswith("The store is busy")
        with pytest.raises(StoreBusyError) as err:
            ws.set_active("industrial_parks", None)
        assert err.value.key == "workspace.busy" and err.value.message("vi").startswith("Kho dữ liệu đang bận")
    finally:
        release.set()
        th.join(10)
    assert path.read_bytes() == raw
    assert [v.version for v in ws.versions("industrial_parks")] == [1] and ws.active_version("industrial_parks").version == 1


def test_a_store_not_made_yet_answers_as_an_empty_one_and_is_not_made_by_asking(tmp_path: Path) -> None:
    from tbgeo.store import open_store

    path = tmp_path / "none" / "w.gpkg"
    store = open_store(path, create=False)
    assert store.proposals() == [] and store.versions("industrial_parks") == []
    assert store.active_version("industrial_parks") is None and store.find_proposal(1) is None
    assert store.state() == ("", "0", {}) and store.revision() == "0" and store.audit() == []
    assert len(store.proposals_frame()) == 0 and store.proposals_frame().crs.to_epsg() == 9209
    with pytest.raises(InputError) as err:
        store.proposal(7)
    assert err.value.message("vi") == "Không có dự án đề xuất số 7."
    with pytest.raises(InputError) as err:
        store.read_version("industrial_parks", 2)
    assert err.value.message("en") == "Layer “industrial_parks” has no version 2."
    with pytest.raises(InputError) as err:
        store.set_active("industrial_parks", 2, user="gis")
    assert err.value.message("vi") == "Lớp «industrial_parks» không có phiên bản 2."
    assert not path.exists() and not path.parent.exists()
