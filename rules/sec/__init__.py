"""SEC rules: one module per rule."""
