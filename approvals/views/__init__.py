"""Views of eSecure: links.py (e-mailed decision links), area.py (the admins' tabs)."""
