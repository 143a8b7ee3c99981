"""``tbgeo users add|list|roles|disable|enable|password``: the accounts of a departmental server.

Every change is made by ``--by NAME`` (else ``TBGEO_USER`` or the login name), which must be an
admin's account once accounts exist; the first account, made from the single-user workbench, must be
an admin. Passwords are read from the terminal (twice), or from standard input with
``--password-stdin`` (one line) for scripts: never from the command line, where others could see them.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from tbgeo.auth import ROLES, accounts as acc, acting, check_name
from tbgeo.cli import emit_json
from tbgeo.errors import InputError
from tbgeo.i18n import t
from tbgeo.i18n.params import Joined, Text, localize
from tbgeo.store import open_store

NAME = "users"
HELP_KEY = "auth.cli.help"
ACTIONS = ("add", "list", "roles", "disable", "enable", "password")


def add_arguments(parser: argparse.ArgumentParser, lang: str) -> None:
    parser.add_argument("action", choices=ACTIONS)
    parser.add_argument("name", nargs="?")
    parser.add_argument("--role", action="append", choices=ROLES, default=[], help=", ".join(ROLES))
    parser.add_argument("--display-name", default="")
    parser.add_argument("--password-stdin", action="store_true")
    parser.add_argument("--by", default=None)
    parser.add_argument("--format", choices=("text", "json"), default="text", help=t("cli.format_help", lang))


def _roles(roles: tuple[str, ...], lang: str) -> str:
    return str(localize({"r": Joined(tuple(Text(f"auth.role.{r}", r) for r in roles))}, lang)["r"])


def _password(args: argparse.Namespace, name: str) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    try:
        first = getpass.getpass(t("auth.cli.password_prompt", args.lang, name=name))
        again = getpass.getpass(t("auth.cli.password_again", args.lang))
    except EOFError:  # no terminal to ask on (a script, a pipe)
        raise InputError("auth.cli.no_terminal") from None
    if again != first:
        raise InputError("auth.cli.password_mismatch")
    return first


def run(args: argparse.Namespace) -> int:
    lang = args.lang
    if args.action == "list":
        return _list(args)
    if not args.name:
        raise InputError("auth.bad_name", name="")
    name = check_name(args.name)
    store = open_store()
    actor = acting(store, args.by)
    if args.action == "add":
        user = acc.add_user(store, actor, name, _password(args, name), args.role, display_name=args.display_name)
        print(t("auth.cli.added", lang, name=user.name, roles=_roles(user.roles, lang)))
    elif args.action == "roles":
        user = acc.set_roles(store, actor, name, args.role)
        print(t("auth.cli.roles_set", lang, name=user.name, roles=_roles(user.roles, lang)))
    elif args.action in ("disable", "enable"):
        user = acc.set_disabled(store, actor, name, args.action == "disable")
        print(t(f"auth.cli.{args.action}d", lang, name=user.name))
    else:
        user = acc.set_password(store, actor, name, _password(args, name))
        print(t("auth.cli.password_set", lang, name=user.name))
    return 0


def _list(args: argparse.Namespace) -> int:
    lang = args.lang
    users = open_store(create=False).users()
    if args.format == "json":
        emit_json([u.to_dict() for u in users])
        return 0
    if not users:
        print(t("auth.cli.none", lang))
        return 0
    print(f"{t('auth.cli.col_name', lang):<20} {t('auth.cli.col_state', lang):<12} {t('auth.cli.col_roles', lang)}")
    for u in users:
        state = t("auth.cli.locked" if u.disabled else "auth.cli.active", lang)
        print(f"{u.name:<20} {state:<12} {_roles(u.roles, lang)}")
    return 0
