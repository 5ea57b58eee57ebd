"""The live classroom (issue 16): phones vote, the projector shows the room's choice.

``room`` holds the rules (pure), ``store`` keeps rooms (SQLite by default), ``server`` answers
the phones and the facilitator's control page from the same server as Voila, ``pages`` writes
the join and control pages. See ARCHITECTURE.md, "Live classroom".
"""

# What `waspada serve --live` tells Voila and every kernel (free of imports, so that a kernel
# can ask whether it is live without loading the store).
ENV_DB = "WASPADA_LIVE_DB"  # the room store's SQLite file
ENV_ORIGIN = "WASPADA_LIVE_ORIGIN"  # the address phones type, http://host:port
