"""Every reminder of the platform, sent by one idempotent command (``tradebase reminders
send``): this context joins notifications with docking and the register, above both."""
