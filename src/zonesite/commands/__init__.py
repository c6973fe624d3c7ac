"""The commands besides build and check: the preview, scaffolding, translation status."""
