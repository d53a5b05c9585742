"""Live streams over ``/ws/v1/stream/``: audio in as it is spoken, window scores out (docs/streaming.md)."""
