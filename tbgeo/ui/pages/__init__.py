"""One module per page; see tbgeo.ui.app for the contract."""
