"""Every table and public model; importing this registers all tables on the metadata."""

from app.models.analysis import (
    ArithmeticCheck,
    CheckPublic,
    CheckSeed,
    Discrepancy,
    DiscrepancyNoteSeed,
    DiscrepancyPublic,
)
from app.models.base import metadata
from app.models.citation import Citation, CitationPublic, CitationSeed
from app.models.dataset import Dataset, DatasetLoad
from app.models.exclusion import Exclusion, ExclusionSeed
from app.models.meeting import (
    Meeting,
    MeetingPublic,
    MeetingSeed,
    Participant,
    ParticipantPublic,
)
from app.models.mention import MentionExclusionSeed, NameMention
from app.models.metric import METRIC_RULE_FIELDS, Metric, MetricPublic, MetricSeed
from app.models.milestone import Milestone, MilestonePublic, MilestoneSeed
from app.models.organization import Organization, OrganizationPublic, OrganizationSeed
from app.models.person import Person, PersonPublic, PersonRole, PersonSeed
from app.models.provision import Provision, ProvisionPublic, ProvisionSeed, ProvisionStatistic
from app.models.search import FacetCount, SearchDocument, SearchHit, TimelineItem
from app.models.series import Series, SeriesPublic, SeriesSummaryPublic
from app.models.source import Source, SourcePublic, SourceSeed
from app.models.statement import Statement, StatementLink, StatementPublic, StatementSeed
from app.models.statistic import Statistic, StatisticPublic, StatisticSeed

__all__ = [
    "METRIC_RULE_FIELDS",
    "ArithmeticCheck",
    "CheckPublic",
    "CheckSeed",
    "Citation",
    "CitationPublic",
    "CitationSeed",
    "Dataset",
    "DatasetLoad",
    "Discrepancy",
    "DiscrepancyNoteSeed",
    "DiscrepancyPublic",
    "Exclusion",
    "ExclusionSeed",
    "FacetCount",
    "Meeting",
    "MeetingPublic",
    "MeetingSeed",
    "MentionExclusionSeed",
    "Metric",
    "MetricPublic",
    "MetricSeed",
    "Milestone",
    "MilestonePublic",
    "MilestoneSeed",
    "NameMention",
    "Organization",
    "OrganizationPublic",
    "OrganizationSeed",
    "Participant",
    "ParticipantPublic",
    "Person",
    "PersonPublic",
    "PersonRole",
    "PersonSeed",
    "Provision",
    "ProvisionPublic",
    "ProvisionSeed",
    "ProvisionStatistic",
    "SearchDocument",
    "SearchHit",
    "Series",
    "SeriesPublic",
    "SeriesSummaryPublic",
    "Source",
    "SourcePublic",
    "SourceSeed",
    "Statement",
    "StatementLink",
    "StatementPublic",
    "StatementSeed",
    "Statistic",
    "StatisticPublic",
    "StatisticSeed",
    "TimelineItem",
    "metadata",
]
