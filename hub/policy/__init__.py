"""The one place where access is decided. Services ask; they never decide themselves."""
