"""Advisory tables: OSV records and the packages they affect, indexed for matching."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from trustsvc.store.db import Base, JsonColumn


class AdvisoryRow(Base):
    """One OSV record as last imported; a withdrawn record stays, marked, and matches nothing."""

    __tablename__ = "advisories"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    modified: Mapped[datetime]
    published: Mapped[datetime | None]
    withdrawn: Mapped[datetime | None]
    summary: Mapped[str | None] = mapped_column(Text)
    details: Mapped[str | None] = mapped_column(Text)
    severity_score: Mapped[float | None]
    severity_label: Mapped[str | None] = mapped_column(String(16))
    severity_source: Mapped[str | None] = mapped_column(String(32))
    cvss_vector: Mapped[str | None] = mapped_column(String(512))
    aliases: Mapped[list[str]] = mapped_column(JsonColumn)
    references: Mapped[list[str]] = mapped_column(JsonColumn)
    source: Mapped[str] = mapped_column(String(2048))
    imported_at: Mapped[datetime]


class AdvisoryPackageRow(Base):
    """A package an advisory affects: its ranges and explicit versions, as OSV gives them."""

    __tablename__ = "advisory_packages"
    __table_args__ = (Index("ix_advisory_packages_package", "ecosystem", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    advisory_id: Mapped[str] = mapped_column(
        ForeignKey("advisories.id", ondelete="CASCADE"), index=True
    )
    ecosystem: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(256))
    ranges: Mapped[list[dict[str, Any]]] = mapped_column(JsonColumn)
    versions: Mapped[list[str]] = mapped_column(JsonColumn)
