"""OSV advisories: parsing records, matching package versions, and rating severity."""
