"""Waspada: interactive, offline anti-trafficking training courses for Indonesia."""

__version__ = "0.1.0"
COURSE_ID = "waspada"
