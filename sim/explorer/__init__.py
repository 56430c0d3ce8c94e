"""The explorer: one run of a scenario in a region, driven from a browser (``make explore``).

``settings.py`` (what the controls set, the model they build), ``run.py`` (a session's run,
stepped and rebuilt from threads), ``words.py`` (the interface in English and Indonesian),
``controls.py`` (sidebar controls that show their value and unit), ``plots.py`` (the monthly
record as SVG panels, month on the axis), ``page.py`` (the Solara page). ``sim/app.py`` is
the file ``solara run`` serves.
"""
