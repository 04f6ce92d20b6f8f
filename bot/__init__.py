"""Sciatica Companion: a Discord bot for wellness communities."""

__version__ = "0.1.0"
