"""Data for the after-the-seminar tests (materials, feedback, certificates).

Events, registrations and organisers come from ``tests.factories``; an event that started
yesterday, with attendance, certificates and the survey open, is ``make_event(days_ahead=-1)``.
"""

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
