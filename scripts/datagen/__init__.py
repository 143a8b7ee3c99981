"""The steps of scripts/build_data.py, one module each, in the order they run."""
