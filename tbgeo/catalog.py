"""Read ``layers/*.toml`` into validated Layer objects and resolve each layer's data and active version."""

from __future__ import annotations

import tomllib
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, cast

from pyproj import CRS

from tbgeo import diskcache, settings
from tbgeo.errors import CatalogError, StoreBusyError, TbgeoError
from tbgeo.i18n.params import Bilingual
from tbgeo.store import Store, open_store
from tbgeo.store.records import LAYER_ID

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "layer_name",
    "GROUPS",
    "KINDS",
    "GEOMETRY_TYPES",
    "Layer",
    "RasterClass",
    "Catalog",
    "load_catalog",
    "parse_layer_file",
]


def _gdal() -> ModuleType:
    # warm start: GDAL's packages (geopandas, pyogrio, rasterio) load only when a layer file is read
    from tbgeo import gdalfiles

    return gdalfiles


GROUPS = ("administrative", "industry", "agriculture", "energy", "landuse", "base")
KINDS = ("vector", "raster")
GEOMETRY_TYPES = ("Polygon", "LineString", "Point")

_REQUIRED = (
    "id",
    "title_vi",
    "title_en",
    "group",
    "kind",
    "source",
    "crs",
    "citation",
    "provenance_vi",
    "provenance_en",
    "accuracy_vi",
    "accuracy_en",
)
_OPTIONAL = ("geometry_type", "order", "default_visible", "label_field", "style", "popup", "raster_classes", "optional")
_STYLE_KEYS = (
    "color",
    "weight",
    "fill_color",
    "fill_opacity",
    "opacity",
    "dash_array",
    "radius",
    "class_field",
    "classes",
)
#: ``aliases``: other words GIS staff write for the class (an import maps them to ``value``: tbgeo.ingest.steps.classes)
_CLASS_KEYS = ("value", "label_vi", "label_en", "aliases", "color", "fill_color", "dash_array", "weight", "radius")
_POPUP_KEYS = ("field", "label_vi", "label_en")
_RASTER_CLASS_KEYS = ("value", "code", "label_vi", "label_en", "color", "rice")


@dataclass(frozen=True)
class RasterClass:
    """One value of a classified raster: its land-use code, labels and colour."""

    value: int
    code: str
    label_vi: str
    label_en: str
    color: str
    rice: bool = False

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_vi


