"""Numbers for the city and the press: aggregates, charts, the public results page and open data.

- ``aggregates``: every figure of one call, read in a constant number of grouped queries;
- ``public``: the subset anyone may see, with small cells suppressed (the one rule: ``suppress``);
- ``charts``: server-drawn SVG geometry (no JavaScript);
- ``views`` / ``urls``: the admin statistics page, the public results page, its CSV and JSON.
"""
