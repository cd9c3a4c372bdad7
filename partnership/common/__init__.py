"""Small helpers every app shares. Nothing here knows about a feature (reviews, schools, dashboards...):
`text` writes dates and lists as the portal's pages say them, `forms` puts a service's refusal in front of the
person, `http` follows a `next` address only within the portal."""
