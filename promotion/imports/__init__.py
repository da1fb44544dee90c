"""Media reports from an Excel list: a kind of import (pilots.imports.kinds).

The shared machinery reads the file, keeps the batch and its plan, runs big files in the
background, asks before discarding or undoing and marks the errors in a workbook; this package
gives what is the reports' own, a module a step: the columns and the check of each row against
the database (check), the plan of the preview (plan), the writing of the confirmed plan through
promotion.services.report_write, as the form writes, and its undo (apply), and the template and
pages of the kind, which it registers (kind).

A report is matched by its title, outlet and date: sending the same list again updates the
reports it recorded the first time instead of recording them twice.
"""
