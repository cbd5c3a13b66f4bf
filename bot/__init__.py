"""Question -> cited answer -> a front end (terminal, JSON, Telegram). May import index/."""
