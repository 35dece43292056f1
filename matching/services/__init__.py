"""Services of the matching app, one module per workflow."""
