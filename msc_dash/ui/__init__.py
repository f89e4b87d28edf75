"""The Streamlit layer: the only part of msc_dash that imports streamlit.

Cached wrappers around the analysis package, the sidebar (data source,
filters, settings), session state and widgets shared by the pages.
"""
