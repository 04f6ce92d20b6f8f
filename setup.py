"""Packages are found, not listed: a new package in bot/ or cogs/ is installed without an edit.

The content files stay in data/ at the top of the checkout and are installed inside the bot
package as bot.data (package-dir and package-data in pyproject.toml); a package that lives
outside the folder it is named after is the one thing pyproject.toml's own finder cannot add.
"""

from setuptools import find_packages, setup

setup(packages=[*find_packages(include=["bot", "bot.*", "cogs", "cogs.*"]), "bot.data"])
