"""Exchange with other tools: Twine (Twee 3) import and export.

:mod:`waspada.interop.twee` holds pure functions (text in, text and problems out);
:mod:`waspada.interop.commands` adds ``waspada import`` and ``waspada export`` to the command line.
"""
