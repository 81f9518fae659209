# From langchain-community 0.4.2, langchain_community/utilities/anthropic.py:13.
# The client is only used for local tokenization (count_tokens / get_tokenizer): no request is
# ever sent through it, so a request timeout protects nothing.
import anthropic


def _get_anthropic_client():
    return anthropic.Anthropic()


def get_num_tokens_anthropic(text: str) -> int:
    client = _get_anthropic_client()
    return client.count_tokens(text=text)


def get_token_ids_anthropic(text: str) -> list[int]:
    client = _get_anthropic_client()
    tokenizer = client.get_tokenizer()
    return tokenizer.encode(text).ids
