"""Disability: one section per outcome (see msc_dash.ui.domain)."""

from msc_dash.ui.domain import render_domain

render_domain("disability")
