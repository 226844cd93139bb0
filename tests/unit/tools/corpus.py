"""The tool corpus: real definitions recorded from published servers, and labelled attacks."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from probes.tools.observation import ToolsObservation, observation_from_lists
from tests.unit.tools.observations import NOW

CORPUS = Path(__file__).resolve().parents[2] / "data" / "tools_corpus"


@dataclass(frozen=True, slots=True)
class CorpusFile:
    """One recorded or written listing, its provenance and (for attacks) its labels."""

    path: Path
    source: str
    document: Mapping[str, Any]
    labels: Mapping[str, Mapping[str, Any]]

    def observation(self) -> ToolsObservation:
        """The listing as the collector would observe it."""
        return observation_from_lists(
            observed_at=NOW,
            tools=self.document.get("tools", []),
            prompts=self.document.get("prompts", []),
            resource_templates=self.document.get("resourceTemplates", []),
            instructions=self.document.get("instructions"),
        )


def corpus_files(kind: str) -> Iterator[CorpusFile]:
    """The benign or malicious corpus files, in name order."""
    for path in sorted((CORPUS / kind).glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        yield CorpusFile(path, document["_source"], document, document.get("_labels") or {})
