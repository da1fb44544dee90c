"""Pairings (结对共建): reads, suggestions, forms, tables, filters and the export.

The models live in `demonstration/models/pairing.py`, the writes in
`demonstration/services/pairing.py`, the pages in `demonstration/views/pairing.py`.
"""
