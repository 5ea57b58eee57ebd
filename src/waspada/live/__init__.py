"""The live classroom (issue 16): phones vote, the projector shows the room's choice.

``room`` holds the rules (pure), ``store`` keeps rooms (SQLite by default), ``server`` answers
the phones and the facilitator's control page from the same server as Voila, ``pages`` writes
the join and control pages. See ARCHITECTURE.md, "Live classroom".
"""
