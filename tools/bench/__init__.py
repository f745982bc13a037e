"""``make bench``: a data set at association scale, generated with the project's own models and rules, and the
pages, searches, sweeps, PDFs and import measured side by side with the Django admin and raw SQL."""
