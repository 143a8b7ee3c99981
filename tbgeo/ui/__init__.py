"""Streamlit pages and widgets. Thin: they read widgets, call the package, render."""
