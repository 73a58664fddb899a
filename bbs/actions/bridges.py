"""Bridges against echo chambers: cross-posting, discovering other communities, sisters."""

from __future__ import annotations

from bbs.actions.membership import MembershipActions
from bbs.errors import Forbidden, NotFound
from bbs.live_events import Kind, NewThread
from bbs.models import DiscoverThread, MemberRole, Person, RelatedCommunity, Visibility

DISCOVER_DAYS = 30


class BridgeActions(MembershipActions):
    def cross_post(
        self, viewer: Person, slug: str, thread_id: int, to_slug: str, board: str = "general"
    ) -> int:
        """Share a thread in another community one belongs to; replies stay in the original.

        The copy quotes the first post, so only what anyone may read is copied: a thread
        of an open community whose first post is not hidden. A moderator who hides the
        original later hides the copies too (`ModerationActions`)."""
        source = self._require_read(viewer, slug).community
        target = self._require_post(viewer, to_slug).community
        if to_slug == slug:
            raise Forbidden("Cross-post to another community.")
        if source["visibility"] != Visibility.OPEN:
            raise Forbidden(
                f"{source['name']} is for its members: its threads are not cross-posted."
            )
        thread = self.store(slug).thread(thread_id)
        first = self.store(slug).first_post(thread_id)
        if thread is None or first is None:
            raise NotFound(f"There is no thread {thread_id} in {slug}.")
        if first["hidden"]:
            raise Forbidden("A moderator has hidden this thread's first post: it is not shared.")
        quoted = "\n".join(f"> {line}" for line in first["body"].splitlines())
        body = (
            f"Cross-posted by @{viewer.handle} from **{source['name']}** "
            f"({slug}/{thread_id}). Replies stay in the original thread.\n\n{quoted}"
        )
        target_store = self.store(to_slug)
        board_row = target_store.board(board)
        if board_row is None:
            raise NotFound(f"There is no board {board!r} in {target['name']}.")
        with self._paced(viewer, "crosspost", same=f"{slug}/{thread_id}>{to_slug}"):
            new_id, post_id = target_store.add_thread(
                board_row["id"],
                thread["title"],
                viewer.id,
                viewer.handle,
                body,
                self.clock(),
                origin=f"{slug}/{thread_id}",
            )
            target_store.set_thread(new_id, locked=1)
            self.hub.add_crosspost(slug, thread_id, to_slug, new_id, self.clock())
        self._publish(
            Kind.NEW_THREAD, to_slug, viewer.handle, NewThread(board_row["id"], new_id, post_id)
        )
        return new_id

    def discover(self, viewer: Person, limit: int = 20) -> list[DiscoverThread]:
        """Active threads in open communities the viewer has not joined; none whose first
        post a moderator hid, none by someone who may not reach the viewer."""
        since = self.clock() - DISCOVER_DAYS * 86_400
        blocked = self.blocked_handles(viewer)
        found: list[DiscoverThread] = []
        for standing in self._standings(viewer, self.hub.communities()):
            row = standing.community
            if row["visibility"] != Visibility.OPEN or standing.role:
                continue
            for t in self.store(row["slug"]).active_threads(since, limit):
                first = self.store(row["slug"]).first_post(t["id"])
                if t["author"] in blocked or first is None or first["hidden"]:
                    continue
                found.append(
                    DiscoverThread(
                        row["slug"],
                        row["name"],
                        t["id"],
                        t["title"],
                        t["post_count"],
                        t["last_post_at"],
                    )
                )
        return sorted(found, key=lambda d: -d.last_post_at)[:limit]

    def related_communities(self, viewer: Person) -> list[RelatedCommunity]:
        """Communities that share members with the viewer's, and their sisters, not yet joined."""
        mine = (
            {m["community"] for m in self.hub.memberships_of(viewer.id) if m["status"] == "active"}
            if not viewer.is_guest
            else set()
        )
        found: dict[str, RelatedCommunity] = {}
        for slug in sorted(mine):
            row = self.hub.community(slug)
            for sister in row["sisters"].split(",") if row else []:
                self._add_related(found, mine, sister, 0, f"sister of {slug}")
            for shared in self.hub.shared_members(slug):
                self._add_related(
                    found,
                    mine,
                    shared["slug"],
                    shared["shared"],
                    f"shares {shared['shared']} members with {slug}",
                )
        return sorted(found.values(), key=lambda r: -r.shared_members)

    def _add_related(
        self, found: dict, mine: set[str], slug: str, shared: int, reason: str
    ) -> None:
        row = self.hub.community(slug) if slug else None
        if row is None or slug in mine or row["status"] != "active":
            return
        if slug not in found or found[slug].shared_members < shared:
            found[slug] = RelatedCommunity(slug, row["name"], row["description"], shared, reason)

    def set_sisters(self, viewer: Person, slug: str, sisters: list[str]) -> None:
        """The owner names sister communities, shown on the community's page."""
        if self.member_role(viewer, slug) != MemberRole.OWNER and not viewer.is_sysop:
            raise Forbidden("Only the owner names sister communities.")
        for sister in sisters:
            self._community_row(sister)
        self.hub.update_community(slug, sisters=",".join(s for s in sisters if s != slug))
