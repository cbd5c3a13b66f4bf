"""Offline prompt testing: question suites run through the production chain, measured and compared."""
