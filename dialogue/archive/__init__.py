"""The whole record out, as one archive, and back into an empty database."""
