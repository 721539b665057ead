"""Analysis stages: one module per capability."""
