"""The visitor's shortlist and compare list, kept in their session (no account needed)."""

from .models import Program

COMPARE_LIMIT = 4


class ProgramSelection:
    """An ordered set of program ids in the session, optionally capped."""

    def __init__(self, session, key: str, limit: int | None = None):
        self.session, self.key, self.limit = session, key, limit

    @property
    def ids(self) -> list[int]:
        return list(self.session.get(self.key, []))

    def __len__(self):
        return len(self.ids)

    def __contains__(self, program_id):
        return program_id in self.ids

    @property
    def is_full(self):
        return self.limit is not None and len(self) >= self.limit

    def add(self, program_id: int) -> bool:
        """Add a program; False when the selection is full (and nothing changes)."""
        if program_id in self:
            return True
        if self.is_full:
            return False
        self.session[self.key] = [*self.ids, program_id]
        return True

    def remove(self, program_id: int):
        self.session[self.key] = [pk for pk in self.ids if pk != program_id]

    def replace(self, program_ids: list[int]):
        self.session[self.key] = list(program_ids)[: self.limit]

    def programs(self):
        """The selected published programs, in the order they were added."""
        found = Program.objects.for_listing().in_bulk(self.ids)
        return [found[pk] for pk in self.ids if pk in found]


def compare_list(session):
    return ProgramSelection(session, "compare", limit=COMPARE_LIMIT)


def shortlist(session):
    return ProgramSelection(session, "shortlist")
