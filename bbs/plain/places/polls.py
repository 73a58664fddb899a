"""A thread's poll in plain mode: the question, each choice with its votes in words, voting.

The counts are said as words and numbers ("Saturday: 2 votes, 67 percent, your vote"),
not drawn as bars: a screen reader reads a bar of blocks as a run of symbols.
"""

from __future__ import annotations

from bbs.plain.menus import Choice, Menu, Outcome, Word
from bbs.plain.session import PlainSession
from bbs.plain.wording import count
from bbs.polls.bars import share, summary
from bbs.polls.models import Poll


def choice_words(poll: Poll, position: int) -> str:
    choice = next(c for c in poll.choices if c.position == position)
    mine = ", your vote" if position in poll.mine else ""
    if not poll.shows_results:
        return f"{choice.label}{mine}"
    votes = count(choice.votes, "vote")
    return f"{choice.label}: {votes}, {share(choice.votes, poll.voters)} percent{mine}"


class PollPlace(Menu):
    """The poll of one thread; a number votes for that choice (several: `vote 1 3`)."""

    def __init__(self, s: PlainSession, slug: str, thread_id: int) -> None:
        super().__init__(s)
        self.slug, self.thread_id = slug, thread_id
        self.where = f"{slug}/{thread_id} (poll)"
        self.poll: Poll | None = None

    def prompt(self) -> str:
        return "Poll> "

    def heading(self) -> str:
        return f"Poll: {self.poll.question}" if self.poll else "Poll"

    async def load(self) -> list[str]:
        s = self.s
        self.poll = await s.call(s.forum.poll, s.viewer, self.slug, self.thread_id)
        if self.poll is None:
            return ["This thread has no poll."]
        lines = [summary(self.poll) + "."]
        if not self.poll.can_vote:
            lines.append(self.poll.why_not)
            lines += [f"  {choice_words(self.poll, c.position)}" for c in self.poll.choices]
        elif self.poll.several:
            lines.append("Type vote and the numbers of your choices, as in: vote 1 3.")
        else:
            lines.append("A number votes for that choice.")
        return lines

    def choices(self) -> list[Choice]:
        poll = self.poll
        if poll is None or not poll.can_vote:
            return []
        return [
            Choice(choice_words(poll, c.position), self._vote([c.position])) for c in poll.choices
        ]

    def words(self) -> list[Word]:
        found = []
        if self.poll is not None and self.poll.can_vote:
            found.append(Word("vote", "vote for these numbers", self._vote_words, "v"))
        if self.poll is not None and self.poll.can_close:
            found.append(Word("close", "close the poll now", self._close))
        return found

    def _vote(self, positions: list[int]):  # noqa: ANN202 - a Choice's run
        async def run() -> Outcome:
            s = self.s
            await s.call(s.forum.vote, s.viewer, self.slug, self.thread_id, positions)
            s.say("Your vote is counted.")
            await self.show()
            return None

        return run

    async def _vote_words(self, rest: str) -> Outcome:
        numbers = [int(w) for w in rest.replace(",", " ").split() if w.isdigit()]
        if not numbers:
            self.s.say("Type vote and the numbers of your choices, as in: vote 1 3.")
            return None
        return await self._vote(numbers)()

    async def _close(self, rest: str) -> Outcome:
        s = self.s
        poll = self.poll
        reason = rest
        if poll is not None and not poll.by_viewer and not reason:
            reason = (await s.ask("Why (for the moderation log)? ")) or ""
        await s.call(s.forum.close_poll, s.viewer, self.slug, self.thread_id, reason)
        s.say("The poll is closed.")
        await self.show()
        return None