@dataclass(frozen=True)
class Layer:
    """One map layer as declared in ``layers/<id>.toml``."""

    id: str
    title_vi: str
    title_en: str
    group: str
    kind: str
    source: str
    crs: str
    citation: str
    provenance_vi: str
    provenance_en: str
    accuracy_vi: str
    accuracy_en: str
    geometry_type: str | None = None
    order: int = 50
    default_visible: bool = True
    label_field: str | None = None
    style: dict[str, Any] = field(default_factory=dict)
    popup: tuple[dict[str, str], ...] = ()
    raster_classes: tuple[RasterClass, ...] = ()
    file: Path | None = None
    #: An optional layer ships no data: it exists once GIS staff import a version (e.g. communes_2025).
    optional: bool = False
    #: Where the layer's imported versions are: the catalog's store (``Catalog(layers, store=...)``);
    #: unset (a layer parsed alone), the configured one, ``open_store(create=False)``.
    store_source: Callable[[], Store] | None = field(default=None, compare=False, repr=False)

    # -- text -------------------------------------------------------------------------------
    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_vi

    def named(self) -> Bilingual:
        """The layer's title as a message parameter (said in the reader's language, never its id)."""
        return Bilingual(self.title_vi, self.title_en)

    def provenance(self, lang: str) -> str:
        return self.provenance_en if lang == "en" else self.provenance_vi

    def accuracy(self, lang: str) -> str:
        return self.accuracy_en if lang == "en" else self.accuracy_vi

    # -- data -------------------------------------------------------------------------------
    @property
    def path(self) -> Path:
        """The shipped data file: an absolute ``source``, or one relative to the project
        (``data/districts.geojson``), found in the checkout or the installed package."""
        p = Path(self.source)
        if p.is_absolute():
            return p
        kind, *rest = p.parts
        return settings.shipped(kind, Path(*rest)) if kind in settings.KINDS and rest else settings.PROJECT_DIR / p

    def has_data(self) -> bool:
        """Whether there is data to read: the shipped file or an active workspace version."""
        return self.path.is_file() or self.active_version() is not None

    def store(self) -> Store:
        """The store holding this layer's imported versions (the catalog's)."""
        return self.store_source() if self.store_source is not None else open_store(create=False)

    def active_version(self) -> Any | None:
        """The workspace version that replaces the shipped data, or None when the shipped data is used.

        For the land-use raster an imported version is a polygon layer (see tbgeo.landuse).
        """
        return self.store().active_version(self.id)

    def read(self, *, crs: str | CRS | None = None, shipped: bool = False) -> gpd.GeoDataFrame:
        """The layer's features (the active workspace version when there is one), optionally reprojected."""
        if self.kind != "vector":
            raise CatalogError("catalog.bad_value", file=self.id, key="kind", value=self.kind, allowed="vector")
        version = None if shipped else self.active_version()
        if version is not None:
            gdf = self.store().read_version(self.id, version.version)
        else:
            gdf = _gdal().read_vector(self.path)
            if gdf.crs is None:
                gdf = gdf.set_crs(self.crs)
        return gdf.to_crs(crs) if crs is not None else gdf

    def feature_count(self) -> int | None:
        """Number of features (None for rasters)."""
        if self.kind != "vector":
            return None
        version = self.active_version()
        if version is not None:
            return int(version.features)
        return int(_gdal().vector_info(self.path)["features"])

    def style_for(self, value: Any = None) -> dict[str, Any]:
        """The base style, overlaid with the class style for ``value`` when the layer is classified."""
        base = {k: v for k, v in self.style.items() if k not in ("classes", "class_field")}
        for cls in self.style.get("classes", ()):
            if value is not None and str(cls.get("value")) == str(value):
                base.update({k: v for k, v in cls.items() if k not in ("value", "label_vi", "label_en", "aliases")})
        return base

    def to_dict(self, lang: str = "vi") -> dict[str, Any]:
        """The JSON listing row of ``tbgeo layers --format json``."""
        version = self.active_version()
        present = not self.optional or self.has_data()
        return {
            "id": self.id,
            "title_vi": self.title_vi,
            "title_en": self.title_en,
            "title": self.title(lang),
            "group": self.group,
            "kind": self.kind,
            "geometry_type": self.geometry_type,
            "features": self.feature_count() if present else None,
            # an optional layer (communes_2025) ships no data: listed, with whether it has been imported
            "optional": self.optional,
            "imported": version is not None,
            "crs": self.crs,
            "source": f"workspace:{self.id}@v{version.version}" if version is not None else (self.source if present else "—"),
            "provenance": self.provenance(lang),
            "accuracy": self.accuracy(lang),
            "citation": self.citation,
        }


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    if isinstance(value, dict):
        return {k: _nfc(v) for k, v in value.items()}
    return value


def _check_keys(data: dict[str, Any], allowed: tuple[str, ...], file: str, prefix: str = "") -> None:
    for key in data:
        if key not in allowed:
            raise CatalogError(
                "catalog.unknown_key", file=file, key=prefix + key, allowed=", ".join(allowed)
            )


def _geometry_base(name: str | None) -> str | None:
    if name is None:
        return None
    name = name.replace(" Z", "").replace("25D", "").strip()
    return name[5:] if name.startswith("Multi") else name


