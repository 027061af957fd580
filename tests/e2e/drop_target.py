"""A file manager's part in a drag, for the end-to-end tests: a plain GTK window that accepts files
dropped on it as a file manager does (a `text/uri-list` of `file://` URIs) and writes, for each
drop, what it was given: every path the URIs name and, for each file below them, its size and
contents. Run with the system Python (python3-gi): `drop_target.py OUT X Y`; it prints `ready` once
its window is mapped at X, Y."""

import json
import os
import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import GLib, Gdk, Gtk  # noqa: E402

out, x, y = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])


def files_below(path):
    if os.path.isfile(path):
        with open(path, "rb") as f:
            return {os.path.basename(path): f.read().decode("utf-8", "replace")}
    found = {}
    for folder, _, names in os.walk(path):
        for name in names:
            full = os.path.join(folder, name)
            with open(full, "rb") as f:
                found[os.path.relpath(full, os.path.dirname(path))] = f.read().decode("utf-8", "replace")
    return found


def received(widget, context, _x, _y, data, _info, time):
    uris = data.get_uris() or []
    paths, files = [], {}
    for uri in uris:
        try:
            path, _ = GLib.filename_from_uri(uri)
        except GLib.Error as e:
            paths.append({"uri": uri, "error": str(e)})
            continue
        paths.append({"uri": uri, "path": path})
        files.update(files_below(path))
    with open(out, "a") as f:
        f.write(json.dumps({"paths": paths, "files": files}) + "\n")
    Gtk.drag_finish(context, True, False, time)


window = Gtk.Window(title="Drop target")
window.set_default_size(300, 300)
window.move(x, y)
window.drag_dest_set(Gtk.DestDefaults.ALL, [], Gdk.DragAction.COPY)
window.drag_dest_add_uri_targets()
window.connect("drag-data-received", received)
window.connect("map-event", lambda *_: print("ready", flush=True))
window.connect("destroy", Gtk.main_quit)
window.show_all()
Gtk.main()
