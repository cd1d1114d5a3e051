"""Public pages for subscribers and staff pages for the practice."""
