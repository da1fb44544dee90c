"""The Excel import of enterprises and pilots, one module per step: read (the workbook; headers
finds its header row, rows streams the rows below it), check (each row, against the reference
data of lookups), plan (the preview), batches (an upload kept and previewed), apply (confirm;
write writes the enterprise list's rows) and undo, workbooks (template and error workbook),
views (the pages); columns lets a higher layer add a column, kinds another kind of list (media
reports: promotion/imports/)."""
