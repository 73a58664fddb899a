"""Which screen shows each place: the one module of screens that imports the screens.

A screen asks for a place (`screens.places.go`); `BBSApp.go` hands it here. The
directory, a community and a thread are the session's own instances shown again
(`Reusable.open`); every other place is a new screen, its answer handed to `then`.
"""

from __future__ import annotations

from textual.app import App
from textual.screen import Screen

from screens import places
from screens.chat import ChatScreen
from screens.community import CommunityScreen
from screens.composer import ComposerScreen
from screens.directory import DirectoryScreen
from screens.discover import CrossPostScreen, DiscoverScreen
from screens.found import FoundCommunityScreen
from screens.join import JoinScreen
from screens.mail import ComposeMailScreen, InboxScreen
from screens.meetups import MeetupsScreen
from screens.members import MembersScreen
from screens.moderation import FlagPrompt, ModerationScreen, ReasonPrompt, ThreadModMenu
from screens.modlog import ModLogScreen
from screens.newscan import NewScanScreen
from screens.online import OnlineScreen
from screens.poll import PollDraftScreen, PollScreen
from screens.profile import ProfileScreen
from screens.search import SearchScreen
from screens.thread import ThreadScreen


def new_screen(place: places.Place) -> Screen[object] | None:
    """A new screen showing `place`, or None for a place shown by a reused screen."""
    match place:
        case places.NewThread(slug, board):
            return ComposerScreen.new_thread(slug, board)
        case places.Reply(slug, post):
            return ComposerScreen.reply(slug, post)
        case places.EditPost(slug, post):
            return ComposerScreen.edit(slug, post)
        case places.Join(slug):
            return JoinScreen(slug)
        case places.Chat(room):
            return ChatScreen(room)
        case places.Poll(slug, thread_id):
            return PollScreen(slug, thread_id)
        case places.WritePoll(draft):
            return PollDraftScreen(draft)
        case places.Meetups(slug):
            return MeetupsScreen(slug)
        case places.ModLog(slug):
            return ModLogScreen(slug)
        case places.Members(slug, moderator):
            return MembersScreen(slug, moderator=moderator)
        case places.Moderation(slug):
            return ModerationScreen(slug)
        case places.ThreadModeration(slug, thread, post):
            return ThreadModMenu(slug, thread, post)
        case places.FlagPost(slug, post):
            return FlagPrompt(slug, post)
        case places.AskReason(question, value, required, placeholder):
            return ReasonPrompt(question, value, required=required, placeholder=placeholder)
        case places.CrossPost(slug, thread_id):
            return CrossPostScreen(slug, thread_id)
        case places.Profile(handle):
            return ProfileScreen(handle)
        case places.NewMail(to):
            return ComposeMailScreen(to)
        case places.Inbox():
            return InboxScreen()
        case places.NewScan():
            return NewScanScreen()
        case places.Search():
            return SearchScreen()
        case places.Online():
            return OnlineScreen()
        case places.Discover():
            return DiscoverScreen()
        case places.FoundCommunity():
            return FoundCommunityScreen()
    return None


def show(app: App[object], place: places.Place, then: places.Then = None) -> None:
    """Show `place` on `app`: the session's own directory, community or thread screen
    shown again, or a new screen whose answer goes to `then`."""
    match place:
        case places.Directory():
            DirectoryScreen.open(app)
        case places.Community(slug):
            CommunityScreen.open(app, slug)
        case places.Thread(slug, thread_id, focus_post):
            ThreadScreen.open(app, slug, thread_id, focus_post=focus_post)
        case _:
            screen = new_screen(place)
            if screen is None:
                raise ValueError(f"no screen shows {place!r}")
            app.push_screen(screen, then)
