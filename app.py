"""Streamlit entry point: page navigation only. Run with ``make run`` (or ``streamlit run app.py``)."""

from tbgeo.ui.app import run

run()
