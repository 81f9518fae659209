"""A small order-processing service used to demonstrate resilint."""
