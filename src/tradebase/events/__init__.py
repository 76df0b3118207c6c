"""Events: docking days with 1:1 meetings, exhibitions, festivals abroad, competitions and
campaigns. ``scheduler.py`` is the pure engine that places accepted meeting requests into
slots and tables; the models, service and pages sit around it (docs/events.md)."""
