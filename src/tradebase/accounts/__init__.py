"""Users, roles, sessions, API tokens, object-level permissions and the audit log."""
