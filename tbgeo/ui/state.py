"""Session-state keys in one place: every key a page reads or writes, its widgets' keys included."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Key"]


class Key(StrEnum):
    """Every session-state key of the app (a widget's key is one too); pages use no raw strings."""

    LANG = "lang"
    #: The page's translator of Streamlit's own English (tbgeo.ui.localize).
    LOCALIZE = "tbgeo_localize"
    # the address (tbgeo.ui.address)
    #: Set once the session's first run has read the address.
    ADDRESS_READ = "address_read"
    #: What the address asked of the map ({layers, base, view}), until the map page takes it.
    ADDRESS_MAP = "address_map"
    #: {url path: st.Page} of the pages this session's navigation holds (for links between pages).
    NAV_PAGES = "nav_pages"
    IDENTITY = "identity"
    SIGNIN_FORM = "signin"
    SIGNIN_NAME = "signin_name"
    SIGNIN_PASSWORD = "signin_password"
    VISIBLE_LAYERS = "visible_layers"
    BASEMAP = "basemap"
    # map page: place search
    PLACE_QUERY = "map_place_query"
    PLACE_CHOICE = "map_place_choice"
    # map page: the map, what was clicked on it, the attribute table and zooming
    #: The map frame component (tbgeo.ui.mapframe).
    MAP_FRAME = "map_frame"
    #: The last click on the map ({"lat", "lng", "zoom"}), identified below the map.
    MAP_CLICK = "map_click"
    MAP_IDENTIFY_CLEAR = "map_identify_clear"
    #: The stored proposals' own layer on the map, and whether drafts are drawn on it.
    MAP_PROPOSALS = "map_proposals"
    MAP_PROPOSAL_DRAFTS = "map_proposal_drafts"
    MAP_ZOOM_TO = "map_zoom_to"
    MAP_TABLE_LAYER = "map_table_layer"
    MAP_TABLE_FILTER = "map_table_filter"
    #: Prefix of the attribute table (one per layer and filter).
    MAP_TABLE = "map_table"
    #: The row labels of the table as shown (its selection gives a position in it).
    MAP_TABLE_ROWS = "map_table_rows"
    #: What the map zooms to: None, ("layer", id) or ("feature", layer id, row).
    MAP_FOCUS = "map_focus"
    #: (the map page it was for, the view it opens at: (lat, lng, zoom), or None: as built), and
    #: where the user moved the map.
    MAP_VIEW_START = "map_view_start"
    MAP_VIEW = "map_view"
    # review page: the site, its review and where it was saved
    #: The site under review (EPSG:9209).
    REVIEW_SITE = "review_site"
    #: Where it came from: draw, file name, coordinates.
    REVIEW_SITE_SOURCE = "review_site_source"
    #: Notes of reading it (tbgeo.review.site_input notes).
    REVIEW_SITE_NOTES = "review_site_notes"
    #: The name the site file gave it.
    REVIEW_SITE_NAME = "review_site_name"
    #: The site's id in the address (tbgeo.ui.address.store_site) and the site it names.
    REVIEW_SITE_ID = "review_site_id"
    REVIEW_SITE_ID_OF = "review_site_id_of"
    #: The address named a site this server no longer keeps (said once on the review page).
    REVIEW_SITE_LOST = "review_site_lost"
    #: The last drawing taken from the map (so a rerun does not take it again).
    REVIEW_LAST_DRAW = "review_last_draw"
    #: The last Report.
    REVIEW_REPORT = "review_report"
    #: The tbgeo.proposals.Saved of the last review.
    REVIEW_SAVED = "review_saved"
    #: {site key: proposal id} of the sites saved in this session.
    REVIEW_STORED_SITES = "review_stored_sites"
    #: The printable sheet of the last report.
    REVIEW_SHEET_PDF = "review_sheet_pdf"
    REVIEW_SHEET_SIZE = "review_sheet_size"
    REVIEW_SHEET_MADE_SIZE = "review_sheet_made_size"
    # review page: widgets
    REVIEW_UPLOAD = "review_upload"
    REVIEW_UPLOAD_CRS = "review_upload_crs"
    REVIEW_USE_FILE = "review_use_file"
    REVIEW_COORDS_SYSTEM = "review_coords_system"
    REVIEW_COORDS = "review_coords"
    REVIEW_USE_COORDS = "review_use_coords"
    REVIEW_MAP = "review_map"
    REVIEW_FORM = "review_form"
    REVIEW_NAME = "review_name"
    REVIEW_INVESTOR = "review_investor"
    REVIEW_SECTOR = "review_sector"
    REVIEW_WORKFORCE = "review_workforce"
    REVIEW_INVESTMENT = "review_investment"
    REVIEW_GAS = "review_gas"
    REVIEW_TECHNOLOGY = "review_technology"
    REVIEW_RATE = "review_rate"
    REVIEW_PRICE = "review_price"
    REVIEW_PANEL = "review_panel"
    REVIEW_DL_JSON = "review_dl_json"
    REVIEW_DL_CSV = "review_dl_csv"
    REVIEW_DL_GEOJSON = "review_dl_geojson"
    REVIEW_SHEET_MAKE = "review_sheet_make"
    REVIEW_DL_SHEET = "review_dl_sheet"
    REVIEW_PROPOSALS_TABLE = "review_proposals_table"
    REVIEW_PICK = "review_pick"
    REVIEW_HISTORY = "review_history"
    REVIEW_CHANGES = "review_changes"
    REVIEW_RECHECK = "review_recheck"
    REVIEW_DECISION = "review_decision"
    REVIEW_NEW_STATUS = "review_new_status"
    REVIEW_COMMENT = "review_comment"
    REVIEW_OVERRIDE_REASON = "review_override_reason"
    REVIEW_SEEN = "review_seen"
    REVIEW_LEDGER = "review_ledger"
    REVIEW_LEDGER_BY = "review_ledger_by"
    #: The "save as a draft" button under a report: nothing is stored until it is pressed.
    REVIEW_SAVE = "review_save"
    #: The proposal opened into the review form (its number), and the buttons that open and tidy one.
    REVIEW_REOPENED = "review_reopened"
    #: The draft reopened into the form and being edited (its number, and its row_version as opened):
    #: saving updates it even when its outline is drawn anew; "save as a new draft" ends the editing.
    REVIEW_EDITING = "review_editing"
    REVIEW_SAVE_NEW = "review_save_new"
    REVIEW_REOPEN = "review_reopen"
    REVIEW_ARCHIVE = "review_archive"
    REVIEW_DELETE = "review_delete"
    REVIEW_RESTORE = "review_restore"
    #: What the last tidying did (message key, proposal number), said once after the rerun.
    REVIEW_TIDIED = "review_tidied"
    REVIEW_SHOW_HIDDEN = "review_show_hidden"
    # upload page
    UPLOAD_PLAN = "upload_plan"
    # upload page (tbgeo.ui.ingest_state keeps one upload and one plan per session under these)
    #: {name, path (None once released), sha} of the uploaded file.
    INGEST_FILE = "ingest_file"
    #: (sha, the upload's datasets/layers).
    INGEST_OPTIONS = "ingest_options"
    #: (cache key, SourceData): the one read upload of this session.
    INGEST_SOURCE = "ingest_source"
    #: (cache key, ImportPlan): the one plan of this session.
    INGEST_PLAN = "ingest_plan"
    #: (cache key, summary of the plan as detected): small, no frames.
    INGEST_BASE = "ingest_base"
    #: The last ImportResult as a dict.
    INGEST_RESULT = "ingest_result"
    #: Generation of the file widget (a new one after an import); its key's prefix.
    INGEST_UPLOADER = "ingest_uploader"
    INGEST_LAYER = "ingest_layer"
    INGEST_SOURCE_LAYER = "ingest_source_layer"
    INGEST_CRS = "ingest_crs"
    INGEST_CRS_OK = "ingest_crs_ok"
    #: Prefix: one widget per text column.
    INGEST_ENCODING = "ingest_encoding"
    INGEST_INSIST = "ingest_insist"
    #: Prefix: one rollback choice per state of the layer (its versions, the active one).
    INGEST_ROLLBACK = "ingest_rollback"
    INGEST_EXPORT_FORMAT = "ingest_export_format"
    #: (layer, format, file name, bytes) of the last prepared export.
    INGEST_EXPORT = "ingest_export"
    #: The page's own checkboxes.
    INGEST_SWAP_AXES = "ingest_swap_axes"
    INGEST_SKIP_OTHER_TYPES = "ingest_skip_other_types"
    #: Prefix: one column-mapping widget per field.
    INGEST_MAP = "ingest_map"
    #: How the file changes the layer (replace, append, update), the key column, the confirmation of a
    #: replace that removes features.
    INGEST_MODE = "ingest_mode"
    INGEST_KEY = "ingest_key"
    INGEST_CONFIRM_REMOVAL = "ingest_confirm_removal"
    #: (cache key, ImportDiff, warnings): the difference shown for the current choices (no frames).
    INGEST_DIFF = "ingest_diff"
    #: A message shown once after a rerun (the rollback done).
    INGEST_FLASH = "ingest_flash"
    #: The result panel's buttons.
    INGEST_AGAIN = "ingest_again"
    # print page
    PRINT_RESULT = "print_result"
    #: The print page's coordinate box (four fields: f"{PRINT_BOX}_xmin" …).
    PRINT_BOX = "print_box"
    PRINT_ADMIN_HEADING = "print_admin_heading"
    # map page: prefix of the layer toggles (one per layer)
    MAP_LAYER = "layer"
    # data sources page; DATA_CLASSES is a prefix (one per raster layer)
    DATA_LAYERS = "data_layers"
    DATA_CLASSES = "data_classes"
    # search page: the result and what was made of it
    #: The last SearchResult.
    SEARCH_RESULT = "search_result"
    #: {site key: proposal id} of the candidates saved in this session.
    SEARCH_SAVED = "search_saved"
    #: (rank, sheet) of the last candidate's printable sheet.
    SEARCH_SHEET = "search_sheet"
    #: (result id, rows) of the last sensitivity run.
    SEARCH_SENSITIVITY = "search_sensitivity"
    #: (result id, sheet) of the printed result.
    SEARCH_PRINT_SHEET = "search_print_sheet"
    # search page: widgets; SEARCH_WEIGHT and SEARCH_AHP are prefixes (one widget per factor, per pair)
    SEARCH_SECTOR = "search_sector"
    SEARCH_AREA = "search_area"
    SEARCH_NAME = "search_name"
    SEARCH_SHAPE = "search_shape"
    SEARCH_RATIO = "search_ratio"
    SEARCH_WORKFORCE = "search_workforce"
    SEARCH_TECHNOLOGY = "search_technology"
    SEARCH_GAS = "search_gas"
    SEARCH_INSIDE = "search_inside"
    SEARCH_ALLOW_LUC = "search_allow_luc"
    SEARCH_WEIGHTS_MODE = "search_weights_mode"
    SEARCH_CELL = "search_cell"
    SEARCH_TOP = "search_top"
    SEARCH_RUN = "search_run"
    SEARCH_MAP = "search_map"
    SEARCH_PICK = "search_pick"
    SEARCH_SAVE = "search_save"
    SEARCH_SHEET_MAKE = "search_sheet_make"
    SEARCH_SHEET_DL = "search_sheet_dl"
    SEARCH_SENS_RUN = "search_sens_run"
    SEARCH_DL_GPKG = "search_dl_gpkg"
    SEARCH_DL_GEOJSON = "search_dl_geojson"
    SEARCH_DL_CSV = "search_dl_csv"
    SEARCH_PRINT = "search_print"
    SEARCH_PRINT_DL = "search_print_dl"
    SEARCH_WEIGHT = "search_w"
    SEARCH_AHP = "search_ahp"
