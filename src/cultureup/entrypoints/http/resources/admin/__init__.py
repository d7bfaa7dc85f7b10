"""/api/admin/: the staff console's API."""
