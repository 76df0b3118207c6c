"""Notifications: an in-app inbox for every user, and the channels that carry a notification
further (mail now; SMS or WeChat later are one more ``Channel`` class each).

A notification stores its ``kind`` and plain ``params``, never a sentence: the inbox page and
the mail renderer word it in the reader's language (``web/pages/inbox.py``). ``sent_reminders``
holds one row per reminder ever sent, under a UNIQUE key, so ``tradebase reminders send``
(``reminders/service.py``) sends each at most once, also when two runs overlap.
"""
