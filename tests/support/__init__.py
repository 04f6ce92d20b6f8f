"""What the test tiers share: running the bot in-process or as a process, seeding
databases, what members do through the local Discord, test doubles. No tests here."""
