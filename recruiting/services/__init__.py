"""Write services of the recruiting app, one module per workflow."""
