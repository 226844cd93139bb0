"""The domain family: registration facts, DNS posture, reputation and lookalikes of the eTLD+1.

The family is assembled in `probes.domain.family` (kept out of this module so importing one
part does not import every other).
"""
