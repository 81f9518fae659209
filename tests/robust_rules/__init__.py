"""Test-only rule modules (never registered in the real registry): deliberately broken rules."""
