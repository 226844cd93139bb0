"""The pre-connect lookup: an endpoint's latest stored judgement, served from memory."""
