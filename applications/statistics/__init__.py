"""Numbers for the city and the press: aggregates, charts, the public results page and open data.

- ``aggregates``: every figure of one call, read in a constant number of grouped queries;
- ``suppression``: the one rule for small numbers (``suppress`` a count, ``complementary`` for a table);
- ``public``: the subset anyone may see, every table suppressed by that rule;
- ``charts``: server-drawn SVG geometry (no JavaScript);
- ``views`` / ``urls``: the admin statistics page, the public results page, its CSV and JSON.
"""
