"""The domain family: registration facts, lookalikes and other facts about the eTLD+1."""
