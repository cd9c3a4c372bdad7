"""Review reports as accessible PDFs: what a report says (content), its hash, the print renderer, the URL fetcher
that keeps rendering off the network, and the atomic storage of the files.

Services (reviews/services/reports.py) decide when to render; the Celery task (reviews/tasks/reports.py) calls
them on the `pdf` queue. Nothing here renders inside a web request.
"""
