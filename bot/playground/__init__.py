"""The playground: the real bot against the local Discord, shown in a browser as Discord shows
it, so anyone can try every command without a Discord application or a token."""
