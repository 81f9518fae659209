"""DB rules: one module per rule."""
