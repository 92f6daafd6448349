"""What salesflow writes for people and other programs: CSV and JSON tables, the plan report
(HTML), the route map, route files (GeoJSON, GPX), the purchasing workbook and staffing charts.

Each module turns records into bytes; the plan store and the CLI decide where they go.
"""
