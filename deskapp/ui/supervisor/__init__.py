"""The supervisor's views: review queue, dashboard, audit log, export, and a rep's own coaching."""
