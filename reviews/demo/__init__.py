"""The review workflow's demo data, run by the portal shell as three steps (reviews/portal.py), in this order:

- `cycles`: terms, reviewer training and this year's cycle with reviews at every stage of the workflow;
- `scheduling`: visit dates waiting for the demo headteacher's review team, a booked visit and its notifications;
- `reports`: final reports rendered and ready to download (with a past cycle first where there is none).
"""
