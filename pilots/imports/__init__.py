"""The Excel import of enterprises and pilots, one module per step: read (the workbook), check
(each row), plan (the preview), apply (confirm and undo), workbooks (template and error
workbook), views (the pages); columns lets a higher layer add a column, kinds another kind of
list (media reports: promotion/imports.py)."""
