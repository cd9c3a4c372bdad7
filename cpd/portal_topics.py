"""The kinds of email CPD sends that a person may turn off (declared in cpd/portal.py)."""

EMAIL_CPD_OFFERS = "cpd_offers"
