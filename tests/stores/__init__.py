"""The stores and the dispatcher on a real database, each backend in turn."""
