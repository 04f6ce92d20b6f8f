"""The data files read and checked (the learning library, sources, texts), what a
member typed made safe to show, lists cut into pages. Pure: may import nothing else of
the bot."""
