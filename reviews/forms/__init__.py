"""Forms for the peer review: cycles (setting up), scheduling (visit dates) and visit (the review itself)."""
