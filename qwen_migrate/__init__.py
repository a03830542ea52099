"""qwen-migrate: lint and migrate OpenAI Python SDK code to Qwen models on DashScope."""

__version__ = "0.1.0"