def parse_layer_file(path: Path, *, check_data: bool = True) -> Layer:
    """One ``layers/<id>.toml`` as a Layer; raises CatalogError naming the file and the key.

    The check of the data file (it exists; its CRS, geometry type and fields match) is remembered in
    ``tbgeo.diskcache`` for as long as neither file nor tbgeo changes, so a start of the app
    does not need GDAL for it.
    """
    fname = path.name
    try:
        with path.open("rb") as fh:
            data = _nfc(tomllib.load(fh))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CatalogError("catalog.file_unreadable", file=fname, detail=str(exc)) from exc
    _check_keys(data, _REQUIRED + _OPTIONAL, fname)
    for key in _REQUIRED:
        if key not in data or data[key] in ("", None):
            raise CatalogError("catalog.missing_key", file=fname, key=key)
    if data["id"] != path.stem:
        raise CatalogError("catalog.id_mismatch", file=fname, value=data["id"], expected=path.stem)
    if not LAYER_ID.fullmatch(str(data["id"])):
        raise CatalogError("catalog.bad_id", file=fname, value=data["id"])
    if data["group"] not in GROUPS:
        raise CatalogError("catalog.bad_value", file=fname, key="group", value=data["group"], allowed=", ".join(GROUPS))
    if data["kind"] not in KINDS:
        raise CatalogError("catalog.bad_value", file=fname, key="kind", value=data["kind"], allowed=", ".join(KINDS))
    if data["kind"] == "vector":
        gtype = data.get("geometry_type")
        if gtype is None:
            raise CatalogError("catalog.missing_key", file=fname, key="geometry_type")
        if gtype not in GEOMETRY_TYPES:
            raise CatalogError(
                "catalog.bad_value", file=fname, key="geometry_type", value=gtype, allowed=", ".join(GEOMETRY_TYPES)
            )
    try:
        declared_crs = CRS.from_user_input(data["crs"])
    except Exception as exc:  # pyproj raises CRSError with a long text
        raise CatalogError("catalog.bad_value", file=fname, key="crs", value=data["crs"], allowed="EPSG:4326, EPSG:9209") from exc
    style = dict(data.get("style", {}))
    _check_keys(style, _STYLE_KEYS, fname, "style.")
    for cls in style.get("classes", []):
        _check_keys(cls, _CLASS_KEYS, fname, "style.classes.")
    popup = tuple(data.get("popup", []))
    for item in popup:
        _check_keys(item, _POPUP_KEYS, fname, "popup.")
        if "field" not in item:
            raise CatalogError("catalog.missing_key", file=fname, key="popup.field")
    rclasses = []
    for item in data.get("raster_classes", []):
        _check_keys(item, _RASTER_CLASS_KEYS, fname, "raster_classes.")
        for key in ("value", "code", "label_vi", "label_en", "color"):
            if key not in item:
                raise CatalogError("catalog.missing_key", file=fname, key=f"raster_classes.{key}")
        rclasses.append(RasterClass(**item))
    layer = Layer(
        **{k: data[k] for k in _REQUIRED},
        geometry_type=data.get("geometry_type"),
        order=int(data.get("order", 50)),
        default_visible=bool(data.get("default_visible", True)),
        label_field=data.get("label_field"),
        style=style,
        popup=popup,
        raster_classes=tuple(rclasses),
        file=path,
        optional=bool(data.get("optional", False)),
    )
    if check_data and not (layer.optional and not layer.path.exists()):
        digest = diskcache.key(
            "catalog", diskcache.code_version(), diskcache.file_stamp(path), diskcache.file_stamp(layer.path)
        )
        if not diskcache.has("catalog", digest):
            _check_data(layer, declared_crs, fname)
            diskcache.mark("catalog", digest)
    return layer


def _check_data(layer: Layer, declared: CRS, fname: str) -> None:
    actual: CRS | None
    src = layer.path
    if not src.exists():
        raise CatalogError("catalog.missing_source", file=fname, path=layer.source)
    if layer.kind == "vector":
        info = _gdal().vector_info(src)
        actual = CRS.from_user_input(info["crs"]) if info["crs"] else CRS.from_epsg(4326)
        gtype = _geometry_base(info["geometry_type"])
        if gtype != layer.geometry_type:
            raise CatalogError(
                "catalog.wrong_geometry", file=fname, actual=info["geometry_type"], expected=layer.geometry_type
            )
        fields = [str(f) for f in info["fields"]]
        named = [("popup.field", p["field"]) for p in layer.popup]
        named += [("style.class_field", layer.style["class_field"])] if layer.style.get("class_field") else []
        named += [("label_field", layer.label_field)] if layer.label_field else []
        for key, field_name in named:
            if field_name not in fields:
                raise CatalogError(
                    "catalog.unknown_field", file=fname, key=key, value=field_name, path=layer.source, allowed=", ".join(fields)
                )
    else:
        actual = _gdal().raster_crs(src)
        if actual is None:
            raise CatalogError("catalog.wrong_crs", file=fname, actual="—", expected=layer.crs)
    if not actual.equals(declared, ignore_axis_order=True):
        epsg = actual.to_epsg()
        raise CatalogError(
            "catalog.wrong_crs", file=fname, actual=f"EPSG:{epsg}" if epsg else actual.name, expected=layer.crs
        )


