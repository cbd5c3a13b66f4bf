"""Article files -> cleaned passages -> Chroma; knows nothing of Telegram or LLMs."""
