"""Reports: numbers the government, the ministers and the social partners ask for (the C144
annual report, commitments kept, participation), each a page and a file in four formats.

`common.py` holds what every report reads (a period, a year, a body) and what it gives
(`ReportFile`: a printable layout and spreadsheet tables); `exports.py` writes the files;
`charts.py` draws the charts as SVG. Each report has its own module (the queries and the
layout) and its own `<name>_routes.py`.
"""
