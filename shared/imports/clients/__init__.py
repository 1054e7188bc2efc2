"""The import queue."""
