"""A desktop notification server for the end-to-end run: it owns org.freedesktop.Notifications on
the test's private D-Bus session, as a desktop's notification daemon would, and appends each
notification it is asked to show to a file as one JSON line {app, summary, body}. The app's
notifications reach it the way they reach a user's desktop.

Usage: notifications.py FILE   (prints "ready" once the name is owned)
"""

import asyncio
import json
import sys

from dbus_fast import BusType
from dbus_fast.aio import MessageBus
from dbus_fast.service import ServiceInterface, method


class Notifications(ServiceInterface):
    def __init__(self, path):
        super().__init__("org.freedesktop.Notifications")
        self.path = path
        self.next_id = 0

    @method()
    def Notify(self, app_name: "s", replaces_id: "u", app_icon: "s", summary: "s", body: "s", actions: "as", hints: "a{sv}", timeout: "i") -> "u":  # noqa: F821
        self.next_id += 1
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps({"app": app_name, "summary": summary, "body": body}) + "\n")
        return self.next_id

    @method()
    def GetCapabilities(self) -> "as":  # noqa: F821
        return ["body"]

    @method()
    def GetServerInformation(self) -> "ssss":  # noqa: F821
        return ["satchel-tests", "satchel", "1", "1.2"]

    @method()
    def CloseNotification(self, id: "u"):  # noqa: F821
        pass


async def main(path):
    bus = await MessageBus(bus_type=BusType.SESSION).connect()
    bus.export("/org/freedesktop/Notifications", Notifications(path))
    await bus.request_name("org.freedesktop.Notifications")
    print("ready", flush=True)
    try:
        await bus.wait_for_disconnect()
    except EOFError:
        pass  # the session bus went away with the test run


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
