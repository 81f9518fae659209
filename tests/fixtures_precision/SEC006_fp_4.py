# From langchain-community 0.4.2, langchain_community/llms/sambanova.py:647.
# LangChain's `lc_secrets` maps a field name to the *name* of the secret (the value equals the key).
class SambaNova:
    @property
    def lc_secrets(self) -> dict:
        return {"sambanova_api_key": "sambanova_api_key"}
