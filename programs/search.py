"""Site search across careers, programs, schools and certifications (see site_search)."""

from dataclasses import dataclass, field


@dataclass
class SearchResults:
    query: str
    careers: list = field(default_factory=list)
    programs: list = field(default_factory=list)
    schools: list = field(default_factory=list)
    certifications: list = field(default_factory=list)

    @property
    def total(self):
        return len(self.careers) + len(self.programs) + len(self.schools) + len(self.certifications)


def site_search(query: str) -> SearchResults:
    return SearchResults(query=query)
