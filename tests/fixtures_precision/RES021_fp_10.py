# From changedetection.io 0.60.10, changedetectionio/llm/evaluator.py:477
# Best-effort estimate documented as never raising: 0.0 for an unknown model is the intended answer.
def estimate_cost(model, input_tokens, output_tokens):
    """Never raises."""
    try:
        from litellm.cost_calculator import cost_per_token
        prompt_cost, completion_cost = cost_per_token(model=model, prompt_tokens=input_tokens,
                                                      completion_tokens=output_tokens)
        return float(prompt_cost + completion_cost)
    except Exception:
        return 0.0
