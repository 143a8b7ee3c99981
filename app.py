"""Streamlit entry point. Run with ``make run`` (or ``streamlit run app.py``).

This file has two roles:

* the server imports it once: ``streamlit run`` finds ``app = st.App(...)`` below and serves it, and
  the App's start-up hook warms the map's caches in the background while the first browser loads
  Streamlit's front end (see ``tbgeo.ui.warmup``);
* every page view runs it as the Streamlit script, which draws the navigation and the chosen page.
"""

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

if get_script_run_ctx(suppress_warning=True) is None:  # imported by the server, not run for a page view
    from tbgeo.ui.warmup import lifespan

    app = st.App(__file__, lifespan=lifespan)
else:
    from tbgeo.ui.app import run

    run()