class Catalog:
    """All layers, in draw order. Optional layers (``optional = true``, no shipped data) are not
    among them: ``get`` and ``has_data`` reach them, so they can be imported and read once they
    have a version, but the map, the printer and the listings do not show them.

    ``store`` is where the layers' imported versions are read from: a store (``open_store()``), or a
    function giving one when asked; by default the configured store, opened when a layer asks
    (``open_store(create=False)``: a store not made yet reads as one without versions).
    """

    def __init__(self, layers: list[Layer], optional: list[Layer] | None = None, *,
                 store: Store | Callable[[], Store] | None = None) -> None:
        if store is None:
            source: Callable[[], Store] = _configured_store
        elif hasattr(store, "active_version"):  # a store, not a function giving one
            bound = cast(Store, store)
            source = lambda: bound  # noqa: E731 - a store given is used as it is
        else:
            source = store
        self.store_source = source
        self.layers = sorted((replace(lyr, store_source=source) for lyr in layers), key=lambda lyr: (lyr.order, lyr.id))
        self.optional = sorted((replace(lyr, store_source=source) for lyr in optional or []), key=lambda lyr: lyr.id)
        self._by_id = {lyr.id: lyr for lyr in self.layers}
        self._optional = {lyr.id: lyr for lyr in self.optional}

    def store(self) -> Store:
        """The store the layers' imported versions (and the proposals shown with them) are read from."""
        return self.store_source()

    def __iter__(self) -> Iterator[Layer]:
        return iter(self.layers)

    def __len__(self) -> int:
        return len(self.layers)

    def __contains__(self, layer_id: object) -> bool:
        return layer_id in self._by_id

    @property
    def ids(self) -> list[str]:
        return [lyr.id for lyr in self.layers]

    def get(self, layer_id: str) -> Layer:
        try:
            return self._by_id[layer_id] if layer_id in self._by_id else self._optional[layer_id]
        except KeyError:
            allowed = ", ".join([*self.ids, *self._optional])
            raise CatalogError("catalog.unknown_layer", value=layer_id, allowed=allowed) from None

    def has_data(self, layer_id: str) -> bool:
        """Whether the layer (listed or optional) is declared and has data to read now."""
        if layer_id in self._by_id:
            return True
        layer = self._optional.get(layer_id)
        return layer is not None and layer.has_data()

    def shown(self) -> list[Layer]:
        """The layers the map can show now, in draw order: every listed layer and the optional ones
        GIS staff have imported (communes_2025 once its boundaries are in)."""
        try:
            extra = [lyr for lyr in self.optional if lyr.has_data()]
        except StoreBusyError:  # the store is locked (QGIS, a backup): the listed layers; reading them says busy
            extra = []
        return sorted([*self.layers, *extra], key=lambda lyr: (lyr.order, lyr.id)) if extra else list(self.layers)

    def by_group(self, *, shown: bool = False) -> dict[str, list[Layer]]:
        """Layers by theme; ``shown`` adds the imported optional layers (the map's toggles)."""
        out: dict[str, list[Layer]] = {g: [] for g in GROUPS}
        for lyr in self.shown() if shown else self.layers:
            out[lyr.group].append(lyr)
        return {g: v for g, v in out.items() if v}


def _configured_store() -> Store:
    return open_store(create=False)


def load_catalog(layers_dir: Path | None = None, *, check_data: bool = True,
                 store: Store | Callable[[], Store] | None = None) -> Catalog:
    """Every ``*.toml`` in ``layers_dir`` (default: the project's ``layers/``), validated; the layers'
    imported versions are read from ``store`` (default: the configured store, see ``Catalog``)."""
    folder = layers_dir or settings.shipped_dir("layers")
    layers: list[Layer] = []
    optional: list[Layer] = []
    seen: set[str] = set()
    for path in sorted(folder.glob("*.toml")):
        layer = parse_layer_file(path, check_data=check_data)
        if layer.id in seen:
            raise CatalogError("catalog.duplicate_id", value=layer.id, file=path.name)
        seen.add(layer.id)
        (optional if layer.optional else layers).append(layer)
    return Catalog(layers, optional, store=store)


def titled(exc: TbgeoError) -> TbgeoError:
    """``exc`` with its ``layer`` parameter said as the layer's title: the store names a layer by its id
    ("no version 7 of …", "… was changed meanwhile"), the reader is told its title."""
    layer = exc.params.get("layer")
    if isinstance(layer, str):
        exc.params["layer"] = layer_name(layer)
    return exc


def layer_name(layer_id: str) -> Bilingual | str:
    """A layer's title for a message, in the reader's language (its id when the catalog has none)."""
    try:
        return load_catalog(check_data=False).get(layer_id).named()
    except TbgeoError:
        return layer_id
