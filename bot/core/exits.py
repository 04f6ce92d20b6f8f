"""Exit codes a service manager can act on (the BSD sysexits.h values systemd knows).

A configuration problem stays one until the operator fixes it, so restarting is pointless
(the README's unit stops on CONFIG and USAGE); a temporary one may clear by itself, so the
unit restarts the bot with back-off.
"""

from __future__ import annotations

from bot.storage import DatabaseError, DatabaseUnreachable

OK = 0
USAGE = 64  # EX_USAGE: the command line is wrong
CANT_CREATE = 73  # EX_CANTCREAT: an output file (a backup) cannot be created
TEMPORARY = 75  # EX_TEMPFAIL: Discord or the database cannot be reached now
CONFIG = 78  # EX_CONFIG: no or a rejected token, invalid settings, an unusable database


def for_database(error: DatabaseError) -> int:
    return TEMPORARY if isinstance(error, DatabaseUnreachable) else CONFIG
