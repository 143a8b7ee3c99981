"""The site review: is this site allowed by the plan, and what does it take?

``run.review_site`` measures a site (districts, rice land) and runs every rule of ``rules/`` on it;
``report.Report`` says the result in Vietnamese or English; ``record`` stores it without language
(ids, numbers, typed parameters) and renders a stored one in the reader's language. ``model`` holds what rules read and
return, ``context`` the layers they read, ``config`` their thresholds, ``zonal`` exact land-use areas,
``codes`` the land-use code vocabulary, ``site_input`` how a site is read from what a planner gives,
and ``ledger`` the rice-land quota.
"""
