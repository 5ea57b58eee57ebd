"""Exchange with other tools: Twine (Twee 3) import and export.

:mod:`waspada.interop.twee` holds pure functions (text in, text and problems out): its reader,
its writer and the hidden-block format are modules of their own;
:mod:`waspada.interop.commands` adds ``waspada import`` and ``waspada export`` to the command line.
"""
