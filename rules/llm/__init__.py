"""LLM rules: one module per rule."""
