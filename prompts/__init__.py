"""The prompt templates and question suites, shipped with the package as bot.prompt_files."""
