"""RES rules: one module per rule."""
