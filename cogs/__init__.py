"""The features: one module (or one small package) each, loaded as discord.py extensions."""
