"""Every write of CPD: the programme (programme.py) and bookings (bookings.py, race-free)."""
