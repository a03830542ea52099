"""Plain data the checks rely on, each entry citing its source: what DashScope's compatible mode
accepts (`dashscope`) and how the OpenAI SDK is spelled in code and configuration (`openai_sdk`).
Nothing here imports the rest of the package; `dashscope` reads OpenAI's hosts from `openai_sdk`,
which imports nothing."""
